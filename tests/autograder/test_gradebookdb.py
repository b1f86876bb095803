"""Where the gradebook lives: which URL a course uses, and the errors for
one that cannot be used (a real PostgreSQL server for the ones that need it)."""

from __future__ import annotations

import importlib.util
import os
import subprocess

import pytest
from nbgrader.api import Gradebook, get_alembic_version
from sqlalchemy import create_engine, inspect, text

from autograder import gradebookdb
from autograder.coursedir import DB_URL_VARIABLE, Course, check_gradebook, nbgrader_api
from tests.autograder import command_line
from tests.autograder.gradebooks import COURSE_ID
from tests.autograder.postgres_server import free_port


def test_sqlite_in_the_course_folder_is_the_default(new_course, monkeypatch):
    monkeypatch.delenv(DB_URL_VARIABLE, raising=False)
    course = new_course()
    assert course.gradebook_url == f"sqlite:///{course.root / 'gradebook.db'}"
    assert course.gradebook_source == "the default"


def test_the_variable_sets_the_course_and_db_overrides_it(new_course, monkeypatch):
    """COURSE_DB_URL, read by the course's nbgrader_config.py, sets the
    gradebook of `course` and of nbgrader's API alike; --db wins over it."""
    monkeypatch.setenv(DB_URL_VARIABLE, "postgresql://grader@db.invalid/course")
    course = new_course()
    assert course.gradebook_url == "postgresql://grader@db.invalid/course"
    assert "nbgrader_config.py" in course.gradebook_source
    other = Course(course.root, db="postgresql://grader@db.invalid/other")
    assert other.gradebook_url == "postgresql://grader@db.invalid/other"
    assert other.gradebook_source == "--db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("gradebook.db", "bad gradebook URL 'gradebook.db': expected sqlite:///PATH"),
        ("mysql://u@h/db", "'mysql' is not a supported database; expected sqlite:///PATH"),
        ("postgresql://u@h", "names no database; expected sqlite:///PATH"),
        ("postgresql+nosuch://u@h/db", "SQLAlchemy knows no driver 'nosuch'"),
        ("sqlite:////no/such/folder/gradebook.db", "the folder /no/such/folder does not exist"),
    ],
)
def test_an_unusable_url_is_refused_saying_why(url, message):
    with pytest.raises(gradebookdb.GradebookError) as raised:
        gradebookdb.check(url)
    assert message in str(raised.value)


@pytest.mark.skipif(
    importlib.util.find_spec("psycopg2") is not None, reason="psycopg2 is installed here"
)
def test_a_missing_driver_is_named():
    with pytest.raises(gradebookdb.GradebookError) as raised:
        gradebookdb.check("postgresql+psycopg2://u@localhost/db")
    assert "needs the Python driver 'psycopg2', which is not installed" in str(raised.value)


def test_an_unreachable_server_is_named_with_the_password_hidden():
    """Nothing listens on the port: the error says so, with host, port and
    database, and never prints the password."""
    url = f"postgresql://grader:s3cret@127.0.0.1:{free_port()}/course"
    with pytest.raises(gradebookdb.GradebookError) as raised:
        gradebookdb.check(url)
    message = str(raised.value)
    assert "cannot open the gradebook at postgresql://grader:***@127.0.0.1:" in message
    assert "Expected a running PostgreSQL server at 127.0.0.1:" in message
    assert "s3cret" not in message


@pytest.mark.slow  # starts the session's PostgreSQL server
def test_a_missing_database_is_named(postgres):
    with pytest.raises(gradebookdb.GradebookError) as raised:
        gradebookdb.check(postgres.url("no_such_database"))
    assert 'database "no_such_database" does not exist' in str(raised.value)


@pytest.mark.slow  # starts the session's PostgreSQL server
def test_a_new_postgres_gradebook_is_made_by_nbgrader_at_alembics_head(postgres_url, new_course):
    """Is an empty database found empty, then made a gradebook by nbgrader's
    API through the course (stamped with alembic's head revision), with no
    SQLite file written?"""
    course = Course(new_course().root, db=postgres_url)
    course.gradebook_file.unlink()
    assert not gradebookdb.exists(postgres_url)
    api = nbgrader_api(course)
    assert api.coursedir.db_url == postgres_url
    with Gradebook(api.coursedir.db_url, COURSE_ID) as gradebook:
        gradebook.add_student("jdoe")
        (version,) = gradebook.db.execute(text("SELECT version_num FROM alembic_version")).one()
    assert gradebookdb.exists(postgres_url)
    assert version == get_alembic_version()
    assert not course.gradebook_file.exists()


@pytest.mark.slow  # a fresh process that imports nbgrader
def test_the_command_reports_a_bad_gradebook_in_one_line(new_course):
    """`course export --db` with an unreachable server: exit code 2 and
    one line naming the URL's source."""
    course = new_course()
    url = f"postgresql://grader@127.0.0.1:{free_port()}/course"
    result = command_line.course("export", "--course", str(course.root), "--db", url)
    assert result.returncode == 2
    assert result.stderr.startswith("course export: cannot open the gradebook at " + url)
    assert "(the URL is from --db)" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_gradebook_says_where_the_url_came_from(new_course, monkeypatch):
    monkeypatch.setenv(DB_URL_VARIABLE, "mysql://u@h/db")
    course = new_course()
    with pytest.raises(gradebookdb.GradebookError) as raised:
        check_gradebook(course)
    assert str(raised.value).endswith(
        f"(the URL is from CourseDirectory.db_url in {course.config_file} (or {DB_URL_VARIABLE}))"
    )


OLDER_REVISION = "167914646830"
"""nbgrader's revision before the last two: no student.lms_user_id, no
assignment.course_id."""


@pytest.mark.slow  # starts the session's PostgreSQL server and `nbgrader db upgrade`
def test_nbgraders_migrations_run_on_postgres(postgres_url, tmp_path):
    """Is a gradebook of an older nbgrader (its last two migrations undone
    by hand: nbgrader's own downgrade of the last one is broken) brought to
    alembic's head by stock `nbgrader db upgrade` on the server?"""
    with Gradebook(postgres_url, COURSE_ID):
        pass
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE student DROP COLUMN lms_user_id"))
            connection.execute(text("ALTER TABLE assignment DROP COLUMN course_id CASCADE"))
            connection.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": OLDER_REVISION}
            )
        result = subprocess.run(
            [str(command_line.SCRIPTS / "nbgrader"), "db", "upgrade", f"--db={postgres_url}"],
            cwd=tmp_path,
            env={**os.environ, "PATH": f"{command_line.SCRIPTS}{os.pathsep}{os.environ['PATH']}"},
            capture_output=True,
            text=True,
            timeout=command_line.TIMEOUT_S,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Context impl PostgresqlImpl" in result.stderr
        columns = inspect(engine)
        assert "lms_user_id" in {c["name"] for c in columns.get_columns("student")}
        assert "course_id" in {c["name"] for c in columns.get_columns("assignment")}
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version == get_alembic_version()
    with Gradebook(postgres_url, COURSE_ID) as gradebook:
        gradebook.add_assignment("a1", duedate=None)
        assert [a.name for a in gradebook.assignments] == ["a1"]
