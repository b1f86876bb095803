"""The results record of one graded notebook, and writing files atomically.

A record (``results/<assignment>/<student>/<notebook>.json``) makes a grade
traceable: the SHA-256 of the file graded, the grader's version, the limits
the kernel ran under, the time and every test's verdict. It is built where
the notebook is judged (:class:`~autograder.grading.preprocessor.TrustedExecute`,
in a worker's private course directory) and written into the course by the
batch's coordinator, the only writer of the course's results.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from autograder import __version__


def verdict_record(
    student: str,
    assignment: str,
    notebook: str,
    digest: str | None,
    limits: dict,
    verdicts: list[dict],
) -> dict:
    """The record of one graded notebook (a plain, JSON-ready dict)."""
    return {
        "student": student,
        "assignment": assignment,
        "notebook": notebook,
        "submission_sha256": digest,
        "grader_version": __version__,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "limits": limits,
        "tests": verdicts,
    }


def write_record(path: Path, record: dict) -> None:
    """Write a record as JSON, atomically: a reader never sees half a file."""
    write_atomically(Path(path), json.dumps(record, indent=1).encode("utf-8"))


def read_record(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace `path` by a file holding `data` in one step (a temporary file in
    the same folder, renamed over it), creating the folder if needed. A crash
    leaves the old file or the new one, never a mixture. `mode`: the new
    file's permissions (mkstemp's own are 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
