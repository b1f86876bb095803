"""Serve the built site as GitHub or GitLab Pages would: under its sub-path.

    .venv/bin/python scripts/serve_site.py                  # _build/site at html.baseurl's path
    .venv/bin/python scripts/serve_site.py DIR --prefix /course/ --port 8000

The site is served on 127.0.0.1 under the path of the book's address
(html.baseurl in _config.yml; "/rnn-gradients-course/" for
https://owner.github.io/rnn-gradients-course/). Like Pages, a folder is
served by its index.html (a folder without its trailing slash is
redirected), and a missing file under the prefix gets the site's 404.html
with status 404. Anything outside the prefix is a bare 404, so a link that
escapes the sub-path is caught. The first line printed is the site's URL
(the port is chosen by the system unless --port is given), so a test can
start this on a free port and read where it listens.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from autograder.authoring.book_address import book_url, site_path

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_SITE = REPOSITORY / "_build" / "site"
NOT_FOUND_PAGE = "404.html"


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Files of `directory`, reachable only under `prefix` ("/course/")."""

    def __init__(self, *args, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def _inside(self) -> str | None:
        """The request's path below the prefix ("/" for the prefix itself,
        with or without its trailing slash), or None outside it."""
        path = unquote(urlsplit(self.path).path)
        if not (path + "/").startswith(self.prefix):
            return None
        return "/" + path[len(self.prefix) :]

    def send_head(self):
        if self._inside() is None:
            self.send_error(404, "outside the site's prefix")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        """The file for a URL path under the prefix (send_head has turned
        every other path away)."""
        return super().translate_path(self._inside() or "/")

    def list_directory(self, path):
        """Pages lists no folder: one without index.html is not found."""
        self.send_error(404, "no index.html in this folder")
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """Pages' answer to a missing file under the prefix: its 404.html."""
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or self._inside() is None or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Quiet: one line per request would bury the URL line."""


def configured_prefix() -> str:
    """The path of the book's configured address (html.baseurl)."""
    return site_path(book_url())


def normal_prefix(prefix: str) -> str:
    """ "course" or "/course" -> "/course/"."""
    stripped = prefix.strip("/")
    return f"/{stripped}/" if stripped else "/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=DEFAULT_SITE)
    parser.add_argument("--prefix", help="sub-path to serve under (default: html.baseurl's)")
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} holds no built site: run `make site` first")
    prefix = normal_prefix(args.prefix if args.prefix is not None else configured_prefix())
    handler = functools.partial(PagesHandler, directory=str(args.site), prefix=prefix)
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"http://127.0.0.1:{server.server_address[1]}{prefix}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
