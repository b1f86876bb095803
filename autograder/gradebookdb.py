"""Where the gradebook lives: nbgrader's `db_url`, checked before use.

SQLite, a file in the course directory, is the embedded default. PostgreSQL
serves a course with several graders or a JupyterHub deployment: nbgrader
reaches it through SQLAlchemy and the psycopg 3 driver (SQLAlchemy 2.1's
default for ``postgresql://``). Any other database is refused here rather
than half-working: nbgrader is tested on these two.

Every problem is reported as a :class:`GradebookError` that names the URL
(its password hidden), what is wrong and what was expected.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
EXPECTED = "sqlite:///PATH/gradebook.db or postgresql://USER@HOST:PORT/DATABASE"
CONNECT_TIMEOUT_S = 5
"""How long to wait for the PostgreSQL server before saying it is unreachable."""
GRADEBOOK_TABLE = "assignment"
"""A table nbgrader creates with every gradebook: its presence means one exists."""


class GradebookError(ValueError):
    """A gradebook URL that cannot be used, with what was expected instead."""


def parse(url: str) -> URL:
    """`url` as SQLAlchemy's URL, if it names a database nbgrader can use."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise GradebookError(f"bad gradebook URL {url!r}: expected {EXPECTED}") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise GradebookError(
            f"gradebook URL {shown(parsed)}: {backend!r} is not a supported database; "
            f"expected {EXPECTED}"
        )
    if not parsed.database:
        raise GradebookError(
            f"gradebook URL {shown(parsed)} names no database; expected {EXPECTED}"
        )
    return parsed


def shown(url: URL | str) -> str:
    """The URL as it may be printed: with its password hidden."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return repr(url)
    return url.render_as_string(hide_password=True)


def check(url: str) -> URL:
    """Parse `url`, load its driver and, for a server, connect once.

    Raises GradebookError when the URL is malformed, its driver is not
    installed, the server cannot be reached or refuses the login, or the
    SQLite file's folder does not exist.
    """
    parsed = parse(url)
    _check_driver(parsed)
    if parsed.get_backend_name() == "sqlite":
        folder = Path(parsed.database).parent
        if parsed.database != ":memory:" and not folder.is_dir():
            raise GradebookError(
                f"gradebook URL {shown(parsed)}: the folder {folder} does not exist; "
                "expected the SQLite file's path in an existing folder"
            )
        return parsed
    engine = create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise GradebookError(
            f"cannot open the gradebook at {shown(parsed)}: {reason}. Expected a running "
            f"PostgreSQL server at {parsed.host or 'the local socket'}"
            f"{f':{parsed.port}' if parsed.port else ''} with a database "
            f"{parsed.database!r} that user {parsed.username or '(default)'!r} may open "
            "(a password goes in the URL, ~/.pgpass or PGPASSWORD)"
        ) from None
    finally:
        engine.dispose()
    return parsed


def _check_driver(parsed: URL) -> None:
    """Load the URL's driver, or say which is missing and how to get it."""
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise GradebookError(
            f"gradebook URL {shown(parsed)}: SQLAlchemy knows no driver "
            f"{parsed.get_driver_name()!r}; expected {EXPECTED} "
            "(postgresql:// uses psycopg 3, which the course's environment has)"
        ) from None
    except ImportError as error:
        raise GradebookError(
            f"gradebook URL {shown(parsed)} needs the Python driver "
            f"{parsed.get_driver_name()!r}, which is not installed ({error}); "
            "use postgresql:// (psycopg 3, installed with the course by `make venv`) "
            "or install that driver"
        ) from None


def exists(url: str) -> bool:
    """Whether the gradebook holds nbgrader's tables (without creating any)."""
    parsed = parse(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database).is_file()
    engine = create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        return inspect(engine).has_table(GRADEBOOK_TABLE)
    finally:
        engine.dispose()
