"""Course directories for the autograder's tests: a released one (through
the `course` command) and empty ones with a real, empty nbgrader gradebook;
and a real PostgreSQL server for the gradebooks that live in one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.coursedir import (
    CONFIG_NAME,
    DEFAULT_COURSE_DIR,
    GRADEBOOK_NAME,
    Course,
    open_course,
    put_scripts_on_path,
)
from tests.autograder import postgres_server
from tests.autograder.gradebooks import COURSE_ID


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """A fresh course directory (the repository's nbgrader_config.py) with
    every assignment released by `course release`."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(DEFAULT_COURSE_DIR / CONFIG_NAME, root / CONFIG_NAME)
    assert main(["release", "--course", str(root)]) == 0
    course = open_course(root)
    assert course.released_assignments() == course.authored_assignments()
    return root


@pytest.fixture(scope="session")
def empty_gradebook(tmp_path_factory) -> Path:
    """An empty nbgrader gradebook, created once by nbgrader itself. Tests
    copy it: creating one runs `alembic` in a subprocess, seconds each time."""
    put_scripts_on_path()
    path = tmp_path_factory.mktemp("gradebook") / GRADEBOOK_NAME
    with Gradebook(f"sqlite:///{path}", COURSE_ID):
        pass
    return path


@pytest.fixture
def new_course(tmp_path_factory, empty_gradebook) -> Callable[[], Course]:
    """Makes course directories: the repository's nbgrader_config.py and an
    empty gradebook, nothing else."""

    def make() -> Course:
        course = Course(tmp_path_factory.mktemp("course").resolve())
        shutil.copy(DEFAULT_COURSE_DIR / CONFIG_NAME, course.config_file)
        shutil.copy(empty_gradebook, course.gradebook_file)
        return course

    return make


@pytest.fixture(scope="session")
def postgres() -> postgres_server.PostgresServer:
    """A PostgreSQL server of this test session (Debian's package, a cluster
    in a temporary folder, localhost only), stopped by its pid at the end.
    Fails, never skips, without the package: `make system-deps` installs it."""
    try:
        server = postgres_server.start()
    except postgres_server.PostgresUnavailable as error:
        pytest.fail(str(error))
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres, request) -> str:
    """The URL of a new, empty database on the session's server, named
    after the test (SQLAlchemy's postgresql:// with psycopg 3)."""
    name = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())
    return postgres.create_database(name[:63])
