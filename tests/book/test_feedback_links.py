"""Do the links in grader feedback and in the assignments land on the book's
equations?"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.course_checks.book import BOOK_URL
from autograder.course_checks.specs import GATE_EQUATIONS, SPECS
from tests.book.built_site import REPO_ROOT, element_ids

pytestmark = pytest.mark.slow  # reads _build/html, which `make book` builds


def _anchor_exists(site_dir: Path, page: str, anchor: str) -> bool:
    path = site_dir / "book" / f"{page}.html"
    return path.exists() and anchor in element_ids(path)


def test_every_equation_named_in_feedback_exists_in_the_book(site_dir):
    """Does every equation a failing output points at exist under its anchor?"""
    missing = [
        f"{output.name} -> {page}#{label}"
        for spec in SPECS.values()
        for output in spec.outputs
        if output.equation
        for page, label in [output.equation]
        if not _anchor_exists(site_dir, page, f"equation-{label.lower()}")
    ]
    missing += [
        f"gate {gate} -> {page}#{label}"
        for gate, (page, label) in GATE_EQUATIONS.items()
        if not _anchor_exists(site_dir, page, f"equation-{label.lower()}")
    ]
    assert missing == []


def test_every_book_link_in_the_assignments_resolves(site_dir):
    """Does every link from an assignment into the book reach a page and anchor?"""
    link = re.compile(re.escape(BOOK_URL) + r"/book/(\w+)\.html(?:#([\w-]+))?")
    broken, checked = [], 0
    for source in sorted((REPO_ROOT / "assignments").glob("*/*.md")):
        for page, anchor in link.findall(source.read_text(encoding="utf-8")):
            checked += 1
            path = site_dir / "book" / f"{page}.html"
            if not path.exists() or (anchor and anchor not in element_ids(path)):
                broken.append(f"{source.name}: {page}#{anchor}")
    assert checked >= 10, "the assignments should link the chapters they build on"
    assert broken == []
