"""Fingerprints of folders, to prove that grading changed nothing it should not."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

Fingerprint = dict[str, tuple[str, int]]
"""{path relative to the root: (SHA-256 of the content or link target, mode)}."""


def fingerprint(root: Path, skip: Callable[[Path], bool] = lambda path: False) -> Fingerprint:
    """Hash every file and symbolic link under `root` (not following links);
    `skip(relative path)` leaves files or whole folders out."""
    result: Fingerprint = {}
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = [name for name in folders if not skip((here / name).relative_to(root))]
        for name in files:
            path = here / name
            relative = path.relative_to(root)
            if skip(relative):
                continue
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                digest = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = f"special:{stat.S_IFMT(info.st_mode)}"
            result[str(relative)] = (digest, stat.S_IMODE(info.st_mode))
    return result


def no_bytecode(relative: Path) -> bool:
    """Skip Python's caches, which any import may (re)write."""
    return relative.name == "__pycache__" or relative.suffix == ".pyc"


def changes(before: Fingerprint, after: Fingerprint) -> dict[str, str]:
    """{path: "changed" | "removed" | "added"} between two fingerprints."""
    found = {}
    for path, value in before.items():
        if path not in after:
            found[path] = "removed"
        elif after[path] != value:
            found[path] = "changed"
    for path in after.keys() - before.keys():
        found[path] = "added"
    return found
