"""A class of submissions for the similarity tests: honest students who each
solved the assignment their own way, and planted copies of some of them.

The honest students are the modules in honest/ (one style each) and the
instructor's source notebook handed in as is. A planted copy takes an
honest student's code and disguises it (tests/autograder/integrity/
rewrite.py). Every submission is the released notebook with the student's
functions in its solution cells, as a student hands it in.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course_checks.specs import SPECS
from autograder.integrity.similarity import defined_functions, notebook_code
from tests.autograder.integrity.rewrite import (
    recommented,
    reformatted,
    renamed,
    reordered,
    respelled,
)
from tests.autograder.redteam.notebooks import replace_solution

HONEST_DIR = Path(__file__).parent / "honest"
STYLES = {
    "a2_rnn": ("vectorised", "batch_loop", "einsum", "recompute"),
    "a3_lstm": ("vectorised", "batch_loop", "einsum", "preallocated"),
}
"""The honest styles of each assignment; the instructor's solutions make one more."""


@dataclass(frozen=True)
class Student:
    """One submission: the student's id, the honest student whose code it
    is (itself for an honest one) and the module source of its functions."""

    name: str
    original: str
    source: str


def graded_names(notebook) -> list[str]:
    """Graded functions the released notebook asks for, in order."""
    defined = defined_functions(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return [name for name in defined if name in SPECS]


def honest_students(assignment: str, source_notebook: Path) -> list[Student]:
    """The honest students: one per style, and "instructor", whose code is
    the source notebook's solutions."""
    students = [
        Student(style, style, (HONEST_DIR / f"{assignment}_{style}.py").read_text("utf-8"))
        for style in STYLES[assignment]
    ]
    cells = notebook_code(source_notebook.read_text(encoding="utf-8"))
    functions = defined_functions(cells)
    instructor = "\n\n\n".join(functions[name] for name in functions if name in SPECS)
    return [*students, Student("instructor", "instructor", instructor + "\n")]


REWRITTEN = {
    "a2_rnn": """
def output_backward(do, cache):
    h, V = cache
    dV = np.zeros(V.shape)
    for where in np.ndindex(do.shape[:-1]):
        dV += np.outer(do[where], h[where])
    return do @ V, dV, do.sum(axis=tuple(range(do.ndim - 1)))


def temporal_softmax_loss(o, y, mask=None):
    weight = np.ones(y.shape) if mask is None else mask.astype(float)
    shift = o - np.max(o, axis=2)[:, :, None]
    log_z = np.log(np.sum(np.exp(shift), axis=2))
    rows, cols = np.arange(o.shape[0])[:, None], np.arange(o.shape[1])[None, :]
    per_step = log_z - shift[rows, cols, y]
    grad = np.exp(shift - log_z[:, :, None])
    grad[rows, cols, y] -= 1
    n = o.shape[0]
    return float((per_step * weight).sum() / n), grad * weight[:, :, None] / n
""",
    "a3_lstm": """
def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    H = h_prev.shape[1]
    pre = np.concatenate([x, h_prev], axis=1) @ np.concatenate([U, W], axis=1).T + b
    i, f = sigmoid(pre[:, :H]), sigmoid(pre[:, H : 2 * H])
    g, o = np.tanh(pre[:, 2 * H : 3 * H]), sigmoid(pre[:, 3 * H :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, h_prev, c_prev, U, W, pre, c)


def lstm_forward(x, h0, c0, U, W, b):
    states, caches = [], []
    h, c = h0, c0
    for t in range(x.shape[1]):
        h, c, cache_t = lstm_step_forward(x[:, t, :], h, c, U, W, b)
        states.append(h)
        caches.append(cache_t)
    return np.stack(states, axis=1), caches
""",
}
"""Functions a copier wrote anew (in no honest student's style) in place of
the copied ones, keeping the copied code's caches."""


def with_rewritten(source: str, assignment: str) -> str:
    """`source` with the functions of REWRITTEN[assignment] replacing its own."""
    fresh = defined_functions([REWRITTEN[assignment]])
    tree = ast.parse(source)
    kept = [
        ast.get_source_segment(source, node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name not in fresh
    ]
    return "import numpy as np\n\n\n" + "\n\n\n".join([*kept, *fresh.values()]) + "\n"


PLANTS = {
    "copy_renamed": ("vectorised", lambda s, a: recommented(renamed(s, prefix="var"))),
    "copy_reordered": ("batch_loop", lambda s, a: reformatted(reordered(s))),
    "copy_everything": (
        "einsum",
        lambda s, a: recommented(reformatted(reordered(renamed(s, prefix="t")))),
    ),
    "copy_respelled": ("instructor", lambda s, a: renamed(respelled(s), prefix="w")),
    "copy_second": ("vectorised", lambda s, a: reordered(respelled(s))),
    "copy_partly_rewritten": ("einsum", lambda s, a: renamed(with_rewritten(s, a), prefix="p")),
}
"""Planted copies: {student: (whose code, disguise(source, assignment))}.
Two students copy the vectorised one, so three planted pairs share it; one
copier rewrites two functions of the einsum student's code."""


def planted_students(honest: list[Student], assignment: str) -> list[Student]:
    by_name = {s.name: s for s in honest}
    return [
        Student(name, original, disguise(by_name[original].source, assignment))
        for name, (original, disguise) in PLANTS.items()
    ]


def submission_notebook(release: Path, source: str) -> nbformat.NotebookNode:
    """The released notebook with each graded function's solution cell
    holding the student's definition of it."""
    notebook = nbformat.read(release, as_version=4)
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in graded_names(notebook):
            definition = ast.get_source_segment(source, node, padded=True)
            comments = _comments_before(source, node)
            notebook = replace_solution(notebook, node.name, comments + definition + "\n")
    return notebook


def _comments_before(source: str, node: ast.FunctionDef) -> str:
    """Comment lines right above a definition (a disguise may add them)."""
    lines = source.splitlines()[: node.lineno - 1]
    kept = []
    while lines and lines[-1].lstrip().startswith("#"):
        kept.insert(0, lines.pop())
    return "\n".join(kept) + "\n" if kept else ""


def write_class(course: Path, assignment: str, students: list[Student]) -> None:
    """submitted/<student>/<assignment>/<assignment>.ipynb for every student,
    built on course/release/<assignment>/<assignment>.ipynb."""
    release = course / "release" / assignment / f"{assignment}.ipynb"
    for student in students:
        folder = course / "submitted" / student.name / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission_notebook(release, student.source), folder / release.name)
