"""Links from checks and feedback into the course book."""

from __future__ import annotations

BOOK_URL = "https://gradients-course.github.io/rnn-gradients-course"
"""Where the book is published (no trailing slash)."""


def equation_url(page: str, label: str) -> str:
    """The address of equation `label` on chapter `page` of the book.
    Sphinx lower-cases equation anchors."""
    return f"{BOOK_URL}/book/{page}.html#equation-{label.lower()}"
