"""Fixtures of the sandbox tests: a miniature course directory and a check that
bubblewrap works here.

Every test starts at least one real kernel of the course's grading environment
(.venv-kernel) through :class:`autograder.sandbox.SandboxedKernelManager`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.sandbox import sandbox_available


@dataclass(frozen=True)
class Course:
    """A miniature nbgrader course directory.

    root/gradebook.db, root/submitted/alice/ps1 (the notebook's folder, with
    helper.py), root/submitted/bob/ps1/secret.py (another student's work) and
    scratch/ (the folder the kernel may write, outside the course, as the
    grader's preprocessor makes one).
    """

    root: Path
    gradebook: Path
    notebook_dir: Path
    other_submission: Path
    scratch: Path


@pytest.fixture
def course(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    notebook_dir = root / "submitted" / "alice" / "ps1"
    notebook_dir.mkdir(parents=True)
    (notebook_dir / "helper.py").write_text("GREETING = 'hello from ps1'\n", encoding="utf-8")
    other = root / "submitted" / "bob" / "ps1" / "secret.py"
    other.parent.mkdir(parents=True)
    other.write_text("ANSWER = 42\n", encoding="utf-8")
    gradebook = root / "gradebook.db"
    with sqlite3.connect(gradebook) as connection:
        connection.execute("CREATE TABLE grade (student TEXT, score REAL)")
    connection.close()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return Course(root, gradebook, notebook_dir, other, scratch)


@pytest.fixture(scope="session")
def bwrap_works() -> None:
    """Fail (not skip) when bubblewrap cannot sandbox here: the sandbox is the thing
    under test. `make system-deps` installs it."""
    available, reason = sandbox_available()
    assert available, reason
