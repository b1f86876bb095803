"""scripts/serve_site.py in a subprocess: the deployed site as Pages serves it.

The server picks a free port itself and prints its URL first; the test reads
that line, and stops the server by its pid when done.
"""

from __future__ import annotations

import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.autograder.servers import stop
from tests.book.built_site import REPO_ROOT

SERVE_SCRIPT = REPO_ROOT / "scripts" / "serve_site.py"
START_TIMEOUT_S = 30


@contextmanager
def serve_site(site: Path, prefix: str | None = None) -> Iterator[str]:
    """Serve `site` under `prefix` (default: html.baseurl's path) on
    127.0.0.1; yields the site's URL, e.g. "http://127.0.0.1:41234/course/"."""
    command = [sys.executable, str(SERVE_SCRIPT), str(site)]
    if prefix is not None:
        command += ["--prefix", prefix]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([server.stdout], [], [], START_TIMEOUT_S)
        url = server.stdout.readline().strip() if ready else ""
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"{SERVE_SCRIPT.name} did not start: {url!r}")
        yield url
    finally:
        stop(server, grace_s=10)
