"""The mutation target: the instructor's implementations of the graded
functions, as students write them, extracted from the assignments' MyST
sources into one plain Python module per assignment.

Each module holds, in notebook order,

- the import statements of the notebook whose names the functions use;
- every function defined in a solution cell, with its signature and
  docstring (which students are given) marked ``# pragma: no mutate`` so
  that only the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  is mutated;
- every helper function of the notebook's other code cells that a solution
  function calls (``sigmoid`` in assignment 3), whole: students call it,
  so a mistake in it is a mistake in what they grade.

The text comes from jupytext's reading of ``assignments/<id>/<id>.md``, never
from a copy, so a change to an assignment changes the target.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext

from autograder.coursedir import DEFAULT_ASSIGNMENTS_DIR, DEFAULT_COURSE_DIR, Course
from tests.autograder.mutations.callgraph import BUILD, Target, analyse, referenced

COURSE = Course(DEFAULT_COURSE_DIR, DEFAULT_ASSIGNMENTS_DIR)
"""Where the assignments' text sources are (Course owns every path)."""
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NO_MUTATE = "  # pragma: no mutate"


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _solution_function(source: str) -> str:
    """A solution cell's text with every line outside its solution region
    (signature, docstring) marked not to be mutated."""
    if source.count(BEGIN) != 1 or source.count(END) != 1:
        raise ValueError(f"a solution cell needs exactly one solution region:\n{source}")
    tree = ast.parse(source)
    in_string = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            in_string.update(range(node.lineno, node.end_lineno + 1))
    lines = source.splitlines()
    begin = next(k for k, line in enumerate(lines) if line.strip() == BEGIN)
    end = next(k for k, line in enumerate(lines) if line.strip() == END)
    marked = []
    for index, line in enumerate(lines):
        outside = index < begin or index > end
        # A marker inside a string would change the docstring, not the code.
        if outside and line.strip() and (index + 1) not in in_string:
            line += NO_MUTATE
        marked.append(line)
    return "\n".join(marked)


def module_source(assignment: str) -> str:
    """The text of the generated module of one assignment."""
    notebook = jupytext.read(COURSE.text_source(assignment))
    imports: list[tuple[ast.stmt, str]] = []
    solutions: list[tuple[str, str]] = []  # (name, text)
    helpers: dict[str, str] = {}
    order: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or "test" in _tags(cell):
            continue
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                imports.append((node, ast.get_source_segment(cell.source, node)))
        defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        if "solution" in _tags(cell):
            if len(defs) != 1:
                raise ValueError(f"a solution cell defines {len(defs)} functions (expected one)")
            solutions.append((defs[0].name, _solution_function(cell.source)))
            order.append(defs[0].name)
        else:
            for node in defs:
                helpers[node.name] = ast.get_source_segment(cell.source, node)
                order.append(node.name)
    texts = dict(solutions)
    # Helpers the solutions reach, directly or through other helpers.
    needed: set[str] = set()
    frontier = set().union(*(referenced(ast.parse(t)) for t in texts.values()))
    while frontier & (helpers.keys() - needed):
        new = frontier & (helpers.keys() - needed)
        needed |= new
        frontier = set().union(*(referenced(ast.parse(helpers[n])) for n in new))
    texts.update({name: helpers[name] for name in needed})
    body = [texts[name] for name in order if name in texts]
    used = set().union(*(referenced(ast.parse(text)) for text in body))
    header = [
        f'"""Generated from assignments/{assignment}/{assignment}.md by '
        'tests/autograder/mutations/extract.py: do not edit."""',
        "",
    ]
    for node, text in imports:
        bound = {alias.asname or alias.name.split(".")[0] for alias in node.names}
        if bound & used:
            header.append(text + NO_MUTATE)
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(body) + "\n"


def module_path(assignment: str, build: Path = BUILD) -> Path:
    return build / f"student_{assignment}.py"


def targets(build: Path = BUILD) -> list[Target]:
    """Every assignment's target, in memory (nothing written)."""
    return [
        analyse(assignment, module_source(assignment), module_path(assignment, build))
        for assignment in COURSE.authored_assignments()
    ]


def build_targets(build: Path = BUILD) -> list[Target]:
    """Write every assignment's module (and a pristine copy the per-mutant
    check diffs against) under `build`; return them."""
    built = targets(build)
    (build / "pristine").mkdir(parents=True, exist_ok=True)
    for target in built:
        target.path.write_text(target.source)
        (build / "pristine" / target.path.name).write_text(target.source)
    return built
