"""A static HTTP server on 127.0.0.1 for the browser tests."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        """Keep the test output free of one line per request."""


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve `directory` on an ephemeral port of 127.0.0.1 from a background
    thread; yields the base URL, e.g. "http://127.0.0.1:41234"."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
