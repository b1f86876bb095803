"""Turn an assignment's MyST markdown source into nbgrader's source notebook.

The text source is what people review; the notebook is generated. Cells are
marked with short options instead of nbgrader's JSON metadata:

- a code cell with ``:tags: [solution]`` is a solution cell: nbgrader swaps
  the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` for a stub;
- a code cell with ``:tags: [test]``, ``:grade_id: test_<function>`` and
  ``:points: P`` is an autograded test; its visible part is a check on
  public inputs and the grader judges <function> on hidden inputs;
- a markdown cell with metadata ``{"tags": ["answer"], "grade_id": ...,
  "points": P}`` is a written answer graded by hand in the formgrader.

``__EXPECTED__("<function>")`` in a code cell becomes the reference outputs
of <function> on its public inputs, printed as a dict of arrays, so that the
visible forward checks compare against values the student can read.

Links to the book are written ``{book}/book/<chapter>.html#equation-<label>``;
``{book}`` becomes the book's configured address (html.baseurl in
_config.yml, see autograder.authoring.book_address), so that publishing the
book elsewhere moves every link of every notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import numpy as np

from autograder.authoring import book_address
from autograder.cases.references import REFERENCES
from autograder.course_checks.inputs import public_case, public_inputs
from autograder.course_checks.specs import SPECS

EXPECTED_PATTERN = re.compile(r'__EXPECTED__\("(\w+)"\)')
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


class SourceError(ValueError):
    """An assignment source that cannot become a notebook; says where."""


def expected_literal(function: str) -> str:
    """Python text of {output name: np.array(...)} for the reference outputs
    of `function` on its public inputs."""
    if function not in REFERENCES:
        raise SourceError(f'__EXPECTED__("{function}"): no graded function of that name')
    spec = SPECS[function]
    inputs = public_inputs(function)
    values = REFERENCES[function](inputs, public_case(function))
    entries = []
    for output, value in zip(spec.outputs, values, strict=True):
        text = np.array2string(
            np.asarray(value),
            precision=10,
            separator=", ",
            floatmode="maxprec",
            threshold=10_000,
            max_line_width=88,
        )
        entries.append(f'    "{output.name}": np.array({text}),')
    return "{\n" + "\n".join(entries) + "\n}"


def _nbgrader_metadata(cell, path: Path, index: int) -> dict | None:
    tags = set(cell.metadata.get("tags", []))
    grade_id = cell.metadata.pop("grade_id", None)
    points = cell.metadata.pop("points", None)
    where = f"{path.name}, cell {index}"
    if "solution" in tags:
        return {
            "grade": False,
            "solution": True,
            "locked": False,
            "grade_id": grade_id or f"solution-{index}",
            "schema_version": 3,
        }
    if "test" in tags or "answer" in tags:
        if not grade_id or points is None:
            raise SourceError(f"{where}: a test or answer cell needs :grade_id: and :points:")
        try:
            points = float(points)
        except (TypeError, ValueError):
            raise SourceError(f"{where}: :points: must be a number, got {points!r}") from None
        if "test" in tags:
            if not grade_id.startswith("test_") or grade_id[5:] not in REFERENCES:
                raise SourceError(
                    f"{where}: grade_id {grade_id!r} must be test_<function> for a graded "
                    f"function ({', '.join(sorted(REFERENCES))})"
                )
            return {
                "grade": True,
                "solution": False,
                "locked": True,
                "points": points,
                "grade_id": grade_id,
                "schema_version": 3,
            }
        return {
            "grade": True,
            "solution": True,
            "locked": False,
            "points": points,
            "grade_id": grade_id,
            "schema_version": 3,
            "task": False,
        }
    return None


def _fill_book_links(text: str, address: str, where: str) -> str:
    """`text` with its ``{book}`` links pointing at `address`; a link that
    spells the address out is an error, since it would not move with it."""
    if f"{address}/" in text:
        raise SourceError(
            f"{where}: links the book as {address}/...; write "
            f"{book_address.PLACEHOLDER}/... so that the link follows html.baseurl"
        )
    return book_address.fill_book_links(text, address)


def build_source_notebook(path: Path, book_url: str | None = None) -> nbformat.NotebookNode:
    """Read one MyST markdown assignment and return nbgrader's source
    notebook, its book links under `book_url` (default: the configured one)."""
    address = book_url or book_address.book_url()
    notebook = jupytext.read(path)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata.pop("jupytext", None)
    for index, cell in enumerate(notebook.cells):
        # Ids from the position, not random ones: an unchanged text source
        # gives the same notebook, so the same download and the same site.
        cell.id = f"cell-{index}"
        cell.source = _fill_book_links(cell.source, address, f"{path.name}, cell {index}")
        if cell.cell_type == "code":
            cell.source = EXPECTED_PATTERN.sub(lambda m: expected_literal(m.group(1)), cell.source)
        metadata = _nbgrader_metadata(cell, path, index)
        if metadata is not None:
            cell.metadata["nbgrader"] = metadata
            tags = [t for t in cell.metadata.get("tags", []) if t not in ("solution", "test")]
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
    nbformat.validate(notebook)
    return notebook
