"""Running the installed `course` (and `nbgrader`) scripts as a user does:
in a subprocess, reading their output and exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(sys.executable).parent
"""The virtual environment's scripts folder (.venv/bin when tests run there)."""

TIMEOUT_S = 300


def run_script(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run SCRIPTS/<name> with `args`; stdout and stderr are kept apart.
    The environment asks rich for plain, unwrapped text."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "400", "TERM": "dumb"}
    return subprocess.run(
        [str(SCRIPTS / name), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=TIMEOUT_S,
        check=False,
    )


def course(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`course <args>` through the installed entry point."""
    return run_script("course", *args, cwd=cwd)
