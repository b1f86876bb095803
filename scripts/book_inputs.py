"""Fingerprint of everything a book build reads, to skip a build that would
change nothing (scripts/build-book.sh).

    python scripts/book_inputs.py SOURCE_DIR    # prints a SHA-256

The inputs are the book's own files (_config.yml, _toc.yml, book/), the
downloads its pages copy (course/downloads/), and what the build runs with:
the reference library the chapters import (solutions/), the course's Sphinx
extension, the build script, the locked packages and PUBLIC_REPOSITORY_URL.
A successful build under -W had no warning, so when none of these changed
the next build could only produce the same pages; a failed build records no
fingerprint, so it runs in full (and fails again) every time.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", "_build"}

BOOK_INPUTS = ("_config.yml", "_toc.yml", "book", "course/downloads")
"""Relative to the book's source folder."""

TOOL_INPUTS = (
    "solutions",
    "autograder/authoring/book_address.py",
    "autograder/authoring/sphinx_address.py",
    "scripts/build-book.sh",
    "scripts/book_inputs.py",
    "requirements/dev.lock",
)
"""Relative to the repository: what every book is built with."""


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not SKIPPED_PARTS & set(p.parts))


def fingerprint(source_dir: Path) -> str:
    """SHA-256 over the names and contents of every input file."""
    digest = hashlib.sha256()
    digest.update(os.environ.get("PUBLIC_REPOSITORY_URL", "").encode())
    roots = [source_dir / name for name in BOOK_INPUTS] + [REPOSITORY / n for n in TOOL_INPUTS]
    for root in roots:
        for path in _files(root):
            digest.update(str(path).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


if __name__ == "__main__":
    print(fingerprint(Path(sys.argv[1]).resolve()))
