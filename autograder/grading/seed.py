"""The grading seed: the secret from which hidden inputs are drawn.

It lives in the course directory (``.grading-seed``, created on first use,
readable by the instructor only) and never in a student file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from autograder.coursedir import SEED_FILE_NAME, Course, as_course

__all__ = ["SEED_FILE_NAME", "load_or_create_seed"]


def load_or_create_seed(course: Course | str | os.PathLike) -> int:
    """Return the grading seed of `course` (a Course or its folder),
    creating it on first use."""
    path = as_course(course).seed_file
    return _read(path) if path.exists() else _create(path)


def _read(path: Path) -> int:
    text = path.read_text(encoding="utf-8").strip()
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"grading seed file {path} must hold one integer, got {text[:40]!r}"
        ) from None


def _create(path: Path) -> int:
    """Write a new seed to `path`, readable by its owner only, unless another
    grader did first: then that one is the seed. The file appears whole
    (linked from a finished temporary file), so a concurrent reader never
    sees it half written."""
    seed = secrets.randbits(63)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f"{path.name}-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
            handle.write(f"{seed}\n")
        os.link(temporary, path)
    except FileExistsError:
        return _read(path)
    finally:
        os.unlink(temporary)
    return seed


def submission_seed(course_seed: int, student: str, digest: str) -> int:
    """The seed of one submission's hidden inputs: the course's secret seed
    combined with the student's id and the SHA-256 of the submitted file.

    Regrading the same file gives the same inputs; another student, or
    another attempt, gets inputs that a leak of these tells nothing about
    (without the course seed, the hash cannot be inverted)."""
    text = f"{course_seed}:{student}:{digest}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")
