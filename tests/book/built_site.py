"""Facts about the built book read from its files, without a browser.

The browser tests compare what Chromium shows against these: the pages the
table of contents lists, the math nodes Sphinx emitted on each page, the
element ids a link's #fragment may point at, and the text in which no graded
solution may appear.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

from autograder.authoring.book_toc import toc_documents  # noqa: F401  (the tests' import)

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE_DIR = REPO_ROOT / "_build" / "html"
DEPLOYED_SITE_DIR = REPO_ROOT / "_build" / "site"
"""What `make site` assembles and the deploy workflows publish."""
SCREENSHOT_DIR = REPO_ROOT / "_build" / "screenshots"
TOC_PATH = REPO_ROOT / "_toc.yml"

GRADED_FUNCTIONS = (
    "rnn_backward",
    "lstm_backward",
    "rnn_step_backward",
    "lstm_step_backward",
    "temporal_softmax_loss",
    "softmax_cross_entropy",
    "output_backward",
)
"""Functions the assignments grade: the published book must not define them."""

_GRADED_DEFINITION = re.compile(r"\bdef\s+(" + "|".join(GRADED_FUNCTIONS) + r")\s*\(")

RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\[A-Za-z]+")
"""TeX that MathJax should have replaced: \\( \\) \\[ \\] delimiters, $$ and
commands such as \\frac, wherever they survive as visible text."""


def page_path(document: str, site_dir: Path = SITE_DIR) -> Path:
    """The HTML file Sphinx writes for a document name."""
    return site_dir / f"{document}.html"


@cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def element_ids(path: Path) -> frozenset[str]:
    """Every id (and legacy <a name>) in an HTML file: the valid #fragments."""
    soup = _soup(path)
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids)


def emitted_math_count(path: Path) -> int:
    """Number of math nodes Sphinx wrote into a page, inline and display.

    Sphinx's MathJax writer gives both the classes "math notranslate"; each
    holds one \\( \\) or \\[ \\] expression for MathJax to typeset.
    """
    return len(_soup(path).select(".math.notranslate"))


def visible_text(markup: str) -> str:
    """The text of an HTML document with tags removed and entities decoded.

    Syntax highlighting splits `def name(` over several <span>s, so the
    search for definitions has to look at the text, not the markup.
    """
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def graded_definitions(text: str) -> list[str]:
    """Names of graded functions that `text` defines (`def name(`)."""
    return [match.group(1) for match in _GRADED_DEFINITION.finditer(text)]


def graded_definition_bodies(code: str) -> list[tuple[str, str]]:
    """(name, body) of every graded function that Python source `code`
    defines; the body is every line after the `def` indented deeper than it."""
    lines = code.splitlines()
    found = []
    for number, line in enumerate(lines):
        match = _GRADED_DEFINITION.search(line)
        if not match:
            continue
        indent = len(line) - len(line.lstrip())
        body = []
        for following in lines[number + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        found.append((match.group(1), "\n".join(body)))
    return found


def notebook_code(notebook_json: str) -> str:
    """The code cells of a notebook, joined into one Python source."""
    cells = json.loads(notebook_json).get("cells", [])
    sources = [cell["source"] for cell in cells if cell.get("cell_type") == "code"]
    return "\n\n".join(src if isinstance(src, str) else "".join(src) for src in sources)


TEXT_SUFFIXES = (".ipynb", ".md", ".py", ".txt", ".html", ".json", ".csv")


def archive_members(path: Path) -> Iterator[tuple[str, str]]:
    """(member name, text) of the text files inside a zip archive, nested
    zips included; a notebook's text is its code cells."""
    with zipfile.ZipFile(path) as archive:
        yield from _members(archive)


def _members(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                for inner_name, text in _members(inner):
                    yield f"{name}!{inner_name}", text
        elif name.endswith(TEXT_SUFFIXES):
            text = data.decode("utf-8", errors="ignore")
            yield name, notebook_code(text) if name.endswith(".ipynb") else text


STUB_MARKERS = ("NotImplementedError", "YOUR CODE HERE")
"""What nbgrader leaves in place of a solution in a released notebook."""

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS")
"""nbgrader's markers around solutions and hidden tests: never released."""


def released_solutions(text: str) -> list[str]:
    """What in a released assignment file gives a solution away: a graded
    function whose body is not a stub, or an nbgrader marker left in."""
    problems = [
        f"{name} is implemented"
        for name, body in graded_definition_bodies(text)
        if not any(marker in body for marker in STUB_MARKERS)
    ]
    problems += [f"{marker!r} left in" for marker in SOLUTION_MARKERS if marker in text]
    return problems


def file_text(path: Path) -> str:
    """Searchable text of any built file: HTML without its tags, other files
    as UTF-8 (binary files give mostly undecodable bytes, which are dropped)."""
    raw = path.read_bytes().decode("utf-8", errors="ignore")
    if path.suffix == ".html":
        return visible_text(raw)
    return raw
