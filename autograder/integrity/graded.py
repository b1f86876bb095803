"""The graded solutions, read from the assignments' text sources.

A graded solution is the ``### BEGIN SOLUTION`` ... ``### END SOLUTION``
region of a solution cell, inside the definition of a function that the
grader grades (a key of ``autograder.course_checks.specs.SPECS``). What the
release gives every student around those regions (the signatures and
docstrings of the solution cells, the visible checks of the test cells)
is collected too: nobody copies an answer from it.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jupytext

from autograder.course_checks.specs import SPECS
from autograder.integrity.normalize import Statement, statements_of

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_REGION = re.compile(
    rf"^(?P<indent>[ \t]*){re.escape(BEGIN)}[^\n]*\n(?P<body>.*?)^[ \t]*{re.escape(END)}[^\n]*$",
    re.MULTILINE | re.DOTALL,
)
_HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*$",
    re.MULTILINE | re.DOTALL,
)


class GradedSourceError(ValueError):
    """An assignment source whose solutions cannot be read; says where."""


@dataclass(frozen=True)
class GradedSolution:
    """The solution of one graded function.

    assignment: e.g. "a2_rnn". function: e.g. "rnn_step_backward".
    statements: the statements of its solution region, in normal form.
    source: the region's text as written, dedented to the function body.
    """

    assignment: str
    function: str
    statements: tuple[Statement, ...]
    source: str


def graded_functions() -> frozenset[str]:
    """Names of the functions the grader grades: the keys of SPECS."""
    return frozenset(SPECS)


def _cells(path: Path, tag: str) -> list[str]:
    notebook = jupytext.read(path)
    return [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", [])
    ]


def _solution_statements(cell: str, path: Path) -> list[tuple[str, list[Statement], str]]:
    """(function, statements of its solution region, region text) for each
    region of a cell."""
    try:
        tree = ast.parse(cell)
    except SyntaxError as error:
        raise GradedSourceError(f"{path}: a solution cell does not parse: {error}") from None
    found = []
    for region in _REGION.finditer(cell):
        first = cell.count("\n", 0, region.start("body")) + 1
        last = cell.count("\n", 0, region.end("body"))
        owner = next(
            (
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.lineno < first <= node.end_lineno
            ),
            None,
        )
        if owner is None:
            raise GradedSourceError(f"{path}: a solution region (line {first}) is in no function")
        body = [node for node in owner.body if first <= node.lineno <= last]
        arguments = {a.arg for a in owner.args.args + owner.args.kwonlyargs}
        statements = statements_of(ast.Module(body=body, type_ignores=[]), frozenset(arguments))
        found.append((owner.name, statements, textwrap.dedent(region["body"])))
    return found


def read_solutions(assignments_dir: Path) -> list[GradedSolution]:
    """The graded solutions of every assignment under `assignments_dir`
    (``<id>/<id>.md``), in assignment and cell order. Regions inside
    functions that are not graded are left out."""
    graded = graded_functions()
    solutions = []
    for path in sorted(Path(assignments_dir).glob("*/*.md")):
        if path.stem != path.parent.name:
            continue
        for cell in _cells(path, "solution"):
            for function, statements, source in _solution_statements(cell, path):
                if function in graded:
                    solutions.append(
                        GradedSolution(path.stem, function, tuple(statements), source)
                    )
    if not solutions:
        raise GradedSourceError(
            f"{assignments_dir} holds no graded solution: expected <id>/<id>.md files with "
            f"{BEGIN} ... {END} regions in functions named in SPECS"
        )
    return solutions


def given_statements(assignments_dir: Path) -> list[Statement]:
    """What every release shows around the solutions: the solution cells
    without their regions (signatures, docstrings, stubs) and the visible
    part of the test cells."""
    given = []
    for path in sorted(Path(assignments_dir).glob("*/*.md")):
        if path.stem != path.parent.name:
            continue
        cells = [
            _REGION.sub(lambda m: m["indent"] + "raise NotImplementedError()", c)
            for c in _cells(path, "solution")
        ]
        cells += [_HIDDEN.sub("", c) for c in _cells(path, "test")]
        for cell in cells:
            try:
                given.extend(statements_of(ast.parse(cell)))
            except SyntaxError:
                continue  # a visible check with a placeholder such as __EXPECTED__ still parses
    return given
