"""The score of a grade cell is the verdict's, and nothing else.

nbgrader reads a code grade cell's score from its execute_result and, when
that is not a number, gives full points (``utils.get_partial_grade``). The
grader writes every grade cell's outputs itself (preprocessor.py), so a
score that is not a number between 0 and the cell's points means something
went wrong: :class:`ValidateScores` refuses such a notebook before
nbgrader's SaveAutoGrades can read it, and :func:`gradebook_disagreements`
checks after each submission that the gradebook holds exactly the scores
of the verdict record.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution


class InvalidScore(ValueError):
    """A grade cell whose result is not a score the grader wrote."""


def cell_score(cell) -> float:
    """The score written in a code grade cell's outputs; raises InvalidScore
    unless there is exactly one result, a number between 0 and the cell's points."""
    grade_id = cell.metadata.nbgrader.get("grade_id", "?")
    points = float(cell.metadata.nbgrader.get("points", 0))
    results = [out for out in cell.outputs if out.output_type == "execute_result"]
    others = [
        out
        for out in cell.outputs
        if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")
    ]
    if len(results) != 1 or others:
        raise InvalidScore(
            f"grade cell {grade_id} holds {len(results)} results and {len(others)} errors; "
            "expected exactly one result, the score the grader wrote"
        )
    text = results[0].get("data", {}).get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    try:
        score = float(text)
    except ValueError:
        raise InvalidScore(
            f"grade cell {grade_id}: its result {text[:40]!r} is not a number; expected a "
            f"score between 0 and {points:g}"
        ) from None
    if not (math.isfinite(score) and 0.0 <= score <= points):
        raise InvalidScore(
            f"grade cell {grade_id}: score {score!r} is outside 0..{points:g} (its points)"
        )
    return score


class ValidateScores(NbGraderPreprocessor):
    """Refuse a notebook whose code grade cells do not each hold one valid score."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
                cell_score(cell)
        return nb, resources


def gradebook_disagreements(
    db_url: str, course_id: str, record_path: Path, assignment: str, student: str
) -> list[str]:
    """Where the gradebook's autograded scores differ from the verdict record
    of one graded notebook (empty when they agree on every test cell)."""
    record = json.loads(Path(record_path).read_text(encoding="utf-8"))
    return record_disagreements(db_url, course_id, record, assignment, student)


def record_disagreements(
    db_url: str, course_id: str, record: dict, assignment: str, student: str
) -> list[str]:
    """:func:`gradebook_disagreements` for a record already read (a dict)."""
    notebook = record["notebook"]
    problems = []
    with Gradebook(db_url, course_id) as gradebook:
        for test in record["tests"]:
            grade_id = test["grade_id"]
            try:
                grade = gradebook.find_grade(grade_id, notebook, assignment, student)
            except MissingEntry:
                problems.append(f"{grade_id}: no grade in the gradebook")
                continue
            if grade.auto_score is None or not math.isclose(
                grade.auto_score, test["score"], abs_tol=1e-9
            ):
                problems.append(
                    f"{grade_id}: gradebook {grade.auto_score}, verdict {test['score']}"
                )
    return problems
