"""Final grades in the grade-import CSV layout of Canvas or Moodle.

The numbers are those of `course export`'s nbgrader rows (score after the
late penalty, and the assignment's maximum), so the files never disagree;
who each student is in the LMS comes from the roster (autograder/roster.py).

**Canvas** (Grades > Import; its importer, ``app/models/gradebook_importer.rb``,
wants a header whose first columns are ``Student``, ``ID``, then optionally
``SIS User ID`` and ``SIS Login ID``, and ``Section`` last; an optional
second row starting "Points Possible"; then one column per assignment,
matched by the title or "Title (id)" of a Canvas assignment, or created).
A student is found by ``ID`` (Canvas's user id), else the SIS ids, else the
name; a row Canvas cannot match is shown on its import page to be matched by
hand, so a graded student missing from the roster is written with only the
course's id as name. An empty cell is no grade.

**Moodle** (Grades > Import > CSV file; "the import file format is the same
as the corresponding export format": ``First name``, ``Last name``, ``ID
number``, ``Institution``, ``Department``, ``Email address``, then one
column per grade item named "Assignment: <name> (Real)"; the instructor maps
"Email address" to the user's email, or "ID number" to the user's ID
number, and each column to a grade item). "-" is no grade, as in Moodle's
export. Moodle's import stops at the first row whose user it cannot find,
so a graded student missing from the roster cannot be in the file: such
students are listed by `course export` instead. The export's optional last
column, "Last downloaded from this course", is left out: it is a Moodle
export's time, which Moodle checks against its grades' own times.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograder.roster import Roster, RosterStudent

FORMATS = ("nbgrader", "canvas", "moodle")
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_STUDENT_COLUMNS = (
    "First name",
    "Last name",
    "ID number",
    "Institution",
    "Department",
    "Email address",
)
MOODLE_NO_GRADE = "-"


def moodle_column(assignment: str) -> str:
    """A grade item's column, as Moodle's export names an assignment's."""
    return f"Assignment: {assignment} (Real)"


def points(value: float) -> str:
    """A score as the LMS reads it: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class LmsExport:
    """What one LMS file holds and what it could not."""

    rows: int = 0
    unrostered: dict[str, dict[str, str]] = field(default_factory=dict)
    """Graded students not on the roster: {student: {assignment: score}}."""
    without_submission: dict[str, list[str]] = field(default_factory=dict)
    """{assignment: roster students with no submission of it}."""


def final_scores(rows: list[dict], submitted_key: str):
    """From `course export`'s nbgrader rows: the assignments (in order),
    their maximum scores, and {(student, assignment): final score} of the
    submissions."""
    assignments = list(dict.fromkeys(row["assignment"] for row in rows))
    maxima = {row["assignment"]: float(row["max_score"]) for row in rows}
    scores = {
        (row["student_id"], row["assignment"]): float(row["score"])
        for row in rows
        if row[submitted_key]
    }
    return assignments, maxima, scores


def write_lms_file(
    lms: str,
    destination: Path,
    roster: Roster,
    assignments: Sequence[str],
    maxima: dict[str, float],
    scores: dict[tuple[str, str], float],
    students: Sequence[str] = (),
) -> LmsExport:
    """Write `destination` in `lms`'s layout ("canvas" or "moodle") for the
    roster's students (or only `students`); returns what it holds and lacks."""
    chosen = [s for s in roster.students if not students or s.student_id in students]
    graded = sorted({student for student, _ in scores} - {s.student_id for s in roster.students})
    summary = LmsExport()
    for student in graded:
        if not students or student in students:
            summary.unrostered[student] = {
                a: points(scores[(student, a)]) for a in assignments if (student, a) in scores
            }
    for assignment in assignments:
        missing = [s.student_id for s in chosen if (s.student_id, assignment) not in scores]
        if missing:
            summary.without_submission[assignment] = missing
    if lms == "canvas":
        lines = _canvas(chosen, summary, assignments, maxima, scores)
    else:
        lines = _moodle(chosen, assignments, scores)
    with Path(destination).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)
    summary.rows = len(lines) - (2 if lms == "canvas" else 1)
    return summary


def _cells(student: str, assignments, scores, no_grade: str) -> list[str]:
    return [
        points(scores[(student, a)]) if (student, a) in scores else no_grade for a in assignments
    ]


def _canvas(chosen: list[RosterStudent], summary, assignments, maxima, scores):
    lines = [
        [*CANVAS_STUDENT_COLUMNS, *assignments],
        [CANVAS_POINTS_ROW, "", "", "", "", *(points(maxima[a]) for a in assignments)],
    ]
    for s in chosen:
        identity = [s.sortable_name, s.lms_id, s.sis_user_id, s.sis_login_id, s.section]
        lines.append([*identity, *_cells(s.student_id, assignments, scores, "")])
    for student in summary.unrostered:
        lines.append([student, "", "", "", "", *_cells(student, assignments, scores, "")])
    return lines


def _moodle(chosen: list[RosterStudent], assignments, scores):
    lines = [[*MOODLE_STUDENT_COLUMNS, *(moodle_column(a) for a in assignments)]]
    for s in chosen:
        identity = [s.first_name, s.last_name, s.lms_id, "", "", s.email]
        lines.append([*identity, *_cells(s.student_id, assignments, scores, MOODLE_NO_GRADE)])
    return lines
