"""A real course directory, released and graded through the `course` command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.authoring.course_source import assignment_ids
from autograder.cli import main
from autograder.coursedir import CONFIG_NAME, DEFAULT_ASSIGNMENTS_DIR, DEFAULT_COURSE_DIR


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """A fresh course directory (the repository's nbgrader_config.py) with
    every assignment released by `course release`."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(DEFAULT_COURSE_DIR / CONFIG_NAME, root / CONFIG_NAME)
    assert main(["release", "--course", str(root)]) == 0
    released = sorted(p.name for p in (root / "release").iterdir() if p.is_dir())
    assert released == assignment_ids(DEFAULT_ASSIGNMENTS_DIR)
    return root
