"""Submissions for the cost check: a module of Python source made into the
notebook a student hands in.

A submission starts from the instructor's source notebook of its assignment
(cut after the last test cell, as tests/autograder/mutations does), so
every function it does not define keeps the instructor's solution. Each
graded function the module defines replaces that function's solution cell;
everything else in the module (imports, helpers, statements) goes into one
cell right after the notebook's import cell, where a student would put
helpers of their own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course_checks.specs import SPECS
from tests.autograder.mutations.submissions import without_trailing_cells
from tests.autograder.redteam.notebooks import after_imports, replace_solution

HONEST_DIR = Path(__file__).resolve().parent.parent / "integrity" / "honest"
SLOW_DIR = Path(__file__).resolve().parent / "slow_honest"
NUMERICAL_DIR = Path(__file__).resolve().parent / "numerical"


@dataclass(frozen=True)
class Submission:
    """One student of a cost batch.

    student: the student id (letters and digits only).
    assignment: e.g. "a2_rnn".
    paths: the modules its code comes from, in order (a later module's
        graded function replaces an earlier one's); none: the
        instructor's notebook as it is.
    picks: (function, module) pairs: that function is the module's
        (whose other code is included too), whatever the paths define.
    """

    student: str
    assignment: str
    paths: tuple[Path, ...] = ()
    picks: tuple[tuple[str, Path], ...] = ()


def split_module(source: str) -> tuple[dict[str, str], str]:
    """({graded function: its definition}, the rest of the module) of a
    module's source; the module docstring is dropped."""
    tree = ast.parse(source)
    lines = source.splitlines()
    graded: dict[str, str] = {}
    rest: list[str] = []
    for index, node in enumerate(tree.body):
        segment = "\n".join(lines[_first_line(node) - 1 : node.end_lineno])
        if isinstance(node, ast.FunctionDef) and node.name in SPECS:
            graded[node.name] = segment + "\n"
        elif not (index == 0 and _is_docstring(node)):
            rest.append(segment)
    return graded, "\n\n\n".join(rest) + "\n"


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def submission_notebook(source_notebook, paths: tuple[Path, ...], picks=()):
    """The instructor's source notebook, trimmed, with the graded functions
    of the modules at `paths` (then the picked ones) in their solution
    cells and the modules' other code in one cell after the imports."""
    notebook = without_trailing_cells(source_notebook)
    graded: dict[str, str] = {}
    helpers: list[str] = []
    for path in paths:
        functions, rest = split_module(path.read_text(encoding="utf-8"))
        graded.update(functions)
        helpers.append(rest)
    for name, path in picks:
        functions, rest = split_module(path.read_text(encoding="utf-8"))
        graded[name] = functions[name]
        if rest not in helpers:
            helpers.append(rest)
    for name, definition in graded.items():
        notebook = replace_solution(notebook, name, definition)
    if "".join(helpers).strip():
        notebook = after_imports(notebook, "\n\n".join(h.strip() for h in helpers) + "\n")
    nbformat.validate(notebook)
    return notebook


def write_batch(course: Path, folder: Path, submissions: list[Submission]) -> None:
    """<folder>/<student>_<assignment>.ipynb for every submission, built on
    course/source/<assignment>/<assignment>.ipynb."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = {}
    for submission in submissions:
        assignment = submission.assignment
        if assignment not in sources:
            path = course / "source" / assignment / f"{assignment}.ipynb"
            sources[assignment] = nbformat.read(path, as_version=4)
        notebook = submission_notebook(sources[assignment], submission.paths, submission.picks)
        nbformat.write(notebook, folder / f"{submission.student}_{assignment}.ipynb")
