"""`course export`: grades as CSV: nbgrader's columns plus one per graded part,
or the grade-import layout of Canvas or Moodle (autograder/lms_export.py)."""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import CsvExportPlugin

from autograder import gradebookdb
from autograder.apps.common import UsageError, console, course_from, roster_from
from autograder.coursedir import Course, nbgrader_api
from autograder.lms_export import FORMATS, final_scores, write_lms_file

HELP = "write the grades as CSV"
EXAMPLE = """example:
  course export --to grades.csv
  course export --to a2.csv --assignment a2_rnn
  course export --format canvas --to canvas.csv     # roster: course/roster.csv
  course export --format moodle --roster class.csv --to moodle.csv
nbgrader (the default): one row per student and assignment with nbgrader's
columns, exactly as `nbgrader export` writes them (assignment, duedate,
timestamp, student_id, last_name, first_name, email, raw_score,
late_submission_penalty, score, max_score), followed by one column per graded
part, named <notebook>:<grade_id> (e.g. a2_rnn:test_rnn_backward): the part's
score, or nothing for a student who did not submit. A late submission shows
its timestamp, the due date and the penalty; a blank timestamp on a
submission means its time was not known.
canvas, moodle: the LMS's grade-import CSV, one row per roster student and
one column per assignment, holding the score after the late penalty (blank,
or "-" for Moodle, without a submission). Graded students missing from the
roster are listed (exit code 1): Canvas's file holds them for matching by
hand; Moodle's cannot (its import stops at an unknown user)."""

DEFAULT_DESTINATION = "grades.csv"
"""Where nbgrader's CsvExportPlugin writes when `to` is empty."""


class PartsCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export plus one column per graded part.

    nbgrader's own exporter writes the file first, so every one of its
    columns and rows is nbgrader's, byte for byte; each line then gets the
    scores of the graded cells of that submission, one column
    ``<notebook>:<grade_id>`` per graded cell of the exported assignments.
    """

    rows = 0
    """Rows written by the last export."""
    parts: tuple[str, ...] = ()
    """Part columns written by the last export."""
    submitted: frozenset[tuple[str, str]] = frozenset()
    """(assignment, student) of the rows that are a submission. nbgrader's
    columns cannot tell: a submission imported without a timestamp has a
    blank one, as a student who submitted nothing does."""

    def export(self, gradebook: Gradebook) -> None:
        super().export(gradebook)
        destination = Path(self.to or DEFAULT_DESTINATION)
        header, *rows = destination.read_text().splitlines()
        # nbgrader writes assignment and student_id as the 1st and 4th fields,
        # and neither the two nor duedate and timestamp between them hold commas.
        keys = [tuple(row.split(",", 4)[0:4:3]) for row in rows]
        assignments = list(dict.fromkeys(assignment for assignment, _ in keys))
        parts = [part for assignment in assignments for part in _parts(gradebook, assignment)]
        lines = [header + _cells(parts)]
        submitted = set()
        for row, (assignment, student) in zip(rows, keys, strict=True):
            scores = _part_scores(gradebook, assignment, student)
            if scores is not None:
                submitted.add((assignment, student))
            lines.append(row + _cells([(scores or {}).get(part, "") for part in parts]))
        destination.write_text("".join(line + "\n" for line in lines))
        self.rows, self.parts, self.submitted = len(rows), tuple(parts), frozenset(submitted)


def _parts(gradebook: Gradebook, assignment: str) -> list[str]:
    """`<notebook>:<grade_id>` of every graded cell of `assignment`."""
    found = gradebook.find_assignment(assignment)
    return [f"{nb.name}:{cell.name}" for nb in found.notebooks for cell in nb.grade_cells]


def _part_scores(gradebook: Gradebook, assignment: str, student: str) -> dict[str, str] | None:
    """{part: score} of one submission; None when there is none."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    return {
        f"{nb.name}:{grade.name}": str(float(grade.score))
        for nb in submission.notebooks
        for grade in nb.grades
    }


