"""The built site read as files: its table of contents, where MathJax comes
from, what the markup loads, and the graded solutions it must not contain."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from tests.book.built_site import (
    GRADED_FUNCTIONS,
    archive_members,
    emitted_math_count,
    file_text,
    graded_definitions,
    page_path,
    released_solutions,
    toc_documents,
)

CHAPTERS = [
    "book/intro",
    "book/preliminaries",
    "book/gradient_checking",
    "book/softmax",
    "book/rnn_bptt",
    "book/rnn_gradient_flow",
    "book/rnn_training",
    "book/univariate_lstm",
    "book/lstm",
    "book/vanishing_gradients",
    "book/notation",
    "book/assignments",
    "book/references",
]

# Elements and attributes through which a page loads something when it opens.
LOADING_ATTRIBUTES = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}
# <link> relations that are navigation, not loading.
NON_LOADING_LINKS = {"canonical", "alternate", "next", "prev", "index", "search", "author"}

built_book = pytest.mark.slow
"""Reads _build/html, which `make book` builds (the checks on their own run fast)."""


def test_toc_lists_every_chapter_in_reading_order():
    """Does _toc.yml list the introduction, the ten chapters, the assignments
    and the references, in the order the course is read (the scalar LSTM
    before the vector one, as the introduction promises)?"""
    assert toc_documents() == CHAPTERS


@built_book
def test_every_toc_page_is_built(toc_pages: list[str], site_dir: Path):
    """Has every page of the table of contents an HTML file in the site?"""
    assert [doc for doc in toc_pages if not page_path(doc, site_dir).is_file()] == []


@built_book
def test_mathjax_is_served_by_the_site(toc_pages: list[str], site_dir: Path):
    """Does every page with math load MathJax from the site's own _static
    folder, where the MathJax files (fonts included) really are?"""
    mathjax = (site_dir / "_static" / "mathjax" / "tex-chtml.js").resolve()
    assert mathjax.is_file()
    assert (mathjax.parent / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()
    pages_with_math = [doc for doc in toc_pages if emitted_math_count(page_path(doc, site_dir))]
    assert pages_with_math, "no page has math, so this check would check nothing"
    wrong = {}
    for document in pages_with_math:
        path = page_path(document, site_dir)
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts = soup.find_all("script", src=True)
        sources = [tag["src"] for tag in scripts if "mathjax" in tag["src"]]
        resolved = [(path.parent / urlsplit(src).path).resolve() for src in sources]
        if resolved != [mathjax]:
            wrong[document] = sources
    assert wrong == {}, f"pages that load MathJax from elsewhere (or twice): {wrong}"


@built_book
@pytest.mark.parametrize("document", CHAPTERS)
def test_markup_loads_nothing_from_another_host(document: str, site_dir: Path):
    """Does the page's markup ask for no script, stylesheet, font, image or
    frame from another host? (The browser test checks what actually loads;
    this names the offending tag.)"""
    soup = BeautifulSoup(page_path(document, site_dir).read_text(encoding="utf-8"), "html.parser")
    external = []
    for tag_name, attribute in LOADING_ATTRIBUTES.items():
        for tag in soup.find_all(tag_name, attrs={attribute: True}):
            if tag_name == "link" and NON_LOADING_LINKS & set(tag.get("rel", [])):
                continue
            if urlsplit(tag[attribute]).netloc or tag[attribute].startswith("//"):
                external.append(str(tag)[:160])
    assert external == [], f"{document} loads from other hosts: {external}"


@built_book
def test_site_contains_no_graded_solution(site_dir: Path):
    """Is none of the graded functions defined anywhere in the published
    site: pages, page sources, downloadable notebooks, scripts? And do the
    assignment archives the site offers hold only stubs of them?"""
    leaks = {}
    scanned_suffixes = set()
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = str(path.relative_to(site_dir))
        scanned_suffixes.add(path.suffix)
        if path.suffix == ".zip":
            for member, text in archive_members(path):
                if problems := released_solutions(text):
                    leaks[f"{relative}!{member}"] = problems
        elif found := graded_definitions(file_text(path)):
            leaks[relative] = sorted(set(found))
    assert leaks == {}, f"graded solutions published in the book: {leaks}"
    # The scan must have covered the pages and their sources (every file of
    # the site is read; there are .ipynb sources only if the site offers them).
    assert {".html", ".md"} <= scanned_suffixes, scanned_suffixes


def test_archive_check_tells_a_stub_from_a_solution(tmp_path: Path):
    """In a released assignment zip (nested zips included), is nbgrader's
    stub of a graded function accepted, and are an implemented one and a
    leftover solution marker reported?"""
    stub = "def rnn_backward(dh, cache):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    solution = "def lstm_backward(dh, cache):\n    return dh, cache\n"
    marker = "x = 1\n### BEGIN SOLUTION\ny = 2\n"

    def notebook(*sources: str) -> str:
        cells = [{"cell_type": "code", "metadata": {}, "source": src} for src in sources]
        return json.dumps({"cells": cells})

    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a3/a3_lstm.ipynb", notebook(stub, solution))
    outer = tmp_path / "a_all.zip"
    with zipfile.ZipFile(outer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a2/a2_rnn.ipynb", notebook(stub))
        archive.writestr("a2/helpers.py", marker)
        archive.write(inner, "inner.zip")
    problems = {member: released_solutions(text) for member, text in archive_members(outer)}
    assert problems == {
        "a2/a2_rnn.ipynb": [],
        "a2/helpers.py": ["'BEGIN SOLUTION' left in"],
        "inner.zip!a3/a3_lstm.ipynb": ["lstm_backward is implemented"],
    }


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_scanner_finds_a_definition_in_highlighted_html_and_notebooks(name: str, tmp_path: Path):
    """Does the scan see `def <name>(` both in syntax-highlighted HTML, where
    the keyword and the name sit in different tags, and in a notebook's JSON?"""
    code = f"def {name}(dout, cache):\n    return dout\n"
    page = tmp_path / "page.html"
    page.write_text(highlight(code, PythonLexer(), HtmlFormatter()), encoding="utf-8")
    assert f"def {name}(" not in page.read_text(encoding="utf-8")  # split by the tags
    notebook = tmp_path / "page.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "source": code.splitlines(keepends=True)}
    notebook.write_text(json.dumps({"cells": [cell]}, indent=1), encoding="utf-8")
    assert graded_definitions(file_text(page)) == [name]
    assert graded_definitions(file_text(notebook)) == [name]


