"""From an assignment's MyST text to nbgrader's source notebook: the role
of every cell, the errors a bad source gets, and the expected values."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.authoring.source_notebook import SourceError, build_source_notebook
from autograder.cases.references import REFERENCES
from autograder.coursedir import DEFAULT_COURSE_DIR, Course

COURSE = Course(DEFAULT_COURSE_DIR)


def _front_matter(path: Path) -> str:
    """The YAML header of a MyST file, closing line included."""
    text = path.read_text(encoding="utf-8")
    return text[: text.index("\n---\n", 3) + 5]


HEADER = _front_matter(COURSE.text_source("a1_softmax"))
"""The course's own MyST header, as every assignment starts."""


def _source(tmp_path: Path, body: str, name: str = "a9_demo.md") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def _code_cell(options: str, code: str) -> str:
    return f"\n```{{code-cell}} ipython3\n{options}\n\n{code}\n```\n"


SOLUTION = _code_cell(
    ":tags: [solution]",
    "def softmax(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
)
TEST = _code_cell(
    ":tags: [test, hide-output]\n:grade_id: test_softmax\n:points: 2",
    "check_forward(softmax, {})",
)
ANSWER = '\n+++ {"tags": ["answer"], "grade_id": "written_part", "points": 3}\n\nYOUR ANSWER\n'


def test_each_cell_gets_the_nbgrader_role_its_options_give(tmp_path):
    """Solution, autograded test and hand-graded answer: does each cell get
    nbgrader's metadata, lose the role tags, keep its other tags, and does
    every other cell stay an ordinary cell?"""
    path = _source(tmp_path, "# Demo\n" + SOLUTION + TEST + ANSWER)
    notebook = build_source_notebook(path)
    roles = [(cell.cell_type, cell.metadata.get("nbgrader")) for cell in notebook.cells]
    assert roles == [
        ("markdown", None),
        (
            "code",
            {
                "grade": False,
                "solution": True,
                "locked": False,
                "grade_id": "solution-1",
                "schema_version": 3,
            },
        ),
        (
            "code",
            {
                "grade": True,
                "solution": False,
                "locked": True,
                "points": 2.0,
                "grade_id": "test_softmax",
                "schema_version": 3,
            },
        ),
        (
            "markdown",
            {
                "grade": True,
                "solution": True,
                "locked": False,
                "points": 3.0,
                "grade_id": "written_part",
                "schema_version": 3,
                "task": False,
            },
        ),
    ]
    tags = [cell.metadata.get("tags") for cell in notebook.cells]
    assert tags == [None, None, ["hide-output"], ["answer"]]
    assert all("grade_id" not in cell.metadata for cell in notebook.cells)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in notebook.metadata
    nbformat.validate(notebook)


def test_a_solution_cell_may_name_its_grade_id(tmp_path):
    path = _source(tmp_path, _code_cell(":tags: [solution]\n:grade_id: my_solution", "x = 1"))
    assert build_source_notebook(path).cells[0].metadata.nbgrader["grade_id"] == "my_solution"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ":tags: [test]\n:grade_id: test_softmax",
            "a test or answer cell needs :grade_id: and :points:",
        ),
        (":tags: [test]\n:points: 1", "a test or answer cell needs :grade_id: and :points:"),
        (
            ":tags: [test]\n:grade_id: test_softmax\n:points: many",
            ":points: must be a number, got 'many'",
        ),
        (
            ":tags: [test]\n:grade_id: check_softmax\n:points: 1",
            "grade_id 'check_softmax' must be test_<function> for a graded function (",
        ),
        (
            ":tags: [test]\n:grade_id: test_no_such_function\n:points: 1",
            "grade_id 'test_no_such_function' must be test_<function> for a graded function (",
        ),
    ],
    ids=[
        "no-points",
        "no-grade-id",
        "points-not-a-number",
        "not-test-prefixed",
        "unknown-function",
    ],
)
def test_a_test_cell_with_bad_options_names_the_file_and_cell(tmp_path, options, message):
    path = _source(tmp_path, "# Demo\n" + SOLUTION + _code_cell(options, "pass"))
    with pytest.raises(SourceError) as raised:
        build_source_notebook(path)
    assert str(raised.value).startswith(f"a9_demo.md, cell 2: {message}")


def test_an_answer_cell_without_points_is_an_error(tmp_path):
    path = _source(tmp_path, '+++ {"tags": ["answer"], "grade_id": "w"}\n\ntext\n')
    with pytest.raises(SourceError) as raised:
        build_source_notebook(path)
    assert str(raised.value).startswith("a9_demo.md, cell 0: a test or answer cell needs")


def test_the_list_of_graded_functions_is_in_the_message(tmp_path):
    """Does the grade_id error list the functions that can be graded?"""
    path = _source(tmp_path, _code_cell(":tags: [test]\n:grade_id: test_x\n:points: 1", "pass"))
    with pytest.raises(SourceError) as raised:
        build_source_notebook(path)
    assert ", ".join(sorted(REFERENCES)) in str(raised.value)


def test_expected_values_are_written_into_the_cell(tmp_path):
    """Is __EXPECTED__("softmax") replaced by a dict of arrays that NumPy
    reads back, each row a probability distribution?"""
    path = _source(tmp_path, _code_cell("", 'expected = __EXPECTED__("softmax")'))
    source = build_source_notebook(path).cells[0].source
    assert "__EXPECTED__" not in source
    namespace = {"np": np}
    exec(source, namespace)
    expected = namespace["expected"]
    assert isinstance(expected, dict) and expected
    for values in expected.values():
        assert values.dtype == np.float64 and values.ndim == 2 and values.shape[0] > 1
        np.testing.assert_allclose(values.sum(axis=1), 1.0, rtol=1e-9)
        assert np.all(values > 0)


def test_expected_values_of_an_unknown_function_are_an_error(tmp_path):
    path = _source(tmp_path, _code_cell("", 'expected = __EXPECTED__("softmaxx")'))
    with pytest.raises(SourceError) as raised:
        build_source_notebook(path)
    assert str(raised.value) == '__EXPECTED__("softmaxx"): no graded function of that name'


@pytest.mark.parametrize("assignment", COURSE.authored_assignments())
def test_every_assignment_of_the_course_builds(assignment):
    """Does each real assignment build, every test cell naming a graded
    function, with no __EXPECTED__ left?"""
    notebook = build_source_notebook(COURSE.text_source(assignment))
    tests = [
        cell.metadata.nbgrader["grade_id"]
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code"
    ]
    assert tests and all(grade_id[5:] in REFERENCES for grade_id in tests)
    assert not any("__EXPECTED__" in cell.source for cell in notebook.cells)
