"""Which submissions a batch has finished, so that a stopped batch resumes.

After nbgrader has saved a student's grades, `course grade` writes
``results/<assignment>/<student>/graded.json`` with the SHA-256 of the file
it graded. A restarted batch skips a student whose file has the same hash;
one killed before that write is simply graded again (nbgrader updates its
rows, it never adds a second submission).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from autograder.coursedir import LEDGER_NAME, Course

__all__ = ["LEDGER_NAME", "already_graded", "mark_graded"]


def already_graded(course: Course, assignment: str, student: str, digest: str) -> bool:
    """Whether this exact file was graded to the end before."""
    path = course.ledger_file(assignment, student)
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("submission_sha256") == digest
    except (OSError, ValueError, AttributeError):
        return False


def mark_graded(course: Course, assignment: str, student: str, digest: str) -> None:
    """Record that this file's grades are in the gradebook (atomically)."""
    path = course.ledger_file(assignment, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "submission_sha256": digest,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    temporary.replace(path)
