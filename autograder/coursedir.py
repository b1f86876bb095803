"""The course directory and nbgrader's API on it.

Layout (nbgrader's, plus the course's own files)::

    course/
      nbgrader_config.py   nbgrader's configuration (committed)
      .grading-seed        the secret seed of hidden inputs (created on first grade)
      gradebook.db         nbgrader's gradebook (SQLite)
      source/ release/ submitted/ autograded/ feedback/   nbgrader's folders
      downloads/           one zip per released assignment, for the book
      results/             per-submission verdict records (JSON), for reports
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from autograder.kernels import install_kernelspec

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_COURSE_DIR = REPOSITORY / "course"
DEFAULT_ASSIGNMENTS_DIR = REPOSITORY / "assignments"
CONFIG_NAME = "nbgrader_config.py"


@dataclass(frozen=True)
class Course:
    """Paths of one course directory and its assignments' text sources."""

    root: Path
    assignments: Path = DEFAULT_ASSIGNMENTS_DIR

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def downloads(self) -> Path:
        return self.root / "downloads"

    @property
    def results(self) -> Path:
        return self.root / "results"

    def folder(self, kind: str) -> Path:
        """nbgrader's source, release, submitted, autograded or feedback folder."""
        return self.root / kind


def open_course(root: Path | None = None, assignments: Path | None = None) -> Course:
    """Check that `root` is a course directory and return it."""
    course = Course(
        Path(root or DEFAULT_COURSE_DIR).resolve(),
        Path(assignments or DEFAULT_ASSIGNMENTS_DIR).resolve(),
    )
    if not course.config_file.exists():
        raise FileNotFoundError(
            f"{course.root} is not a course directory: it has no {CONFIG_NAME} "
            f"(the repository's is {DEFAULT_COURSE_DIR / CONFIG_NAME})"
        )
    return course


def nbgrader_api(course: Course) -> NbGraderAPI:
    """nbgrader's Python API configured by the course's nbgrader_config.py.

    Also makes the grading kernel available and puts this environment's
    scripts first on PATH: nbgrader runs `alembic` as a command when it
    creates the gradebook.
    """
    scripts = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    install_kernelspec(course.root)
    config = PyFileConfigLoader(CONFIG_NAME, path=str(course.root)).load_config()
    config.CourseDirectory.root = str(course.root)
    return NbGraderAPI(CourseDirectory(config=config), config=config)
