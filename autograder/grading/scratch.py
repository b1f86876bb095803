"""The scratch folders of one graded notebook, shared by the grader and its kernel.

Each notebook gets a fresh scratch folder in the grader's temporary folder
(or ``TrustedExecute.scratch_root``). It stays the grader's; inside it,

- ``grader/`` holds what the kernel may read but not touch: the hidden
  inputs while a probe runs, and a copy of the checks package the probe is
  loaded from (mounted read-only in the sandbox);
- ``kernel/`` is the kernel's own writable folder: ``kernel/work/`` is its
  working directory, a copy of the notebook's folder without notebooks,
  and the probe writes its outputs there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "course_checks"
PROBE_PACKAGE = "course_grading_probe"


@dataclass(frozen=True)
class Scratch:
    """The folders of one notebook's scratch (see the module's docstring)."""

    root: Path

    @property
    def grader_dir(self) -> Path:
        return self.root / "grader"

    @property
    def kernel_dir(self) -> Path:
        return self.root / "kernel"

    @property
    def package(self) -> Path:
        """The checks package the probe loads, read-only for the kernel."""
        return self.grader_dir / PROBE_PACKAGE

    @property
    def work(self) -> Path:
        """The kernel's working directory."""
        return self.kernel_dir / "work"


def make_scratch(scratch_root: str | None = None) -> Scratch:
    """A new scratch folder with its grader/ (holding the checks package) and
    kernel/ folders, in `scratch_root` (default: the temporary folder)."""
    scratch = Scratch(Path(tempfile.mkdtemp(prefix="course-grade-", dir=scratch_root or None)))
    scratch.root.chmod(0o711)
    scratch.grader_dir.mkdir(mode=0o755)
    scratch.kernel_dir.mkdir()
    scratch.kernel_dir.chmod(0o777)  # the kernel runs as another user in the sandbox
    shutil.copytree(PACKAGE_DIR, scratch.package, ignore=shutil.ignore_patterns("__pycache__"))
    _make_readable(scratch.package)
    return scratch


def fill_working_copy(scratch: Scratch, origin: Path | None) -> Path:
    """Copy the notebook's folder `origin` (course_checks/, data files; not the
    notebooks, not hidden files) into the kernel's working directory, over
    what is there already, and return that directory."""
    work = scratch.work
    if origin is not None and Path(origin).is_dir():
        shutil.copytree(
            origin, work, ignore=shutil.ignore_patterns("*.ipynb", ".*"), dirs_exist_ok=True
        )
    else:
        work.mkdir(exist_ok=True)
    for folder, _, files in os.walk(work):
        Path(folder).chmod(0o777)
        for name in files:
            (Path(folder) / name).chmod(0o644)
    return work


def hand_scratch(manager, scratch: Scratch) -> None:
    """Tell a sandboxed kernel manager (before it starts) which folder the
    kernel may write to and which it may only read."""
    if manager.has_trait("scratch_dir"):
        manager.scratch_dir = str(scratch.kernel_dir)
        manager.extra_readonly_paths = [*manager.extra_readonly_paths, str(scratch.grader_dir)]


def _make_readable(folder: Path) -> None:
    """World-readable files and folders: the kernel runs as another user."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
