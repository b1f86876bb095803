"""The generated modules' functions and their call graph: which hidden
tests a change in one function can affect. (No jupytext here: the
per-mutant check imports this, and must start fast.)"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from autograder.course_checks.specs import SPECS

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "_build" / "mutation"
"""Where the modules, the reference cache, the sessions and the report go."""


@dataclass(frozen=True)
class Target:
    """One assignment's generated module.

    assignment: the assignment id; path: where the module is written;
    source: its text; functions: {function name: (first line, last line)}
    of every function in it, 1-based and inclusive; calls: {function name:
    names of the module's functions it refers to}.
    """

    assignment: str
    path: Path
    source: str
    functions: dict[str, tuple[int, int]]
    calls: dict[str, frozenset[str]]

    def function_at(self, line: int) -> str | None:
        """The function whose text holds `line` (1-based), if any."""
        for name, (first, last) in self.functions.items():
            if first <= line <= last:
                return name
        return None

    def callers(self, changed: Iterable[str]) -> set[str]:
        """Every function of the module that runs code of a `changed`
        function: the changed ones and, transitively, all that call them."""
        reached = set(changed)
        grew = True
        while grew:
            grew = False
            for name, called in self.calls.items():
                if name not in reached and called & reached:
                    reached.add(name)
                    grew = True
        return reached

    def graded(self) -> list[str]:
        """The graded functions (those with a spec) the module defines."""
        return [name for name in self.functions if name in SPECS]

    def affected_tests(self, changed: Iterable[str]) -> list[str]:
        """The hidden tests a change of the `changed` functions can alter:
        those whose calls (the function and, for a backward, its forward)
        run code of a changed function."""
        reached = self.callers(changed)
        return [name for name in self.graded() if any(f in reached for f in SPECS[name].functions)]


def referenced(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def analyse(assignment: str, source: str, path: Path) -> Target:
    """The functions of a module's text and which call which."""
    tree = ast.parse(source)
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    names = {node.name for node in defs}
    lines = source.splitlines()

    def last_line(node: ast.FunctionDef) -> int:
        # The function's trailing comments (### END SOLUTION) are its text too.
        last = node.end_lineno
        while last < len(lines) and lines[last].strip().startswith("#"):
            last += 1
        return last

    return Target(
        assignment,
        path,
        source,
        {node.name: (node.lineno, last_line(node)) for node in defs},
        {node.name: frozenset((referenced(node) & names) - {node.name}) for node in defs},
    )


def pristine_target(mutated_path: Path) -> Target:
    """The unmutated target of a module written by build_targets."""
    pristine = mutated_path.parent / "pristine" / mutated_path.name
    assignment = mutated_path.stem.removeprefix("student_")
    return analyse(assignment, pristine.read_text(), mutated_path)
