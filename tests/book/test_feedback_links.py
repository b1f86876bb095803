"""Do the links that the course generates into the book land on its pages and
equations, at the book's configured address?

Every generated link is collected: the equation links of the grader's
feedback and of the visible checks (one per graded output and gate, made by
course_checks.book), and the links of each released notebook and download
(reading lists, equation references, README). Each must start with the
configured address (html.baseurl), and the rest of it must lead, on the
deployed site served under that address's path, to a page that answers 200
and holds the #fragment's element.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
import zipfile
from pathlib import Path

import pytest

from autograder.authoring.book_address import PLACEHOLDER, book_url
from autograder.course_checks.book import equation_url
from autograder.course_checks.specs import GATE_EQUATIONS, SPECS
from tests.book.built_site import REPO_ROOT
from tests.book.site_crawl import element_ids

pytestmark = pytest.mark.slow  # reads the deployed site, which `make site` builds

DOWNLOADS = REPO_ROOT / "course" / "downloads"
LINK = re.compile(r"https?://[^\s)\"'<>\]`]+")


def feedback_links() -> list[str]:
    """The equation link of every graded output and gate, as feedback and
    visible checks print them."""
    pairs = [o.equation for spec in SPECS.values() for o in spec.outputs if o.equation]
    pairs += list(GATE_EQUATIONS.values())
    return sorted({equation_url(page, label) for page, label in pairs})


def download_links(downloads: Path = DOWNLOADS) -> dict[str, list[str]]:
    """{zip!member: links} of the text files of every download, notebooks
    by their markdown and code."""
    found: dict[str, list[str]] = {}
    for archive in sorted(downloads.glob("*.zip")):
        with zipfile.ZipFile(archive) as opened:
            for member in opened.namelist():
                if not member.endswith((".ipynb", ".md", ".py", ".txt")):
                    continue
                text = opened.read(member).decode("utf-8")
                if member.endswith(".ipynb"):
                    cells = json.load(io.StringIO(text))["cells"]
                    text = "\n".join("".join(cell["source"]) for cell in cells)
                found[f"{archive.name}!{member}"] = LINK.findall(text)
    return found


def _where_served(link: str, address: str, served: str) -> str:
    """The served URL of a link under the configured address."""
    return served + link.removeprefix(address + "/")


def _broken(links: list[str], address: str, served: str) -> list[str]:
    broken, pages = [], {}
    for link in links:
        if not link.startswith(address + "/"):
            broken.append(f"{link} (not under the configured address {address})")
            continue
        page, _, fragment = _where_served(link, address, served).partition("#")
        if page not in pages:
            try:
                with urllib.request.urlopen(page, timeout=30) as response:
                    pages[page] = element_ids(response.read())
            except OSError as error:
                pages[page] = error
        if isinstance(pages[page], Exception):
            broken.append(f"{link} ({pages[page]})")
        elif fragment and fragment not in pages[page]:
            broken.append(f"{link} (no element with id {fragment!r})")
    return broken


def test_every_feedback_link_reaches_its_equation(deployed_url: str):
    """Does the equation link of every graded output and gate, as the
    feedback prints it, reach that equation on the deployed site?"""
    links = feedback_links()
    assert len(links) > 20
    assert _broken(links, book_url(), deployed_url) == []


def test_every_link_of_the_downloads_reaches_the_book(deployed_url: str):
    """Does every link to the book in the downloads (reading lists, equation
    references, the README) reach its page and anchor on the deployed site,
    and does each download link the book at the configured address only?"""
    address = book_url()
    found = download_links()
    assert found, f"no download in {DOWNLOADS}: run `make site`"
    to_book = {
        name: [link for link in links if link.startswith(address + "/")]
        for name, links in found.items()
    }
    notebooks = [name for name in found if name.endswith(".ipynb")]
    assert notebooks and all(len(to_book[name]) >= 5 for name in notebooks), to_book
    assert all(to_book[name] for name in found if name.endswith("README.md"))
    broken = {name: _broken(links, address, deployed_url) for name, links in to_book.items()}
    assert {name: b for name, b in broken.items() if b} == {}


def test_the_sources_write_no_address():
    """Does every link from an assignment's text into the book use the
    {book} placeholder, so that it follows the setting (a spelled-out link
    would not)?"""
    address = book_url()
    for source in sorted((REPO_ROOT / "assignments").glob("*/*.md")):
        text = source.read_text(encoding="utf-8")
        assert address not in text, source
        assert text.count(PLACEHOLDER + "/book/") >= 10, f"{source.name} links too little"
