"""What the tests that start servers (PostgreSQL, Dask, the formgrader) share."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
