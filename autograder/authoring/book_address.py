"""The book's public address: one setting, every link to the book derived from it.

The setting is ``html.baseurl`` in the book's ``_config.yml`` (Jupyter Book
passes it to Sphinx as ``html_baseurl``, which also writes each page's
canonical link and the 404 page's prefix). Everything else that links the
book reads it here:

- the assignments' text sources write ``{book}/book/softmax.html#...``; the
  authoring step replaces ``{book}`` by the address (``fill_book_links``);
- ``course release`` writes the address into each shipped ``course_checks``
  package (``SHIPPED_MODULE``), so the visible checks link the same book;
- the grader's feedback links come from ``course_checks.book``, which, in the
  instructor's checkout, asks this module.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# Not autograder.coursedir's REPOSITORY: that module imports nbgrader, and
# this one is imported by the book's build and by the grader's links too.
BOOK_CONFIG = Path(__file__).resolve().parents[2] / "_config.yml"
"""The Jupyter Book configuration that holds the setting."""

PLACEHOLDER = "{book}"
"""Stands for the address (without its trailing slash) in the text sources."""

_PLACEHOLDER_LINK = re.compile(re.escape(PLACEHOLDER) + r"(?=/)")

SHIPPED_MODULE = "_book_address.py"
"""Written by the release into the shipped course_checks/ (never into
autograder/course_checks/ itself, whose book.py falls back to this module)."""


class AddressError(ValueError):
    """The book's address is missing or is not an absolute http(s) URL."""


def book_url(config: Path = BOOK_CONFIG) -> str:
    """The configured address of the book, without a trailing slash,
    e.g. "https://owner.github.io/course"."""
    try:
        settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise AddressError(f"cannot read the book's configuration {config}: {error}") from None
    address = ((settings.get("html") or {}).get("baseurl") or "").strip()
    return checked_address(address, config)


def checked_address(address: str, config: Path) -> str:
    """`address` without its trailing slash, if it is a usable book address."""
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AddressError(
            f"html.baseurl in {config} must be the book's public address, an absolute "
            f"http(s) URL such as https://owner.github.io/course/ (got {address!r})"
        )
    if parts.query or parts.fragment:
        raise AddressError(f"html.baseurl in {config} must have no query or fragment")
    return address.rstrip("/")


def site_path(address: str) -> str:
    """The path under which the site is served, with slashes at both ends:
    "/course/" for https://owner.github.io/course, "/" for a whole host."""
    path = urlsplit(address).path.strip("/")
    return f"/{path}/" if path else "/"


def fill_book_links(text: str, address: str) -> str:
    """`text` with every ``{book}/...`` link pointing under `address`."""
    return _PLACEHOLDER_LINK.sub(address, text)


def shipped_module_text(address: str) -> str:
    """The Python module the release writes beside the shipped checks."""
    return (
        '"""Where the course book is published: written by `course release` from\n'
        'html.baseurl in the book\'s _config.yml."""\n\n'
        f"BOOK_URL = {address!r}\n"
    )
