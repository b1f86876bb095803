"""The grading seed: the secret from which hidden inputs are drawn.

It lives in the course directory (``.grading-seed``, created on first use,
readable by the instructor only) and never in a student file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

SEED_FILE_NAME = ".grading-seed"


def load_or_create_seed(course_dir: Path) -> int:
    """Return the course's grading seed, creating it on first use."""
    path = Path(course_dir) / SEED_FILE_NAME
    if path.exists():
        text = path.read_text(encoding="utf-8").strip()
        try:
            return int(text)
        except ValueError:
            raise ValueError(
                f"grading seed file {path} must hold one integer, got {text[:40]!r}"
            ) from None
    seed = secrets.randbits(63)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"{seed}\n")
    return seed


def submission_seed(course_seed: int, student: str, digest: str) -> int:
    """The seed of one submission's hidden inputs: the course's secret seed
    combined with the student's id and the SHA-256 of the submitted file.

    Regrading the same file gives the same inputs; another student, or
    another attempt, gets inputs that a leak of these tells nothing about
    (without the course seed, the hash cannot be inverted)."""
    text = f"{course_seed}:{student}:{digest}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")
