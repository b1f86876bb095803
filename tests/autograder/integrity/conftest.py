"""Fixtures of the integrity tests: the built site of the book tests (the
same fixture, so the site is checked once and never built here) and the
release downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.coursedir import DEFAULT_COURSE_DIR
from tests.book.conftest import site_dir  # noqa: F401  (a fixture, used by name)


@pytest.fixture(scope="session")
def release_downloads() -> Path:
    """course/downloads, which `course release` (run by `make book`) fills
    with one zip per assignment."""
    downloads = DEFAULT_COURSE_DIR / "downloads"
    if not any(downloads.glob("*.zip")):
        pytest.fail(f"{downloads} holds no release zip: run `make book` first.", pytrace=False)
    return downloads
