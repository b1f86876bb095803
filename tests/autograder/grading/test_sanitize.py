"""RestoreGradingMetadata: every cell's role comes from a real gradebook,
whatever the submitted notebook's metadata claims."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from autograder.grading.sanitize import RestoreGradingMetadata
from tests.autograder.gradebooks import COURSE_ID

NOTEBOOK = "a1_softmax"


@pytest.fixture
def gradebook_url(new_course) -> str:
    """A gradebook that knows one test (2 points, locked), one solution, one
    written answer (3 points) and one task (1 point)."""
    course = new_course()
    with Gradebook(course.gradebook_url, COURSE_ID) as gradebook:
        gradebook.add_assignment(NOTEBOOK)
        gradebook.add_notebook(NOTEBOOK, NOTEBOOK)

        def source(name, cell_type, locked, checksum):
            gradebook.add_source_cell(
                name, NOTEBOOK, NOTEBOOK, cell_type=cell_type, locked=locked,
                source=f"source of {name}", checksum=checksum,
            )  # fmt: skip

        gradebook.add_grade_cell("test_softmax", NOTEBOOK, NOTEBOOK, max_score=2, cell_type="code")
        source("test_softmax", "code", True, "c0ffee")
        gradebook.add_solution_cell("softmax_solution", NOTEBOOK, NOTEBOOK)
        source("softmax_solution", "code", False, "")
        gradebook.add_grade_cell("written", NOTEBOOK, NOTEBOOK, max_score=3, cell_type="markdown")
        gradebook.add_solution_cell("written", NOTEBOOK, NOTEBOOK)
        source("written", "markdown", False, "")
        gradebook.add_task_cell("task", NOTEBOOK, NOTEBOOK, max_score=1, cell_type="markdown")
        source("task", "markdown", True, "")
    return course.gradebook_url


def _restore(gradebook_url: str, cells: list) -> list:
    """The cells' nbgrader metadata after RestoreGradingMetadata."""
    notebook = new_notebook(cells=copy.deepcopy(cells))
    resources = {
        "nbgrader": {"db_url": gradebook_url, "notebook": NOTEBOOK, "assignment": NOTEBOOK}
    }
    restored, _ = RestoreGradingMetadata().preprocess(notebook, resources)
    return [cell.metadata.get("nbgrader") for cell in restored.cells]


def _role(**flags) -> dict:
    role = {"grade": False, "solution": False, "task": False, "locked": False, "schema_version": 3}
    return {**role, **flags}


TEST_ROLE = _role(grade_id="test_softmax", grade=True, locked=True, points=2.0, checksum="c0ffee")


def test_roles_the_gradebook_knows_are_put_back_as_the_instructor_wrote_them(gradebook_url):
    """A test made editable and worth 100, a solution turned into a test:
    do both get their instructor's roles and points back, and do the answer
    and the task keep theirs?"""
    cells = [
        new_code_cell(metadata={"nbgrader": {"grade_id": "test_softmax", "grade": True,
                                             "locked": False, "points": 100}}),
        new_code_cell(metadata={"nbgrader": {"grade_id": "softmax_solution", "grade": True,
                                             "solution": True, "points": 100}}),
        new_markdown_cell(metadata={"nbgrader": {"grade_id": "written", "points": 30}}),
        new_markdown_cell(metadata={"nbgrader": {"grade_id": "task", "task": False}}),
    ]  # fmt: skip
    assert _restore(gradebook_url, cells) == [
        TEST_ROLE,
        _role(grade_id="softmax_solution", solution=True),
        _role(grade_id="written", grade=True, solution=True, points=3.0),
        _role(grade_id="task", task=True, locked=True, points=1.0),
    ]


def test_copies_strangers_and_malformed_metadata_become_ordinary_cells(gradebook_url):
    """A pasted second copy of a test, an id the gradebook does not know,
    an empty nbgrader dict and one that is not a dict: does each lose its
    nbgrader metadata (and only that), while a plain cell is untouched?"""
    cells = [
        new_code_cell(metadata={"nbgrader": {"grade_id": "test_softmax", "grade": True}}),
        new_code_cell(metadata={"nbgrader": {"grade_id": "test_softmax", "grade": True},
                                "tags": ["mine"]}),
        new_code_cell(metadata={"nbgrader": {"grade_id": "test_bonus", "grade": True,
                                             "points": 50}}),
        new_code_cell(metadata={"nbgrader": {}}),
        new_code_cell(metadata={"nbgrader": "grade me"}),
        new_code_cell("x = 1", metadata={"tags": ["plain"]}),
    ]  # fmt: skip
    assert _restore(gradebook_url, cells) == [TEST_ROLE, None, None, None, None, None]
    notebook = new_notebook(cells=copy.deepcopy(cells))
    resources = {
        "nbgrader": {"db_url": gradebook_url, "notebook": NOTEBOOK, "assignment": NOTEBOOK}
    }
    restored, _ = RestoreGradingMetadata().preprocess(notebook, resources)
    assert restored.cells[1].metadata == {"tags": ["mine"]}
    assert restored.cells[5] == cells[5]
    nbformat.validate(restored)


def test_a_role_from_another_notebook_is_not_borrowed(gradebook_url):
    """Does a grade_id known only in another notebook count as unknown here?"""
    cells = [new_code_cell(metadata={"nbgrader": {"grade_id": "test_softmax", "grade": True}})]
    notebook = new_notebook(cells=cells)
    resources = {
        "nbgrader": {"db_url": gradebook_url, "notebook": "other", "assignment": NOTEBOOK}
    }
    restored, _ = RestoreGradingMetadata().preprocess(notebook, resources)
    assert "nbgrader" not in restored.cells[0].metadata
