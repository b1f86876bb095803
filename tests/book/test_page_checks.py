"""The browser checks themselves, run on small handmade pages.

A check that never fails proves nothing: each fault the book tests look for
is planted here once, and the recorded visit must report exactly that
fault. These tests need Chromium but not the built book.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext

from tests.book.built_site import RAW_TEX
from tests.book.local_server import serve_directory
from tests.book.page_visit import PageVisit, broken_internal_links, visit_page

pytestmark = pytest.mark.slow

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>clean</title>
<link rel="icon" href="data:,"></head>
<body>
  <h1 id="top">A clean page</h1>
  <p>Prose with no TeX in it.</p>
  <img src="dot.png" alt="A single blue pixel.">
  <a href="clean.html#top">back to the top</a>
  <a href="https://example.org/elsewhere">a link to another site</a>
</body></html>
"""

FAULTY_PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>faulty</title>
<link rel="icon" href="data:,">
<script src="https://cdn.example.org/analytics.js"></script></head>
<body>
  <p>An equation nobody typeset: <span class="math notranslate nohighlight">\(x^2\)</span></p>
  <p>Raw TeX in prose: $$ \frac{a}{b} $$</p>
  <img src="missing.png" alt="A picture that is not there.">
  <img src="dot.png">
  <a href="clean.html#nowhere">a fragment that does not exist</a>
  <a href="absent.html">a page that does not exist</a>
  <script>console.error("planted console error");</script>
</body></html>
"""


@pytest.fixture(scope="module")
def handmade_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A directory with a clean and a faulty page, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("handmade-site")
    (root / "clean.html").write_text(CLEAN_PAGE, encoding="utf-8")
    (root / "faulty.html").write_text(FAULTY_PAGE, encoding="utf-8")
    Image.new("RGB", (1, 1), (31, 78, 121)).save(root / "dot.png")
    with serve_directory(root) as url:
        yield root, url


@pytest.fixture(scope="module")
def clean_visit(
    browser_context: BrowserContext, handmade_site: tuple[Path, str], tmp_path_factory
) -> PageVisit:
    _, url = handmade_site
    shot = tmp_path_factory.mktemp("shots") / "clean.png"
    return visit_page(browser_context, f"{url}/clean.html", shot)


@pytest.fixture(scope="module")
def faulty_visit(
    browser_context: BrowserContext, handmade_site: tuple[Path, str], tmp_path_factory
) -> PageVisit:
    _, url = handmade_site
    shot = tmp_path_factory.mktemp("shots") / "faulty.png"
    return visit_page(browser_context, f"{url}/faulty.html", shot)


def test_clean_page_passes_every_check(clean_visit: PageVisit, handmade_site):
    """Does a page with nothing wrong come out with an empty record, its
    image loaded and its links resolved?"""
    root, _ = handmade_site
    assert clean_visit.external_requests == []
    assert clean_visit.failed_requests == []
    assert clean_visit.console_errors == []
    assert clean_visit.untypeset_math == []
    assert not any(RAW_TEX.search(text) for text in clean_visit.prose_text)
    assert [(img["alt"], img["naturalWidth"]) for img in clean_visit.images] == [
        ("A single blue pixel.", 1)
    ]
    assert broken_internal_links(clean_visit, root) == []
    assert clean_visit.screenshot.stat().st_size > 0


def test_external_script_is_blocked_and_recorded(faulty_visit: PageVisit):
    """Is a script from another host aborted before it leaves the machine,
    and reported by its URL?"""
    assert faulty_visit.external_requests == ["https://cdn.example.org/analytics.js"]


def test_missing_file_and_console_error_are_recorded(faulty_visit: PageVisit):
    """Are a 404 for a local file and a console.error both reported?"""
    assert any(
        "missing.png" in failure and "404" in failure for failure in faulty_visit.failed_requests
    ), faulty_visit.failed_requests
    assert any("planted console error" in error for error in faulty_visit.console_errors), (
        faulty_visit.console_errors
    )


def test_untypeset_math_and_raw_tex_are_found(faulty_visit: PageVisit):
    """Without MathJax, is the math node reported as untypeset and the $$
    text of the prose caught as raw TeX?"""
    assert faulty_visit.mathjax_ran is False
    assert faulty_visit.mjx_containers == 0
    assert faulty_visit.untypeset_math == [r"\(x^2\)"]
    raw = [text for text in faulty_visit.prose_text if RAW_TEX.search(text)]
    assert any(r"\frac{a}{b}" in text for text in raw), faulty_visit.prose_text


def test_broken_image_and_missing_alt_are_found(faulty_visit: PageVisit):
    """Is an image that did not load seen as zero pixels wide, and an image
    without alt text seen as such?"""
    by_name = {Path(img["src"]).name: img for img in faulty_visit.images}
    assert by_name["missing.png"]["naturalWidth"] == 0
    assert by_name["dot.png"]["naturalWidth"] == 1
    assert by_name["dot.png"]["alt"] is None


def test_broken_internal_links_are_found(faulty_visit: PageVisit, handmade_site):
    """Are a link to a missing page and a link to a missing #fragment both
    reported, and nothing else?"""
    root, url = handmade_site
    assert broken_internal_links(faulty_visit, root) == [
        f"{url}/clean.html#nowhere (no id 'nowhere' in clean.html)",
        f"{url}/absent.html (no such file)",
    ]
