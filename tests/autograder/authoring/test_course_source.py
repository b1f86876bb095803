"""Laying out nbgrader's source/ folder of an assignment from its text
source and the files shipped with it."""

from __future__ import annotations

import os

import nbformat
import pytest

from autograder.authoring.book_address import SHIPPED_MODULE
from autograder.authoring.course_source import CHECKS_NAME, CHECKS_PACKAGE, build_course_source
from autograder.authoring.source_notebook import SourceError
from autograder.coursedir import Course
from tests.autograder.authoring.test_source_notebook import HEADER, SOLUTION

ASSIGNMENT = "a9_demo"


@pytest.fixture
def course(tmp_path) -> Course:
    """A course whose assignments folder holds a9_demo (text source, a data
    folder, a hidden file and bytecode) and a folder that is no assignment."""
    course = Course(tmp_path / "course", tmp_path / "assignments")
    origin = course.text_source_dir(ASSIGNMENT)
    (origin / "data").mkdir(parents=True)
    course.text_source(ASSIGNMENT).write_text(HEADER + "# Demo\n" + SOLUTION, encoding="utf-8")
    (origin / "data" / "corpus.txt").write_text("to be or not", encoding="utf-8")
    (origin / "helper.py").write_text("X = 1\n", encoding="utf-8")
    (origin / ".secret").write_text("draft", encoding="utf-8")
    (origin / "__pycache__").mkdir()
    (tmp_path / "assignments" / "notes").mkdir()  # no notes/notes.md: not an assignment
    return course


def _tree(folder) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _, files in os.walk(folder)
        for name in files
    )


def test_the_source_folder_holds_the_notebook_the_files_and_the_checks(course):
    """Does source/<id>/ get the built notebook, every shipped file (not
    hidden files, not bytecode), the students' checks package with the
    book's address, and the download's README and requirements?"""
    target = build_course_source(course, ASSIGNMENT, "https://example.org/book")
    assert target == course.source_dir(ASSIGNMENT)
    package = sorted(f"{CHECKS_NAME}/{path.name}" for path in CHECKS_PACKAGE.glob("*.py"))
    assert _tree(target) == sorted(
        [
            f"{ASSIGNMENT}.ipynb",
            "data/corpus.txt",
            "helper.py",
            "README.md",
            "requirements.txt",
            *package,
            f"{CHECKS_NAME}/{SHIPPED_MODULE}",
        ]
    )
    shipped = (target / CHECKS_NAME / SHIPPED_MODULE).read_text(encoding="utf-8")
    assert "BOOK_URL = 'https://example.org/book'" in shipped
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Demo\n") and f"jupyter lab {ASSIGNMENT}.ipynb" in readme
    notebook = nbformat.read(course.source_notebook(ASSIGNMENT), as_version=4)
    assert notebook.cells[1].metadata.nbgrader["solution"] is True
    assert (target / "data" / "corpus.txt").read_text(encoding="utf-8") == "to be or not"


def test_rebuilding_removes_what_the_text_source_no_longer_ships(course):
    build_course_source(course, ASSIGNMENT)
    (course.text_source_dir(ASSIGNMENT) / "helper.py").unlink()
    build_course_source(course, ASSIGNMENT)
    assert "helper.py" not in _tree(course.source_dir(ASSIGNMENT))


def test_an_unknown_assignment_names_the_expected_file_and_the_known_ones(course):
    with pytest.raises(SourceError) as raised:
        build_course_source(course, "a8_missing")
    assert str(raised.value) == (
        f"no assignment 'a8_missing': expected {course.text_source('a8_missing')} "
        f"(known: {ASSIGNMENT})"
    )
    assert not course.source_dir("a8_missing").exists()


def test_a_broken_text_source_leaves_an_error_naming_its_cell(course):
    """Is a bad cell reported with the file and cell, as SourceError?"""
    course.text_source(ASSIGNMENT).write_text(
        HEADER + "\n```{code-cell} ipython3\n:tags: [test]\n\npass\n```\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=f"^{ASSIGNMENT}.md, cell 0: a test or answer cell"):
        build_course_source(course, ASSIGNMENT)
