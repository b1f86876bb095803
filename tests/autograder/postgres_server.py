"""A real PostgreSQL server for the tests, started and stopped by them.

Debian's `postgresql` package (`make system-deps` installs it): a cluster
made by `initdb` in a fresh temporary folder, the server started as
`postgres` on a free port, listening on 127.0.0.1 only (and on a Unix
socket inside that folder, never in /var/run), stopped by its pid and its
folder removed. initdb and postgres refuse to run as root, so as root both
run as the package's `postgres` system user, to whom the folder is given.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.autograder.servers import free_port

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
"""Debian puts the server's programs in <this>/<major>/bin, off PATH."""
SERVER_USER = "postgres"
"""The system user Debian's package creates, who runs the server under root."""
SUPERUSER = "postgres"
"""The cluster's superuser, who the tests connect as (trust, on loopback only)."""
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
INSTALL_HINT = "install Debian's postgresql package: `make system-deps` does"


class PostgresUnavailable(RuntimeError):
    """The server's programs are missing or it would not start: says why."""


def find_bindir() -> Path:
    """The folder of initdb and postgres: PATH's, else Debian's newest."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        (path for path in DEBIAN_BINARIES.glob("*/bin") if (path / "initdb").is_file()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not versions:
        raise PostgresUnavailable(
            f"no initdb on PATH nor in {DEBIAN_BINARIES}/*/bin: {INSTALL_HINT}"
        )
    return versions[-1]


@dataclass
class PostgresServer:
    """One running server: its folder, port and postmaster process."""

    folder: Path
    port: int
    process: subprocess.Popen
    log: Path

    def url(self, database: str) -> str:
        """The SQLAlchemy URL nbgrader gets: psycopg 3 is the default driver."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        )

    def create_database(self, name: str) -> str:
        """Create an empty database `name` and return its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: expected lower-case letters, digits, _")
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the postmaster by its pid (SIGINT: PostgreSQL's fast
        shutdown, which also ends its backends), then remove its folder."""
        try:
            if self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGINT)
                try:
                    self.process.wait(STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    # Immediate shutdown still takes the backends down with it.
                    os.kill(self.process.pid, signal.SIGQUIT)
                    self.process.wait(STOP_TIMEOUT_S)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _server_account() -> dict:
    """Popen's user/group arguments: the package's postgres user under root
    (initdb refuses root), nothing when the tests already run unprivileged."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no {SERVER_USER!r} user to run the server "
            f"as (initdb refuses root): {INSTALL_HINT}"
        ) from None
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def start() -> PostgresServer:
    """initdb a cluster into a new temporary folder and start its server."""
    bindir = find_bindir()
    account = _server_account()
    folder = Path(tempfile.mkdtemp(prefix="course-postgres-"))
    if account:
        os.chown(folder, account["user"], account["group"])
    data, log = folder / "data", folder / "server.log"
    environment = {"PATH": os.defpath, "LC_ALL": "C", "LANG": "C", "HOME": str(folder)}
    run = {"cwd": folder, "env": environment, **account}
    initdb = subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
         "-E", "UTF8", "--locale=C", "--no-sync"],
        capture_output=True, text=True, check=False, timeout=START_TIMEOUT_S, **run,
    )  # fmt: skip
    if initdb.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed ({initdb.returncode}): {initdb.stderr.strip()}")
    port = free_port()
    with open(log, "wb") as log_file:
        # The postmaster itself, not pg_ctl: the pid we hold is the server's.
        # fsync off: a test cluster is thrown away, so durability only costs time.
        process = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(port),
             "-h", "127.0.0.1", "-k", str(folder), "-c", "fsync=off",
             "-c", "max_connections=50"],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **run,
        )  # fmt: skip
    server = PostgresServer(folder, port, process, log)
    try:
        _wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: PostgresServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            raise PostgresUnavailable(
                f"postgres exited ({server.process.returncode}): {server.log.read_text()[-2000:]}"
            )
        with contextlib.suppress(psycopg.OperationalError):
            with server.connect():
                return
        if time.monotonic() > deadline:
            raise PostgresUnavailable(
                f"postgres did not accept connections in {START_TIMEOUT_S} s: "
                f"{server.log.read_text()[-2000:]}"
            )
        time.sleep(0.2)
