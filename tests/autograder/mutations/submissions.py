"""Mutant submissions: the instructor's source notebook with one mistake in
it, cut short after the last test cell."""

from __future__ import annotations

import copy
import re

import nbformat

from tests.autograder.mutations.catalogue import Mutant

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell) -> bool:
    """An autograded test cell: a code grade cell that is not a solution."""
    info = _nbgrader(cell)
    return cell.cell_type == "code" and info.get("grade") and not info.get("solution")


def solution_cell_index(notebook, function: str) -> int:
    """Index of the one solution cell that defines `function`."""
    found = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and _nbgrader(cell).get("solution")
        and re.search(rf"^def {re.escape(function)}\(", cell.source, re.MULTILINE)
    ]
    if len(found) != 1:
        raise ValueError(f"{len(found)} solution cells define {function} (expected one)")
    return found[0]


def mutate_source(source: str, mutant: Mutant) -> str:
    """A solution cell's source with the mistake made inside its solution
    region; the text outside the region is kept as it is."""
    if source.count(BEGIN) != 1 or source.count(END) != 1:
        raise ValueError(f"the solution of {mutant.function} needs one solution region")
    head, rest = source.split(BEGIN)
    region, tail = rest.split(END)
    return head + BEGIN + mutant.apply(region) + END + tail


def without_trailing_cells(notebook):
    """The notebook without the cells after its last test cell that are
    neither solution nor grade cells (the training run of assignment 2, the
    experiment of assignment 3): a student who deletes them loses no points,
    and grading runs faster. Every graded and solution cell is kept."""
    last_test = max(index for index, cell in enumerate(notebook.cells) if is_test_cell(cell))
    trimmed = copy.deepcopy(notebook)
    trimmed.cells = [
        cell
        for index, cell in enumerate(trimmed.cells)
        if index <= last_test or _nbgrader(cell).get("solution") or _nbgrader(cell).get("grade")
    ]
    return trimmed


def mutant_notebook(source_notebook, mutant: Mutant | None):
    """The trimmed source notebook, with `mutant`'s mistake made in it
    (none for the unmutated control)."""
    notebook = without_trailing_cells(source_notebook)
    if mutant is not None:
        cell = notebook.cells[solution_cell_index(notebook, mutant.function)]
        cell.source = mutate_source(cell.source, mutant)
    nbformat.validate(notebook)
    return notebook
