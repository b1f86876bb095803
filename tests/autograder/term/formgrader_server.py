"""`course formgrader` as a user starts it, in a subprocess, stopped by process id."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.autograder.command_line import SCRIPTS
from tests.autograder.servers import free_port, stop

START_TIMEOUT_S = 180
"""JupyterLab takes a while on two busy cores."""


@dataclass(frozen=True)
class Formgrader:
    pid: int
    url: str
    """What `course formgrader` printed to open: .../formgrader?token=..."""
    origin: str
    token: str


@contextmanager
def running_formgrader(course_root: Path, log: Path, *options: str) -> Iterator[Formgrader]:
    """Start `course formgrader --port P` (and `options`) on the course, wait
    until the server answers, and stop it by its process id (SIGTERM, then
    SIGKILL) whatever happens."""
    port = free_port()
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "400", "TERM": "dumb"}
    with log.open("w") as errors:
        process = subprocess.Popen(
            [
                str(SCRIPTS / "course"),
                "formgrader",
                "--port",
                str(port),
                "--course",
                str(course_root),
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=environment,
        )
    try:
        printed = process.stdout.readline()
        url = printed.split("open ", 1)[-1].strip()
        parts = urlsplit(url)
        assert parts.netloc == f"127.0.0.1:{port}" and parts.path == "/formgrader", printed
        server = Formgrader(
            process.pid, url, f"http://{parts.netloc}", parse_qs(parts.query)["token"][0]
        )
        _wait_until_up(server, process, log)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: Formgrader, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    status = f"{server.origin}/api/status?token={server.token}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"course formgrader exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(status, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"the formgrader did not answer in {START_TIMEOUT_S} s")


def _stop(process: subprocess.Popen) -> None:
    """By process id: `course formgrader` became the server itself."""
    stop(process, grace_s=30)
