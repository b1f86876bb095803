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
puts back any test cell that is missing.
"""

from __future__ import annotations

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor


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
