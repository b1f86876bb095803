"""Fixtures of the sandbox tests: a miniature course directory, and checks that
bubblewrap and cgroups work here.

Every test starts at least one real kernel of the course's grading environment
(.venv-kernel) through :class:`autograder.sandbox.SandboxedKernelManager`.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.sandbox import sandbox_available
from autograder.sandbox.cgroup_place import CgroupPlace
from autograder.sandbox.cgroup_setup import cgroup_place_or_reason
from autograder.sandbox.config import DEFAULT_CGROUP_ROOT


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


CGROUPS_OPT_OUT = "COURSE_TESTS_WITHOUT_CGROUPS"


@pytest.fixture(scope="session")
def cgroup_place() -> CgroupPlace:
    """Where this machine gives kernels their cgroups. Fails when it gives none,
    unless COURSE_TESTS_WITHOUT_CGROUPS=1 says this machine has none on purpose:
    then the cgroup tests are skipped, each with the reason, in pytest's summary."""
    place, reason = cgroup_place_or_reason(DEFAULT_CGROUP_ROOT)
    if place is not None:
        return place
    message = f"NO CGROUPS FOR KERNELS ON THIS MACHINE: {reason}"
    if os.environ.get(CGROUPS_OPT_OUT) == "1":
        pytest.skip(message)
    pytest.fail(f"{message} (set {CGROUPS_OPT_OUT}=1 to skip the cgroup tests here)")
