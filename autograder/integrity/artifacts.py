"""The code that a student-facing file shows.

A :class:`Document` is one thing a student can open: a page of the site, a
page source offered for download, a notebook or a script (also inside a
zip). Its :class:`Snippet` s are every piece of text in it that may be
code: code blocks and cells, cell outputs, and inline code in the prose
(the book's tables print statements such as ``dh_prev = da @ W`` inline).
Whether a snippet really is Python is for the parser to find out
(``normalize.parse_code``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

CODE_LANGUAGES = {"", "python", "python3", "py", "ipython", "ipython3", "pycon"}
CODE_DIRECTIVES = {"{code-cell}", "{code-block}", "{code}", "{sourcecode}"}
SKIPPED_DIRECTIVES = {"{math}", "{figure}", "{image}", "{bibliography}", "{raw}"}

LAUNCH_ENVIRONMENT_FILES = (
    "binder",
    ".binder",
    "environment.yml",
    "requirements.txt",
    "postBuild",
    "apt.txt",
    "runtime.txt",
    "setup.py",
    "Project.toml",
)
"""Where repo2docker (Binder) looks for an environment, in the folder it is
given: a binder/ or .binder/ folder, or these files at the top."""


@dataclass(frozen=True)
class Snippet:
    """A piece of text that may be code; `where` says where it came from
    (e.g. "code block 3", "inline code", "cell 12")."""

    text: str
    where: str


@dataclass(frozen=True)
class Document:
    """One file a student can open; `name` says where it is, e.g.
    "_build/html/book/lstm.html" or "a3_lstm.zip!a3_lstm/a3_lstm.ipynb"."""

    name: str
    snippets: tuple[Snippet, ...]


class _CodeInHtml(HTMLParser):
    """Collects the text of <pre> blocks (code cells, their outputs,
    literal blocks) and of <code> elements (inline code)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.snippets: list[Snippet] = []
        self._open: str | None = None
        self._depth = 0
        self._text: list[str] = []
        self._blocks = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "code"):
            if self._open is None:
                self._open, self._depth, self._text = tag, 0, []
            if tag == self._open:
                self._depth += 1

    def handle_endtag(self, tag):
        if tag == self._open:
            self._depth -= 1
            if self._depth == 0:
                if self._open == "pre":
                    self._blocks += 1
                    where = f"code block {self._blocks}"
                else:
                    where = "inline code"
                self.snippets.append(Snippet("".join(self._text), where))
                self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)


