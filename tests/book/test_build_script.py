"""scripts/build-book.sh on throwaway books: what passes and what fails.

Each test builds a one-page book in a temporary directory with the course's
own _config.yml and static files, through the same script `make book` runs,
so the flags and the execution settings under test are the real ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.book.built_site import REPO_ROOT, emitted_math_count

pytestmark = pytest.mark.slow

BUILD_SCRIPT = REPO_ROOT / "scripts" / "build-book.sh"
BUILD_TIMEOUT_S = 600
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

FIGURE_ALT = "A straight line rising from the origin."

CLEAN_PAGE = HEADER + textwrap.dedent(
    f"""
    # A clean page

    ```{{math}}
    :label: line
    y = 2x
    ```

    Equation {{eq}}`line` is drawn below, and $x \\in [0, 1]$.

    ```{{code-cell}} ipython3
    import matplotlib.pyplot as plt
    import numpy as np

    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(0, 1, 5))
    ```

    ```{{code-cell}} ipython3
    ---
    mystnb:
      image:
        alt: {FIGURE_ALT}
    ---
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(x, 2 * x)
    plt.show()
    ```
    """
)


def make_book(root: Path, page: str) -> Path:
    """A one-page book in `root`: the course's _config.yml and book/_static,
    a table of contents with the single page book/page.md."""
    shutil.copy(REPO_ROOT / "_config.yml", root / "_config.yml")
    shutil.copytree(REPO_ROOT / "book" / "_static", root / "book" / "_static")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/page\n", encoding="utf-8")
    (root / "book" / "page.md").write_text(page, encoding="utf-8")
    return root


def run(command: list[str]) -> subprocess.CompletedProcess:
    """Run a build command; stdout and stderr merged, colour codes removed."""
    result = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    result.stdout = ANSI_COLOUR.sub("", result.stdout)
    return result


def build(root: Path) -> subprocess.CompletedProcess:
    """Run the build script on the book in `root`."""
    return run(["bash", str(BUILD_SCRIPT), str(root)])


def test_clean_book_builds_with_local_mathjax_and_alt_text(tmp_path: Path):
    """Does a correct page build (exit 0), with MathJax copied into the site
    and the figure carrying the alt text given in the cell's metadata?"""
    result = build(make_book(tmp_path, CLEAN_PAGE))
    assert result.returncode == 0, result.stdout[-4000:]
    html_page = tmp_path / "_build" / "html" / "book" / "page.html"
    markup = html_page.read_text(encoding="utf-8")
    assert (tmp_path / "_build" / "html" / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert 'src="../_static/mathjax/tex-chtml.js' in markup
    assert emitted_math_count(html_page) == 2  # the labelled equation and the inline x
    assert f'alt="{FIGURE_ALT}"' in markup
    assert 'id="equation-line"' in markup


def test_failing_cell_fails_the_build_every_time(tmp_path: Path):
    """Does a cell that raises make the build exit non-zero and name the
    error, and does it fail again on a rebuild rather than being taken from
    the execution cache?"""
    page = HEADER + "\n# Broken\n\n```{code-cell} ipython3\n1 / 0\n```\n"
    make_book(tmp_path, page)
    for attempt in ("first build", "rebuild"):
        result = build(tmp_path)
        assert result.returncode != 0, f"{attempt} succeeded:\n{result.stdout[-4000:]}"
        assert "ZeroDivisionError" in result.stdout, f"{attempt}:\n{result.stdout[-4000:]}"


def test_failing_cell_fails_even_a_plain_jupyter_book_build(tmp_path: Path):
    """Without the script's -W, does execute.raise_on_error in _config.yml
    still fail the build? (allow_errors: false alone only logs a warning and
    exits 0.)"""
    page = HEADER + "\n# Broken\n\n```{code-cell} ipython3\nraise ValueError('planted')\n```\n"
    make_book(tmp_path, page)
    result = run([str(REPO_ROOT / ".venv" / "bin" / "jupyter-book"), "build", str(tmp_path)])
    assert result.returncode != 0, result.stdout[-4000:]
    assert "ValueError: planted" in result.stdout, result.stdout[-4000:]


def test_warning_fails_the_build_every_time(tmp_path: Path):
    """Does a Sphinx warning (a reference to an equation that does not
    exist) make the build exit non-zero, again on a rebuild of the unchanged
    page?"""
    page = HEADER + "\n# Dangling\n\nSee {eq}`no-such-equation`.\n"
    make_book(tmp_path, page)
    for attempt in ("first build", "rebuild"):
        result = build(tmp_path)
        assert result.returncode != 0, f"{attempt} succeeded:\n{result.stdout[-4000:]}"
        assert "no-such-equation" in result.stdout, f"{attempt}:\n{result.stdout[-4000:]}"
