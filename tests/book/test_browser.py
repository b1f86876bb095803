"""Every page of the table of contents, opened in a real (headless) Chromium.

Needs the built site (`make book`) and /usr/bin/chromium
(scripts/install-system-packages.sh). Each page is loaded once per session;
the tests below check different things about that one load.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.book.built_site import (
    RAW_TEX,
    SCREENSHOT_DIR,
    emitted_math_count,
    page_path,
    toc_documents,
)
from tests.book.page_visit import PageVisit, broken_internal_links

pytestmark = pytest.mark.slow

DOCUMENTS = toc_documents()

Visit = Callable[[str], PageVisit]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_page_contacts_no_external_host(document: str, visit: Visit):
    """Does the page load everything (scripts, fonts, MathJax, images) from
    the site itself, without trying to reach any other host?"""
    attempted = visit(document).external_requests
    assert not attempted, f"{document} tried to reach external hosts: {attempted}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_page_loads_without_errors(document: str, visit: Visit):
    """Does the page load with no failed request and no console error?"""
    page = visit(document)
    assert not page.failed_requests, f"{document}: failed requests {page.failed_requests}"
    assert not page.console_errors, f"{document}: console errors {page.console_errors}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_equation_is_typeset(document: str, visit: Visit, site_dir: Path):
    """Has MathJax typeset every math node Sphinx emitted, without a TeX
    error, and left no raw TeX in the visible text?"""
    page = visit(document)
    emitted = emitted_math_count(page_path(document, site_dir))
    if emitted:
        assert page.mathjax_ran, f"{document} has {emitted} math nodes but MathJax never ran"
    assert page.mjx_containers == emitted, (
        f"{document}: Sphinx emitted {emitted} math nodes, MathJax rendered {page.mjx_containers}"
    )
    assert not page.untypeset_math, f"{document}: math left untypeset: {page.untypeset_math}"
    assert not page.math_errors, f"{document}: MathJax reported TeX errors: {page.math_errors}"
    raw = [text.strip()[:120] for text in page.prose_text if RAW_TEX.search(text)]
    assert not raw, f"{document}: raw TeX left in the visible text: {raw}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_image_loads_with_alt_text(document: str, visit: Visit):
    """Has every <img> on the page loaded, and does each describe itself in
    non-empty alt text?"""
    images = visit(document).images
    not_loaded = [img["src"] for img in images if img["naturalWidth"] <= 0]
    no_alt = [img["src"] for img in images if not (img["alt"] or "").strip()]
    assert not not_loaded, f"{document}: images that did not load: {not_loaded}"
    assert not no_alt, (
        f"{document}: images without alt text: {no_alt} (for a Matplotlib figure set "
        "the code cell's metadata mystnb.image.alt; see book/intro.md)"
    )


@pytest.mark.parametrize("document", DOCUMENTS)
def test_internal_links_resolve(document: str, visit: Visit, site_dir: Path):
    """Does every link to a page of the site lead to an existing file and,
    when it has a #fragment, to an element with that id?"""
    broken = broken_internal_links(visit(document), site_dir)
    assert not broken, f"{document}: broken internal links: {broken}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_page_screenshot_is_saved(document: str, visit: Visit):
    """Is a full-page PNG screenshot of the page written to
    _build/screenshots/<page>.png, as wide as the browser window?"""
    page = visit(document)
    screenshot = page.screenshot
    assert screenshot == SCREENSHOT_DIR / f"{Path(document).name}.png"
    assert screenshot.stat().st_mtime >= page.started - 1, f"{screenshot} is from an earlier run"
    header = screenshot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{screenshot} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    assert width == 1280, f"{screenshot} is {width} px wide, expected the 1280 px viewport"
    assert height >= 900, f"{screenshot} is {height} px high, less than one screen"
