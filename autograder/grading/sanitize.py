"""Put a submission's nbgrader cell metadata back as the instructor wrote it.

Students copy and paste cells, and some edit metadata on purpose (a test
made editable, a solution cell turned into a 100-point test). nbgrader's
own sanitizers then stop the whole notebook ("Inconsistent checksums",
"No such grade cell", a KeyError on a pasted copy). This preprocessor runs
before them and makes every cell's role come from the gradebook alone:

- a cell whose grade_id the gradebook knows gets that cell's flags (grade,
  solution, task, locked) and points back;
- a second cell with the same grade_id, an empty nbgrader dict, or an id
  the gradebook does not know becomes an ordinary cell.

nbgrader's OverwriteCells then restores the sources of locked cells and
puts back any test cell that is missing. :class:`OverwriteCellsStably`
gives the restored cell an id of its own that does not change between two
gradings, and puts it at the end of the notebook when the cell it followed
in the release is gone too (nbgrader stops the notebook there with a
KeyError: a notebook whose editor dropped every cell's metadata went
ungraded).
"""

from __future__ import annotations

import re

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells


class RestoreGradingMetadata(NbGraderPreprocessor):
    """Cell roles from the gradebook, not from the submitted file."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        seen: set[str] = set()
        with Gradebook(info["db_url"]) as gradebook:
            for cell in nb.cells:
                metadata = cell.metadata.get("nbgrader")
                if metadata is None:
                    continue
                grade_id = metadata.get("grade_id") if isinstance(metadata, dict) else None
                role = None
                if grade_id and grade_id not in seen:
                    role = self._role(gradebook, grade_id, info["notebook"], info["assignment"])
                if role is None:
                    del cell.metadata["nbgrader"]
                    continue
                seen.add(grade_id)
                cell.metadata["nbgrader"] = role
        return nb, resources

    @staticmethod
    def _role(gradebook: Gradebook, grade_id: str, notebook: str, assignment: str) -> dict | None:
        try:
            source = gradebook.find_source_cell(grade_id, notebook, assignment)
        except MissingEntry:
            return None
        role = {
            "grade_id": grade_id,
            "locked": bool(source.locked),
            "grade": False,
            "solution": False,
            "task": False,
            "schema_version": 3,
        }
        for kind, find in (
            ("grade", gradebook.find_grade_cell),
            ("solution", gradebook.find_solution_cell),
            ("task", gradebook.find_task_cell),
        ):
            try:
                found = find(grade_id, notebook, assignment)
            except MissingEntry:
                continue
            role[kind] = True
            if kind in ("grade", "task"):
                role["points"] = float(found.max_score)
        if source.checksum:
            role["checksum"] = source.checksum
        return role


class OverwriteCellsStably(OverwriteCells):
    """nbgrader's OverwriteCells, whose restored cells get stable ids.

    nbgrader adds a deleted test cell back without an id, and nbformat then
    makes up a random one: the same file graded twice would give two
    feedback pages. The restored cell is named after its grade_id instead
    (``restored-<grade_id>``, with a counter if a student's cell has that
    id already)."""

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        taken = {cell.get("id") for cell in nb.cells}
        for cell in nb.cells:
            if cell.get("id"):
                continue
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "cell")
            # Cell ids are 1 to 64 letters, digits, '-' and '_' (nbformat 4.5).
            stem = "restored-" + re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:40]
            candidate, count = stem, 1
            while candidate in taken:
                count += 1
                candidate = f"{stem}-{count}"
            cell["id"] = candidate
            taken.add(candidate)
        return nb, resources

    def add_missing_grade_cells(self, nb, resources):
        """Put back every grade cell the submission lacks, in the gradebook's
        order: right after the cell that precedes it in the release when
        the submission still has that cell (nbgrader's rule), first when it
        was the release's first cell, and otherwise at the end of the
        notebook. The end is after every cell the student wrote, so the
        functions a test grades are defined when it runs, wherever the
        student's code now is (pasted into new cells, or in cells whose
        metadata an editor dropped)."""
        source_notebook = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_ids = [cell.name for cell in source_notebook.source_cells]
        solution_ids = {cell.name for cell in source_notebook.solution_cells}
        for grade_cell in source_notebook.grade_cells:
            if _position(nb, grade_cell.name) is not None:
                continue
            self.log.warning(f"Missing grade cell {grade_cell.name}, adding it to the notebook")
            index = source_ids.index(grade_cell.name)
            restored = self.missing_cell_transform(
                source_notebook.source_cells[index],
                grade_cell.max_score,
                is_solution=grade_cell.name in solution_ids,
            )
            before = _position(nb, source_ids[index - 1]) if index > 0 else -1
            nb.cells.insert(len(nb.cells) if before is None else before + 1, restored)
        return nb, resources


def _position(nb, grade_id: str) -> int | None:
    """The index of the notebook's cell with nbgrader id `grade_id`, or None."""
    for index, cell in enumerate(nb.cells):
        role = cell.metadata.get("nbgrader")
        if isinstance(role, dict) and role.get("grade_id") == grade_id:
            return index
    return None