def html_snippets(markup: str) -> list[Snippet]:
    """Code blocks and inline code of an HTML page (syntax highlighting
    removed, entities decoded)."""
    parser = _CodeInHtml()
    parser.feed(markup)
    parser.close()
    return parser.snippets


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>[^\n]*)$")
_INLINE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def _code_cell_body(lines: list[str]) -> str:
    """A MyST code cell without its options (``:tags: [...]`` lines or a
    leading ``---`` YAML block)."""
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1 :]
    while lines and re.match(r"^\s*:[\w-]+:", lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def markdown_snippets(text: str, label: str = "") -> list[Snippet]:
    """Fenced code blocks (MyST code cells included, options dropped) and
    inline code of a Markdown text. Fences of other directives (notes,
    colon fences) are read as Markdown; math and figures are skipped."""
    snippets: list[Snippet] = []
    prose: list[str] = []
    lines = text.splitlines()
    i = 0
    blocks = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            prose.append(lines[i])
            i += 1
            continue
        fence = opening["fence"]
        info = opening["info"].strip()
        closing = next(
            (
                j
                for j in range(i + 1, len(lines))
                if lines[j].strip().startswith(fence[0] * len(fence))
                and not lines[j].strip().strip(fence[0])
            ),
            len(lines),
        )
        body = lines[i + 1 : closing]
        directive = info.split()[0] if info else ""
        if fence[0] != ":" and (directive in CODE_DIRECTIVES or info.lower() in CODE_LANGUAGES):
            blocks += 1
            snippets.append(Snippet(_code_cell_body(body), f"{label}code block {blocks}"))
        elif directive not in SKIPPED_DIRECTIVES:
            prose.extend(body)
        i = closing + 1
    for match in _INLINE.finditer("\n".join(prose)):
        snippets.append(Snippet(match.group(2).strip(), f"{label}inline code"))
    return snippets


def _source(value) -> str:
    return value if isinstance(value, str) else "".join(value or [])


def notebook_snippets(text: str) -> list[Snippet]:
    """Code cells, their text outputs, and the code in markdown cells of a
    notebook (nbformat 4 JSON)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    snippets: list[Snippet] = []
    for number, cell in enumerate(cells, 1):
        source = _source(cell.get("source"))
        if cell.get("cell_type") == "code":
            snippets.append(Snippet(source, f"cell {number}"))
            for output in cell.get("outputs", []):
                shown = output.get("text") or output.get("data", {}).get("text/plain")
                if shown:
                    snippets.append(Snippet(_source(shown), f"cell {number} output"))
        elif cell.get("cell_type") == "markdown":
            snippets.extend(markdown_snippets(source, f"cell {number} "))
    return snippets


def text_snippets(name: str, text: str) -> list[Snippet] | None:
    """The snippets of a file by its name's suffix; None for a file that
    holds no code a student reads (images, fonts, style sheets, indexes)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm"):
        return html_snippets(text)
    if suffix in (".md", ".myst", ".txt", ".rst"):
        return markdown_snippets(text)
    if suffix == ".ipynb":
        return notebook_snippets(text)
    if suffix == ".py":
        return [Snippet(text, "script")]
    return None


def zip_documents(data: bytes, name: str) -> Iterator[Document]:
    """The documents inside a zip archive (nested zips included), named
    "<archive>!<member>"."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            yield from bytes_documents(archive.read(member), f"{name}!{member}")


def bytes_documents(data: bytes, name: str) -> Iterator[Document]:
    """The document (or, for a zip, documents) a file's bytes make."""
    if name.lower().endswith(".zip"):
        yield from zip_documents(data, name)
        return
    snippets = text_snippets(name, data.decode("utf-8", errors="replace"))
    if snippets is not None:
        yield Document(name, tuple(snippets))


def file_documents(path: Path, name: str | None = None) -> Iterator[Document]:
    """The documents of one file on disk."""
    yield from bytes_documents(Path(path).read_bytes(), name or str(path))


def tree_documents(root: Path, label: str | None = None) -> Iterator[Document]:
    """The documents of every file under `root`, in sorted order, named
    "<label>/<relative path>"."""
    root = Path(root)
    label = label if label is not None else str(root)
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield from file_documents(path, f"{label}/{path.relative_to(root)}")


def launch_environment_files(repository: Path) -> list[Path]:
    """The files from which Binder would build a launch environment for
    the repository (see LAUNCH_ENVIRONMENT_FILES); empty when it has none."""
    found = []
    for entry in LAUNCH_ENVIRONMENT_FILES:
        path = Path(repository) / entry
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            found.append(path)
    return found


INSTALLS_REPOSITORY = re.compile(r"(^|\s)(-e\s+\.|\.\s*$|pip install[^\n]*\s\.(\s|$))", re.M)
"""A requirements line or command that installs the repository itself
(``-e .``, ``.``, ``pip install .``), and with it the instructor's packages."""


def student_documents(site_dir: Path, downloads_dir: Path, repository: Path) -> list[Document]:
    """Every document a student can reach: each file of the built site
    (pages, page sources, downloadable notebooks and zips), each release
    download (``<course>/downloads/*.zip``: notebooks and the shipped
    ``course_checks`` package), and the files a launch environment would be
    built from, named relative to the repository where they are in it."""

    def label(path: Path) -> str:
        path = Path(path).resolve()
        root = Path(repository).resolve()
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    documents = list(tree_documents(site_dir, label(site_dir)))
    for archive in sorted(Path(downloads_dir).glob("*.zip")):
        documents.extend(file_documents(archive, label(archive)))
    for path in launch_environment_files(repository):
        documents.extend(file_documents(path, label(path)))
    return documents
