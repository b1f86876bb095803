"""Which submissions a batch has finished, so that a stopped batch resumes.

After the batch's coordinator has saved a student's grades in the gradebook
and written the graded files and results records, it writes
``results/<assignment>/<student>/graded.json`` with the SHA-256 of the file
it graded: the ledger is written last, atomically. A restarted batch skips a
student whose file has the same hash; one killed before that write is simply
graded again (nbgrader updates its rows, it never adds a second submission).
A submission that could not be graded loses its ledger (:func:`forget`), so
that no earlier grade is taken for it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from autograder.coursedir import LEDGER_NAME, Course
from autograder.grading.records import write_atomically

__all__ = ["LEDGER_NAME", "already_graded", "forget", "mark_graded"]


def already_graded(course: Course, assignment: str, student: str, digest: str) -> bool:
    """Whether this exact file was graded to the end before."""
    path = course.ledger_file(assignment, student)
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("submission_sha256") == digest
    except (OSError, ValueError, AttributeError):
        return False


def mark_graded(course: Course, assignment: str, student: str, digest: str) -> None:
    """Record that this file's grades are in the gradebook (atomically)."""
    record = {
        "submission_sha256": digest,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_atomically(course.ledger_file(assignment, student), json.dumps(record).encode())


def forget(course: Course, assignment: str, student: str) -> None:
    """Remove the student's ledger: nothing of theirs counts as graded."""
    course.ledger_file(assignment, student).unlink(missing_ok=True)
