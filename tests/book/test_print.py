"""The printable view of every chapter: Chromium prints it to PDF (A4, as
the browser's Print does) from the deployed site, and the PDF must hold what
the page shows.

- the math: MathJax's fonts are embedded, every equation number is there,
  and in the print layout no display equation is wider than its column;
- the figures: as many images as the chapter has figures;
- the code and its outputs: every line of every cell shown, wrapped rather
  than cut at the page's edge (line by line: a cell, or a wrapped line,
  split over two pages may come out of the PDF in two pieces, in either
  order).
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from playwright.sync_api import BrowserContext
from pypdf import PdfReader

from tests.book.built_site import toc_documents

pytestmark = pytest.mark.slow

A4_COLUMN_PX = 680
"""The printed column: 210 mm less print.css's two 15 mm margins, at 96 px/in."""

_TYPESET = """
async () => {
  const started = () => window.MathJax && MathJax.startup && MathJax.startup.promise;
  for (let i = 0; i < 300 && document.querySelector('script[src*="mathjax"]') && !started(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (started()) await MathJax.startup.promise;
  await document.fonts.ready;
}
"""

# What the chapter shows (folded answers are not shown, and need not print).
_CONTENT = """
() => {
  const article = document.querySelector("article.bd-article");
  const shown = (selector) => Array.from(article.querySelectorAll(selector))
    .filter((e) => e.checkVisibility());
  return {
    equationNumbers: shown("span.eqno").map((e) => e.firstChild.textContent.trim()),
    mathNodes: shown("mjx-container").length,
    figures: shown("img").length,
    code: shown("div.cell pre").map((e) => e.textContent),
  };
}
"""

# In the print layout: content wider than the column would be cut or run off the paper.
_TOO_WIDE = """
() => {
  const column = document.querySelector("article.bd-article").getBoundingClientRect();
  const selectors = 'mjx-container[display="true"], div.math, pre, img, table';
  return Array.from(document.querySelectorAll("article.bd-article " + selectors))
    .filter((e) => e.getClientRects().length > 0)
    .filter((e) => e.getBoundingClientRect().right > column.right + 1
                   || e.scrollWidth > e.clientWidth + 1
                      && getComputedStyle(e).overflowX !== "visible")
    .map((e) => `${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 80)}`);
}
"""


def _plain(text: str) -> str:
    """Text without white space, ligatures unfolded (the PDF's "ﬃ" is "ffi")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _code_lines(blocks: list[str]) -> list[str]:
    """The non-blank lines of code blocks."""
    return [line for block in blocks for line in block.splitlines() if line.strip()]


MIN_PIECE = 6
"""Shortest piece of a line that counts as found on its own (a shorter one
would be found anywhere)."""


def _printed(line: str, text: str) -> bool:
    """Whether a line of code is in the PDF's text: whole, or wrapped over a
    page break into two pieces that the PDF holds in separate places."""
    plain = _plain(line)
    if plain in text:
        return True
    return any(
        plain[:cut] in text and plain[cut:] in text
        for cut in range(MIN_PIECE, len(plain) - MIN_PIECE + 1)
    )


def _pdf_facts(pdf: bytes) -> tuple[str, set[str], int]:
    """(text without white space, font families, number of images) of a PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    text, families, images = [], set(), 0
    for page in reader.pages:
        text.append(page.extract_text())
        images += len(page.images)
        for font in (page["/Resources"].get("/Font") or {}).values():
            descriptor = font.get_object().get("/FontDescriptor")
            name = font.get_object().get("/BaseFont")
            if descriptor is not None:
                name = descriptor.get_object().get("/FontFamily", name)
            families.add(str(name))
    return _plain("".join(text)), families, images


def _print_page(
    context: BrowserContext, address: str, style: str = ""
) -> tuple[dict, bytes, list]:
    """Open a page (with an extra style sheet, if given), wait for MathJax;
    return what it shows, its PDF (A4) and, in the print layout of an A4
    column, what is wider than the column."""
    page = context.new_page()
    try:
        page.goto(address, wait_until="load")
        if style:
            page.add_style_tag(content=style)
        page.evaluate(_TYPESET)
        shown = page.evaluate(_CONTENT)
        pdf = page.pdf(format="A4")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_COLUMN_PX, "height": 1000})
        return shown, pdf, page.evaluate(_TOO_WIDE)
    finally:
        page.close()


@pytest.mark.parametrize("document", toc_documents())
def test_chapter_prints_with_its_math_figures_and_code(
    document: str, browser_context: BrowserContext, deployed_url: str
):
    """Does the chapter's PDF carry MathJax's fonts and every equation
    number, every figure and every character of its code, with nothing wider
    than the printed column?"""
    shown, pdf, too_wide = _print_page(browser_context, f"{deployed_url}{document}.html")
    text, families, images = _pdf_facts(pdf)
    assert too_wide == [], f"{document}: wider than the printed column: {too_wide}"
    if shown["mathNodes"]:
        assert any(family.startswith("MathJax_") for family in families), families
    missing_numbers = [n for n in shown["equationNumbers"] if _plain(n) not in text]
    assert missing_numbers == [], f"{document}: equations missing from the PDF"
    assert images == shown["figures"], f"{document}: {images} images printed"
    cut_code = [line for line in _code_lines(shown["code"]) if not _printed(line, text)]
    assert cut_code == [], f"{document}: code or outputs not fully printed"


def test_the_print_checks_see_cut_code_and_equations_too_wide(
    browser_context: BrowserContext, deployed_url: str
):
    """With print.css's wrapping and equation fitting undone, are a long code
    line reported as not fully printed and a wide equation as wider than the
    column? (The checks above would otherwise prove nothing.)"""
    undone = (
        "@media print { .bd-main .bd-content pre "
        "{ white-space: pre !important; overflow: hidden !important; } "
        'mjx-container[display="true"][style*="--print-eq-ems"] '
        "{ font-size: var(--print-eq-size) !important; } }"
    )
    shown, pdf, too_wide = _print_page(browser_context, f"{deployed_url}book/lstm.html", undone)
    text, _, _ = _pdf_facts(pdf)
    cut = [line for line in _code_lines(shown["code"]) if not _printed(line, text)]
    assert cut, "cut code went unnoticed"
    assert any(item.startswith("mjx-container") for item in too_wide), too_wide
