"""What code a student-facing file shows: pages, page sources, notebooks,
scripts and zips, and the files a launch environment is built from."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from autograder.integrity.artifacts import (
    INSTALLS_REPOSITORY,
    bytes_documents,
    html_snippets,
    launch_environment_files,
    markdown_snippets,
    notebook_snippets,
    tree_documents,
)


def test_html_gives_highlighted_code_blocks_and_inline_code_as_plain_text():
    """Are a syntax-highlighted block (one <span> per token) and inline
    <code> spans given back as the code they show, entities decoded?"""
    block = highlight("dW = da.T @ h_prev  # (H, H)\nok = a < b\n", PythonLexer(), HtmlFormatter())
    markup = (
        f"<p>Prose.</p>{block}<p>Inline: <code class='docutils literal'>"
        "<span class='pre'>db</span> <span class='pre'>=</span> "
        "<span class='pre'>da.sum(axis=0)</span></code> and more prose.</p>"
    )
    assert [(s.text, s.where) for s in html_snippets(markup)] == [
        ("dW = da.T @ h_prev  # (H, H)\nok = a < b\n", "code block 1"),
        ("db = da.sum(axis=0)", "inline code"),
    ]


def test_markdown_gives_code_cells_without_options_and_inline_code_but_no_math():
    """Are MyST code cells (options and YAML header dropped), plain fenced
    Python and inline code read, and math blocks skipped?"""
    text = """# A page

```{code-cell} ipython3
:tags: [hide-input]
dx = da @ U
```

```{code-cell} ipython3
---
mystnb:
  number_source_lines: true
---
dW = da.T @ h_prev
```

```{math}
:label: eq
dU = \\delta a\\, x^\\top
```

```python
db = da.sum(axis=0)
```

In rows that is `dh_prev = da @ W`, see {eq}`eq`.

:::{note}
Also `dU = da.T @ x`.
:::
"""
    snippets = [(s.text, s.where) for s in markdown_snippets(text)]
    assert snippets == [
        ("dx = da @ U", "code block 1"),
        ("dW = da.T @ h_prev", "code block 2"),
        ("db = da.sum(axis=0)", "code block 3"),
        ("dh_prev = da @ W", "inline code"),
        ("eq", "inline code"),
        ("dU = da.T @ x", "inline code"),
    ]


def test_notebook_gives_code_cells_their_outputs_and_code_in_markdown():
    """Are a notebook's code cells, their printed outputs and the code in
    its markdown cells all read?"""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["Rows: `dx = da @ U`."]},
        {
            "cell_type": "code",
            "metadata": {},
            "source": ["dW = da.T @ h_prev\n"],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["db = 1\n"]}],
        },
    ]
    snippets = notebook_snippets(json.dumps({"cells": cells}))
    assert [(s.text, s.where) for s in snippets] == [
        ("dx = da @ U", "cell 1 inline code"),
        ("dW = da.T @ h_prev\n", "cell 2"),
        ("db = 1\n", "cell 2 output"),
    ]


def test_zips_are_opened_nested_and_files_without_code_are_skipped():
    """Does a zip give one document per notebook and script inside, nested
    zips included, named archive!member, and nothing for an image?"""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a3/course_checks.py", "x = 1\n")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("a2/a2_rnn.ipynb", json.dumps({"cells": []}))
        archive.writestr("a2/logo.png", b"\x89PNG")
        archive.writestr("inner.zip", inner.getvalue())
    documents = list(bytes_documents(outer.getvalue(), "a.zip"))
    assert [d.name for d in documents] == [
        "a.zip!a2/a2_rnn.ipynb",
        "a.zip!inner.zip!a3/course_checks.py",
    ]
    assert documents[1].snippets[0].text == "x = 1\n"


def test_a_folder_is_read_file_by_file_under_its_label(tmp_path: Path):
    """Are the files of a folder read in order, named <label>/<path>?"""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text("<pre>a = 1</pre>", encoding="utf-8")
    (tmp_path / "style.css").write_text("pre { color: red }", encoding="utf-8")
    assert [d.name for d in tree_documents(tmp_path, "site")] == ["site/book/page.html"]


def test_launch_environment_files_are_those_binder_reads(tmp_path: Path):
    """Are the files of a binder/ folder and the top-level environment
    files listed, and nothing when there are none?"""
    assert launch_environment_files(tmp_path) == []
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "requirements.txt").write_text("numpy\n", encoding="utf-8")
    (tmp_path / "environment.yml").write_text("name: x\n", encoding="utf-8")
    assert launch_environment_files(tmp_path) == [
        tmp_path / "binder" / "requirements.txt",
        tmp_path / "environment.yml",
    ]


@pytest.mark.parametrize(
    ("text", "installs"),
    [
        ("numpy==2.4.6\n-e .\n", True),
        ("numpy\n.\n", True),
        ("#!/bin/bash\npip install --no-deps .\n", True),
        ("numpy==2.4.6\nmatplotlib\njupytext\n", False),
        ("pip install numpy\n", False),
    ],
)
def test_installing_the_repository_is_recognised(text: str, installs: bool):
    """Is a requirements line or command that installs the repository
    itself (and so the instructor's packages) recognised?"""
    assert bool(INSTALLS_REPOSITORY.search(text)) is installs
