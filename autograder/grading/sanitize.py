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
puts back any test cell that is missing (:class:`OverwriteCellsStably`
gives the restored cell an id of its own that does not change between two
gradings).
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
