"""What the tests that start servers (PostgreSQL, Dask, the formgrader, the
book's site) share: a free port, and stopping a server by its process id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, grace_s: float) -> None:
    """Stop `process` by its id: SIGTERM, then SIGKILL if it has not exited
    after `grace_s` seconds; closes its pipes."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
