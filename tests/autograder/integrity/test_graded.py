"""The graded solutions as read from the assignments' text sources."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from autograder.course_checks.specs import SPECS
from autograder.coursedir import DEFAULT_ASSIGNMENTS_DIR
from autograder.integrity.graded import GradedSourceError, given_statements, read_solutions

HEADER = "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n---\n"


def test_every_graded_function_with_a_test_cell_has_its_solution():
    """Is a solution read for every function that a test cell of an
    assignment grades, and for nothing that SPECS does not name?"""
    tested = set()
    for path in DEFAULT_ASSIGNMENTS_DIR.glob("*/*.md"):
        tested |= set(re.findall(r":grade_id: test_(\w+)", path.read_text(encoding="utf-8")))
    solutions = read_solutions(DEFAULT_ASSIGNMENTS_DIR)
    assert {s.function for s in solutions} == tested
    assert tested <= set(SPECS)
    step = next(s for s in solutions if s.function == "rnn_step_backward")
    assert step.assignment == "a2_rnn"
    assert "dU = da.T @ x" in [st.source for st in step.statements]


def test_the_release_gives_signatures_stubs_and_visible_checks_not_solutions():
    """Do the given statements hold the stubs and visible checks, and none
    of the statements inside a solution region?"""
    given = [st.source for st in given_statements(DEFAULT_ASSIGNMENTS_DIR)]
    assert "raise NotImplementedError()" in given
    assert "check_gradients(rnn_step_forward, rnn_step_backward)" in given
    assert "dU = da.T @ x" not in given


def write_assignment(root: Path, cell: str) -> Path:
    folder = root / "a9_demo"
    folder.mkdir()
    cell_block = "```{code-cell} ipython3\n:tags: [solution]\n\n" + cell + "```\n"
    (folder / "a9_demo.md").write_text(HEADER + "\n# Demo\n\n" + cell_block, encoding="utf-8")
    return folder / "a9_demo.md"


def test_a_region_outside_any_function_is_an_error_that_says_where(tmp_path: Path):
    """Is a solution region that belongs to no function reported with the
    file and line, rather than skipped?"""
    write_assignment(tmp_path, "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n")
    with pytest.raises(GradedSourceError, match=r"a9_demo\.md: a solution region \(line 2\)"):
        read_solutions(tmp_path)


def test_regions_of_functions_that_are_not_graded_are_left_out(tmp_path: Path):
    """Is a solution region inside a helper the grader does not grade left
    out, so that a folder with nothing graded is an error naming it?"""
    helper = textwrap.dedent(
        """\
        def helper(a):
            ### BEGIN SOLUTION
            return a @ a.T
            ### END SOLUTION
        """
    )
    write_assignment(tmp_path, helper)
    with pytest.raises(GradedSourceError, match="holds no graded solution"):
        read_solutions(tmp_path)
