"""The book's address: read from html.baseurl, checked, and written into the
links of the notebooks and into the shipped checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring.book_address import (
    BOOK_CONFIG,
    SHIPPED_MODULE,
    AddressError,
    book_url,
    fill_book_links,
    shipped_module_text,
    site_path,
)
from autograder.authoring.course_source import CHECKS_PACKAGE
from autograder.authoring.source_notebook import SourceError, build_source_notebook
from autograder.course_checks.book import equation_url
from tests.autograder.authoring.test_source_notebook import _source


def _config(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "_config.yml"
    path.write_text(f"title: A book\nhtml:\n{html}", encoding="utf-8")
    return path


def test_the_address_is_html_baseurl_without_its_trailing_slash(tmp_path):
    config = _config(tmp_path, "  baseurl: https://owner.github.io/course/\n")
    assert book_url(config) == "https://owner.github.io/course"


@pytest.mark.parametrize(
    "html",
    ["  use_repository_button: false\n", "  baseurl: ''\n", "  baseurl: owner.github.io/c\n"],
    ids=["missing", "empty", "no-scheme"],
)
def test_a_missing_or_relative_address_is_an_error_naming_the_setting(tmp_path, html):
    with pytest.raises(AddressError, match=r"html\.baseurl in .*_config\.yml must be"):
        book_url(_config(tmp_path, html))


def test_the_course_has_an_address():
    """Is the repository's _config.yml's address usable, and is it the one
    the grader's equation links use in the instructor's checkout?"""
    address = book_url(BOOK_CONFIG)
    assert equation_url("softmax", "Softmax-Def") == (
        f"{address}/book/softmax.html#equation-softmax-def"
    )


@pytest.mark.parametrize(
    ("address", "path"),
    [("https://a.github.io/course", "/course/"), ("https://a.b", "/"), ("http://x/a/b/", "/a/b/")],
)
def test_the_site_path_is_the_address_path(address, path):
    assert site_path(address) == path


def test_placeholders_become_links_and_other_braces_stay():
    text = "[(vjp)]({book}/book/x.html#equation-vjp), {book} alone, {doc}`intro`"
    assert fill_book_links(text, "https://h/c") == (
        "[(vjp)](https://h/c/book/x.html#equation-vjp), {book} alone, {doc}`intro`"
    )


def test_the_notebook_links_the_given_address(tmp_path):
    path = _source(tmp_path, "# Demo\n\nRead [this]({book}/book/softmax.html#equation-a).\n")
    notebook = build_source_notebook(path, "https://example.org/c")
    assert "](https://example.org/c/book/softmax.html#equation-a)" in notebook.cells[0].source


def test_a_link_that_spells_the_address_out_is_an_error(tmp_path):
    """A hard-coded link would not move with html.baseurl: is it refused?"""
    path = _source(tmp_path, "# Demo\n\nRead [this](https://example.org/c/book/softmax.html).\n")
    with pytest.raises(SourceError, match=r"a9_demo.md, cell 0: links the book as"):
        build_source_notebook(path, "https://example.org/c")


def test_the_same_source_gives_the_same_notebook(tmp_path):
    """Cell ids come from the cells' positions: an unchanged source releases
    the same bytes (and so the same download and site)."""
    path = _source(tmp_path, "# Demo\n\ntext\n")
    first = build_source_notebook(path, "https://e/c")
    second = build_source_notebook(path, "https://e/c")
    assert [c.id for c in first.cells] == [c.id for c in second.cells] == ["cell-0"]


def test_the_shipped_checks_link_the_written_address(tmp_path):
    """Does a copy of the checks package with the release's module, imported
    by a Python without the course (as a student's is), link that address?"""
    package = tmp_path / "course_checks"
    package.mkdir()
    for module in CHECKS_PACKAGE.glob("*.py"):
        (package / module.name).write_text(module.read_text(encoding="utf-8"), "utf-8")
    (package / SHIPPED_MODULE).write_text(shipped_module_text("https://e.org/c"), "utf-8")
    code = (
        "import sys; sys.path.insert(0, '.')\n"
        "from course_checks.book import equation_url\n"
        "print(equation_url('lstm', 'lstm-C'))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.stdout.strip() == "https://e.org/c/book/lstm.html#equation-lstm-c", result
    assert not (CHECKS_PACKAGE / SHIPPED_MODULE).exists(), "the release wrote into the package"
