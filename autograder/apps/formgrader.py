"""`course formgrader`: nbgrader's formgrader on the course, for manual grading."""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys

from autograder import gradebookdb
from autograder.apps.common import UsageError, console, course_from
from autograder.coursedir import DB_URL_VARIABLE, Course, check_gradebook, put_scripts_on_path
from autograder.kernels import install_kernelspec

HELP = "start nbgrader's formgrader (JupyterLab) on the course, for manual grading"
EXAMPLE = """example:
  course formgrader              # a free port on 127.0.0.1
  course formgrader --port 8899
Starts JupyterLab in the course folder, listening on 127.0.0.1 only, with a
new random token, and prints the address to open (it holds the token). In
the formgrader, "Manual Grading" lists each assignment's submissions; the
written answer of a3_lstm (written_cell_state) gets its points and a comment
there, which go into the gradebook, then into `course feedback` and `course
export`. Students' cells and outputs are shown sanitized: nothing a
submission holds runs in this page. Terminals are off. Stop it with Ctrl-C
(twice), or by its process id: the command becomes the server process."""

HOST = "127.0.0.1"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, help="port on 127.0.0.1 to listen on (default: a free one)"
    )


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    check_gradebook(course)
    if not gradebookdb.exists(course.gradebook_url):
        raise UsageError(
            f"no gradebook at {gradebookdb.shown(course.gradebook_url)}: "
            "run `course release` (and grade) first"
        )
    port = _port(args.port)
    token = secrets.token_urlsafe(32)
    try:
        install_kernelspec(course)  # for the formgrader's own "autograde" button
    except FileNotFoundError as error:
        console.print(f"[yellow]autograding from the formgrader will not work: {error}[/yellow]")
    url = f"http://{HOST}:{port}/formgrader?token={token}"
    print(f"formgrader of {course.root}: open {url}", flush=True)
    console.print("starting JupyterLab; Ctrl-C twice stops it")
    command, environment = server_command(course, port, token)
    os.chdir(course.root)  # nbgrader's formgrader reads nbgrader_config.py from here
    # The command becomes the server: one process id to stop, no child left behind.
    os.execve(command[0], command, environment)
    return 1  # not reached


def server_command(course: Course, port: int, token: str) -> tuple[list[str], dict[str, str]]:
    """The JupyterLab command line and environment for the course's formgrader.

    The token goes in the environment (JUPYTER_TOKEN), not on the command
    line, which every local user can read in the process list."""
    put_scripts_on_path()  # nbgrader runs `alembic` when it opens a gradebook
    environment = dict(os.environ)
    environment["JUPYTER_TOKEN"] = token
    # The gradebook this command resolved (--db included): the course's
    # nbgrader_config.py, which the formgrader reads, takes it from here; in the
    # environment, not on the command line, since the URL may hold a password.
    environment[DB_URL_VARIABLE] = course.gradebook_url
    # The grading kernel's kernelspec (course/.jupyter), as `course grade` uses it.
    environment["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(course.jupyter_data_dir), environment.get("JUPYTER_PATH", "")) if p
    )
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={course.root}",
        # A terminal is the one thing a stolen session could not do without.
        "--ServerApp.terminals_enabled=False",
        "--LabApp.default_url=/formgrader",
    ]
    if os.geteuid() == 0:
        # Jupyter refuses root unless told; an instructor's container (and CI)
        # often is root. Students' code never runs in this server's process.
        command.append("--ServerApp.allow_root=True")
    return command, environment


def _port(asked: int | None) -> int:
    """`asked` if it is free on HOST, else a free port the system picks."""
    if asked is not None and not 0 < asked < 65536:
        raise UsageError(f"--port {asked} is not a port (expected 1 to 65535)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, asked or 0))
        except OSError as error:
            raise UsageError(f"port {asked} on {HOST} is not free ({error.strerror})") from None
        return probe.getsockname()[1]
