"""Editing assignment 1's notebooks cell by cell, as a student (or an attacker) would.

Every function takes a notebook (nbformat v4 node) and returns a changed deep
copy, so one released notebook can seed many submissions.
"""

from __future__ import annotations

import copy
import re

import nbformat
from nbformat.v4 import new_code_cell

ASSIGNMENT = "a1_softmax"

POINTS = {
    "rel_error": 1.0,
    "numerical_gradient": 2.0,
    "softmax": 1.0,
    "softmax_jacobian": 1.0,
    "softmax_cross_entropy": 2.0,
}
"""Points of each graded function of assignment 1 (its test cells' points)."""

FULL_MARKS = sum(POINTS.values())


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_cell_index(notebook, function: str) -> int:
    """Index of the grade cell ``test_<function>``."""
    for index, cell in enumerate(notebook.cells):
        if _nbgrader(cell).get("grade_id") == f"test_{function}":
            return index
    raise LookupError(f"no test cell for {function}")


def solution_cell_index(notebook, function: str) -> int:
    """Index of the solution cell that defines `function`."""
    for index, cell in enumerate(notebook.cells):
        if _nbgrader(cell).get("solution") and re.search(
            rf"^def {function}\(", cell.source, re.MULTILINE
        ):
            return index
    raise LookupError(f"no solution cell defines {function}")


def grade_cell_indices(notebook) -> list[int]:
    """Indices of every grade cell, in notebook order."""
    return [i for i, cell in enumerate(notebook.cells) if _nbgrader(cell).get("grade")]


def insert_cell(notebook, index: int, source: str):
    """A copy with a new code cell at `index` (negative: from the end, -1 appends)."""
    changed = copy.deepcopy(notebook)
    position = len(changed.cells) + 1 + index if index < 0 else index
    changed.cells.insert(position, new_code_cell(source))
    return changed


def after_imports(notebook, source: str):
    """A copy with a code cell right after the notebook's import cell (before any
    solution or test cell)."""
    first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    return insert_cell(notebook, first_code + 1, source)


def after_test(notebook, function: str, source: str):
    """A copy with a code cell right after the test cell of `function`."""
    return insert_cell(notebook, grade_cell_index(notebook, function) + 1, source)


def replace_solution(notebook, function: str, source: str):
    """A copy whose solution cell for `function` holds `source` instead."""
    changed = copy.deepcopy(notebook)
    changed.cells[solution_cell_index(changed, function)].source = source
    return changed


def edit_test_cells(notebook, edit) -> object:
    """A copy where `edit(cell)` was applied to every grade cell (in place)."""
    changed = copy.deepcopy(notebook)
    for index in grade_cell_indices(changed):
        edit(changed.cells[index])
    return changed


def delete_cells(notebook, indices) -> object:
    """A copy without the cells at `indices`."""
    changed = copy.deepcopy(notebook)
    dropped = set(indices)
    changed.cells = [cell for i, cell in enumerate(changed.cells) if i not in dropped]
    return changed


def after_each_solution(notebook, template: str):
    """A copy with a code cell after every graded function's solution cell;
    `template` is formatted with ``name`` (the function's name)."""
    changed = copy.deepcopy(notebook)
    for function in sorted(POINTS, key=lambda f: -solution_cell_index(notebook, f)):
        index = solution_cell_index(changed, function)
        changed.cells.insert(index + 1, new_code_cell(template.format(name=function)))
    return changed


def printed_expected_values(notebook) -> dict[str, str]:
    """The literal ``{...}`` dict each visible check prints for its function,
    as source text: {function: "{'S': np.array(...)}"}."""
    found = {}
    for function in POINTS:
        source = notebook.cells[grade_cell_index(notebook, function)].source
        match = re.search(r"\{\n.*?\n\}", source, re.DOTALL)
        if match:
            found[function] = match.group(0)
    return found


def dumps(notebook) -> bytes:
    """The notebook as the bytes of an .ipynb file."""
    return nbformat.writes(notebook).encode("utf-8")
