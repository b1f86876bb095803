"""`course export`: grades as CSV, nbgrader's columns plus one per graded part."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.apps.common import console, course_from
from autograder.coursedir import nbgrader_api

HELP = "write the grades as CSV"
EXAMPLE = """example:
  course export --to grades.csv
One row per student and assignment with nbgrader's columns (assignment,
duedate, timestamp, student_id, last_name, first_name, email, raw_score,
late_submission_penalty, score, max_score) followed by one column per graded
part, named <notebook>:<grade_id> (e.g. a2_rnn:test_rnn_backward)."""

NBGRADER_COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", type=Path, default=Path("grades.csv"), help="CSV file to write")


def grade_rows(db_url: str, course_id: str) -> tuple[list[str], list[dict]]:
    """(part columns, rows) for every submission in the gradebook."""
    rows: list[dict] = []
    parts: list[str] = []
    with Gradebook(db_url, course_id) as gradebook:
        for assignment in gradebook.assignments:
            for notebook in assignment.notebooks:
                for cell in notebook.grade_cells:
                    parts.append(f"{notebook.name}:{cell.name}")
            for student in gradebook.students:
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except Exception:  # no submission: nbgrader's exporter writes zeros too
                    submission = None
                row = {
                    "assignment": assignment.name,
                    "duedate": assignment.duedate or "",
                    "timestamp": submission.timestamp if submission else "",
                    "student_id": student.id,
                    "last_name": student.last_name or "",
                    "first_name": student.first_name or "",
                    "email": student.email or "",
                    "raw_score": submission.score if submission else 0.0,
                    "late_submission_penalty": submission.late_submission_penalty
                    if submission
                    else 0.0,
                    "score": (submission.score - submission.late_submission_penalty)
                    if submission
                    else 0.0,
                    "max_score": assignment.max_score,
                }
                if submission:
                    for nb in submission.notebooks:
                        for grade in nb.grades:
                            row[f"{nb.name}:{grade.name}"] = grade.score
                rows.append(row)
    return parts, rows


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    api = nbgrader_api(course)
    parts, rows = grade_rows(api.coursedir.db_url, api.coursedir.course_id)
    with open(args.to, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*NBGRADER_COLUMNS, *parts], restval="")
        writer.writeheader()
        writer.writerows(rows)
    console.print(f"wrote {len(rows)} row(s) and {len(parts)} part column(s) to {args.to}")
    return 0
