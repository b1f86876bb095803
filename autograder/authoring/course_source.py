"""Lay out nbgrader's source/ folder from the assignments' text sources.

assignments/<id>/<id>.md      ->  course/source/<id>/<id>.ipynb
assignments/<id>/<other files> -> course/source/<id>/<other files>
autograder/course_checks/      ->  course/source/<id>/course_checks/
the book's address             ->  course/source/<id>/course_checks/_book_address.py
                                   (and every {book} link of the notebook)
a README and requirements.txt  ->  course/source/<id>/README.md, requirements.txt

nbgrader's release copies every file but the notebook as it is, so the
download carries them all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder.authoring import book_address
from autograder.authoring.download_files import assignment_title, write_download_files
from autograder.authoring.source_notebook import SourceError, build_source_notebook
from autograder.coursedir import Course

CHECKS_PACKAGE = Path(__file__).resolve().parent.parent / "course_checks"
CHECKS_NAME = "course_checks"
"""The checks package ships with every assignment under this name."""


def build_course_source(course: Course, assignment_id: str, book_url: str | None = None) -> Path:
    """Regenerate the course's source/<id>/ from assignments/<id>/; returns it.
    Its links to the book go under `book_url` (default: the configured address)."""
    origin = course.text_source_dir(assignment_id)
    text = course.text_source(assignment_id)
    if not text.is_file():
        known = ", ".join(course.authored_assignments()) or "none"
        raise SourceError(f"no assignment {assignment_id!r}: expected {text} (known: {known})")
    address = book_url or book_address.book_url()
    target = course.source_dir(assignment_id)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for item in origin.iterdir():
        if item == text or item.name.startswith(".") or item.name == "__pycache__":
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name)
        else:
            shutil.copy2(item, target / item.name)
    shutil.copytree(
        CHECKS_PACKAGE,
        target / CHECKS_NAME,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", book_address.SHIPPED_MODULE),
    )
    (target / CHECKS_NAME / book_address.SHIPPED_MODULE).write_text(
        book_address.shipped_module_text(address), encoding="utf-8"
    )
    notebook = build_source_notebook(text, address)
    nbformat.write(notebook, course.source_notebook(assignment_id))
    write_download_files(
        target,
        assignment_title(
            "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"),
            assignment_id,
        ),
        course.source_notebook(assignment_id).name,
        address,
    )
    return target