def _cells(values: list[str]) -> str:
    """`values` as CSV cells to append to a line (quoted only where CSV needs it)."""
    if not values:
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return "," + buffer.getvalue()


def export_grades(
    course: Course,
    destination: Path,
    assignments: Sequence[str] = (),
    students: Sequence[str] = (),
) -> PartsCsvExportPlugin:
    """Write the course's grades (of some assignments and students, or all)
    to `destination`; returns the plugin, which knows what it wrote."""
    api = nbgrader_api(course)
    # Opening an absent gradebook would create an empty one: refuse instead.
    if not gradebookdb.exists(course.gradebook_url):
        raise UsageError(
            f"no gradebook at {gradebookdb.shown(course.gradebook_url)}: "
            "release and grade an assignment first"
        )
    plugin = PartsCsvExportPlugin(
        to=str(destination), assignment=list(assignments), student=list(students), parent=api
    )
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        _check_known("assignment", assignments, [a.name for a in gradebook.assignments])
        _check_known("student", students, [s.id for s in gradebook.students])
        plugin.export(gradebook)
    return plugin


def _check_known(kind: str, asked: Sequence[str], known: list[str]) -> None:
    """nbgrader exports nothing for an unknown id; say so instead."""
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise UsageError(
            f"no {kind} {', '.join(map(repr, unknown))} in the gradebook "
            f"(it holds: {', '.join(known) or 'none'})"
        )


SUBMITTED = "submitted"
"""The key grade_rows adds to each row: whether it is a submission."""


def grade_rows(
    course: Course, assignments: Sequence[str] = (), students: Sequence[str] = ()
) -> list[dict]:
    """The export's rows as dicts (column name -> text), for the report and
    the LMS files, each with SUBMITTED: True when the gradebook holds that
    submission."""
    with tempfile.TemporaryDirectory(prefix="course-export-") as scratch:
        destination = Path(scratch) / DEFAULT_DESTINATION
        plugin = export_grades(course, destination, assignments, students)
        with destination.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
    for row in rows:
        row[SUBMITTED] = (row["assignment"], row["student_id"]) in plugin.submitted
    return rows


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to", type=Path, default=Path(DEFAULT_DESTINATION), help="CSV file to write"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="nbgrader",
        help="nbgrader's columns (default), or Canvas's or Moodle's grade import",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        help="class list for canvas and moodle (default: course/roster.csv)",
    )
    parser.add_argument(
        "--assignment",
        action="append",
        default=[],
        metavar="ID",
        help="export only this assignment (repeat for several; default: all)",
    )
    parser.add_argument(
        "--student",
        action="append",
        default=[],
        metavar="ID",
        help="export only this student (repeat for several; default: all)",
    )


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    if args.format != "nbgrader":
        return _lms_export(args, course)
    plugin = export_grades(course, args.to, args.assignment, args.student)
    console.print(
        f"wrote {plugin.rows} row(s) and {len(plugin.parts)} part column(s) to {args.to}"
    )
    return 0


def _lms_export(args: argparse.Namespace, course: Course) -> int:
    roster = roster_from(args, course, required=True)
    rows = grade_rows(course, args.assignment, args.student)
    assignments, maxima, scores = final_scores(rows, SUBMITTED)
    summary = write_lms_file(
        args.format, args.to, roster, assignments, maxima, scores, args.student
    )
    console.print(
        f"wrote {summary.rows} student row(s) and {len(assignments)} assignment column(s) "
        f"to {args.to} ({args.format})"
    )
    for assignment, students in summary.without_submission.items():
        console.print(
            f"no submission of {assignment} (left without a grade): {', '.join(students)}"
        )
    where = {
        "canvas": "in the file under their course id, for Canvas to match by hand",
        "moodle": "NOT in the file: Moodle's import stops at a user it does not know",
    }[args.format]
    for student, grades in summary.unrostered.items():
        shown = ", ".join(f"{a} {score}" for a, score in grades.items())
        console.print(
            f"[yellow]not on the roster {roster.path}[/yellow]: {student} ({shown}); {where}"
        )
    return 1 if summary.unrostered else 0
