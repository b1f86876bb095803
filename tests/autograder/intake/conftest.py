"""Folders of the intake tests: an export to read and a scratch folder for zips."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path) -> Path:
    """An empty export folder."""
    path = tmp_path / "export"
    path.mkdir()
    return path


@pytest.fixture
def scratch(tmp_path) -> Path:
    path = tmp_path / "scratch"
    path.mkdir()
    return path
