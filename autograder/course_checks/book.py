"""Links from checks and feedback into the course book.

The book's address is one setting, ``html.baseurl`` in the book's
_config.yml. `course release` writes it into the copy of this package that
ships with each assignment (``_book_address.py``); the grader, which imports
this package from the instructor's checkout, reads the setting itself. The
address is looked up when a link is made, not on import: the grader also
loads this package into the student's kernel for the probe, where neither
the shipped module nor the instructor's configuration exists.
"""

from __future__ import annotations


def book_url() -> str:
    """Where the book is published (no trailing slash)."""
    try:
        from ._book_address import BOOK_URL
    except ImportError:
        # The instructor's checkout: the release never writes the module here.
        from autograder.authoring.book_address import book_url as configured_url

        return configured_url()
    return BOOK_URL


def equation_url(page: str, label: str) -> str:
    """The address of equation `label` on chapter `page` of the book.
    Sphinx lower-cases equation anchors."""
    return f"{book_url()}/book/{page}.html#equation-{label.lower()}"