def test_scanner_ignores_uses_and_other_definitions():
    """Are calls, imports, mentions and definitions of other functions
    (such as the finite-difference reference rnn_backward_fd) left alone?"""
    text = (
        "from solutions.rnn import rnn_backward\n"
        "dx, dh0, dU, dW, db = rnn_backward(dh, cache)\n"
        "def rnn_backward_fd(dh, x, h0, U, W, b):\n"
        "def my_lstm_backward(dh, cache):\n"
        "The function lstm_step_backward is the assignment.\n"
    )
    assert graded_definitions(text) == []


LINK_HOSTS_STUDENTS_MUST_NOT_GET = {
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "mybinder.org",
    "colab.research.google.com",
}
"""Repository hosts (the instructor's repository holds the solutions) and
launch services (their environment would have to install them)."""

HEADER_BUTTONS_STUDENTS_MUST_NOT_GET = (
    ".dropdown-launch-buttons, .btn-source-repository-button, .btn-source-issues-button"
)
"""sphinx-book-theme's launch menu and repository and issues buttons."""


@built_book
@pytest.mark.parametrize("document", CHAPTERS)
def test_no_page_links_a_repository_or_a_launch_service(document: str, site_dir: Path):
    """Does no page offer a repository, issues, Binder or Colab button (or
    any other link to those hosts), since no public repository is named?"""
    soup = BeautifulSoup(page_path(document, site_dir).read_text("utf-8"), "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True)]
    offending = [h for h in links if urlsplit(h).netloc in LINK_HOSTS_STUDENTS_MUST_NOT_GET]
    assert offending == [], f"{document} links {offending}"
    assert soup.select(HEADER_BUTTONS_STUDENTS_MUST_NOT_GET) == []
