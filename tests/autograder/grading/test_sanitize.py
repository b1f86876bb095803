"""RestoreGradingMetadata: every cell's role comes from a real gradebook,
whatever the submitted notebook's metadata claims; OverwriteCellsStably: a
deleted test cell comes back with the same id every time."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from autograder.grading.sanitize import OverwriteCellsStably, RestoreGradingMetadata
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


def test_a_deleted_test_cell_comes_back_with_the_same_valid_id_every_time(gradebook_url):
    """Graded twice, does a notebook without its test cell (and its task)
    get the cells back with one id each, named after the test, valid for
    nbformat and distinct from a student's cell that already has that name?"""
    cells = [
        new_code_cell("x = 1", id="restored-test_softmax"),  # a student's own cell
        new_code_cell("def softmax(z): ...", metadata={"nbgrader": _role(
            grade_id="softmax_solution", solution=True)}),
        new_markdown_cell("my answer", metadata={"nbgrader": _role(
            grade_id="written", grade=True, solution=True, points=3.0)}),
    ]  # fmt: skip
    resources = {
        "nbgrader": {"db_url": gradebook_url, "notebook": NOTEBOOK, "assignment": NOTEBOOK}
    }
    graded = []
    for _ in range(2):
        notebook = new_notebook(cells=copy.deepcopy(cells))
        restored, _ = OverwriteCellsStably(add_missing_cells=True).preprocess(
            notebook, copy.deepcopy(resources)
        )
        nbformat.validate(nbformat.from_dict(restored))
        graded.append([cell["id"] for cell in restored.cells])
    assert graded[0] == graded[1]
    assert "restored-test_softmax-2" in graded[0] and "restored-task" in graded[0]
    assert len(set(graded[0])) == len(graded[0])


@pytest.fixture
def two_tests_gradebook_url(new_course) -> str:
    """A gradebook whose release reads: a locked introduction, the softmax
    solution and its test (2 points), the loss solution and its test (3)."""
    course = new_course()
    with Gradebook(course.gradebook_url, COURSE_ID) as gradebook:
        gradebook.add_assignment(NOTEBOOK)
        gradebook.add_notebook(NOTEBOOK, NOTEBOOK)
        for name, kind, points in (
            ("intro", "markdown", None),
            ("softmax_solution", "solution", None),
            ("test_softmax", "grade", 2),
            ("loss_solution", "solution", None),
            ("test_loss", "grade", 3),
        ):
            if kind == "grade":
                gradebook.add_grade_cell(
                    name, NOTEBOOK, NOTEBOOK, max_score=points, cell_type="code"
                )
            if kind == "solution":
                gradebook.add_solution_cell(name, NOTEBOOK, NOTEBOOK)
            gradebook.add_source_cell(
                name, NOTEBOOK, NOTEBOOK, cell_type="markdown" if name == "intro" else "code",
                locked=kind != "solution", source=f"source of {name}", checksum="",
            )  # fmt: skip
    return course.gradebook_url


def _overwrite(gradebook_url: str, cells: list) -> list:
    """The cells after RestoreGradingMetadata and OverwriteCellsStably, as
    (grade_id or None, last line of the source) pairs (a restored cell starts
    with nbgrader's notice); the notebook must stay valid."""
    resources = {
        "nbgrader": {"db_url": gradebook_url, "notebook": NOTEBOOK, "assignment": NOTEBOOK}
    }
    notebook = new_notebook(cells=copy.deepcopy(cells))
    notebook, resources = RestoreGradingMetadata().preprocess(notebook, resources)
    notebook, _ = OverwriteCellsStably(add_missing_cells=True).preprocess(notebook, resources)
    nbformat.validate(nbformat.from_dict(notebook))
    return [
        (cell.metadata.get("nbgrader", {}).get("grade_id"), cell.source.splitlines()[-1])
        for cell in notebook.cells
    ]


def test_a_test_whose_preceding_cell_is_gone_comes_back_at_the_end(two_tests_gradebook_url):
    """The softmax solution retyped into a new cell (no metadata) and both
    tests deleted: does the loss test come back right after the loss
    solution (nbgrader's rule), and the softmax test at the very end, after
    the student's own cells, rather than the notebook failing (nbgrader
    raises KeyError)?"""
    solution = {"nbgrader": _role(grade_id="loss_solution", solution=True)}
    cells = [
        new_markdown_cell("source of intro"),
        new_code_cell("def softmax(z): ..."),
        new_code_cell("def loss(z, y): ...", metadata=solution),
        new_code_cell("x = 1"),
    ]
    assert _overwrite(two_tests_gradebook_url, cells) == [
        (None, "source of intro"),
        (None, "def softmax(z): ..."),
        ("loss_solution", "def loss(z, y): ..."),
        ("test_loss", "source of test_loss"),
        (None, "x = 1"),
        ("test_softmax", "source of test_softmax"),
    ]


def test_a_notebook_without_any_cell_metadata_gets_every_test_at_the_end(
    two_tests_gradebook_url,
):
    """Every cell saved without metadata (an editor that drops it): are both
    tests put back after all the student's cells, in the release's order?"""
    cells = [
        new_markdown_cell("source of intro"),
        new_code_cell("def softmax(z): ..."),
        new_code_cell("source of test_softmax"),
        new_code_cell("def loss(z, y): ..."),
        new_code_cell("source of test_loss"),
    ]
    assert _overwrite(two_tests_gradebook_url, cells) == [
        *((None, cell.source) for cell in cells),
        ("test_softmax", "source of test_softmax"),
        ("test_loss", "source of test_loss"),
    ]
