"""Lay out nbgrader's source/ folder from the assignments' text sources.

assignments/<id>/<id>.md      ->  course/source/<id>/<id>.ipynb
assignments/<id>/<other files> -> course/source/<id>/<other files>
autograder/course_checks/      ->  course/source/<id>/course_checks/
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder.authoring.source_notebook import SourceError, build_source_notebook
from autograder.coursedir import Course

CHECKS_PACKAGE = Path(__file__).resolve().parent.parent / "course_checks"
CHECKS_NAME = "course_checks"
"""The checks package ships with every assignment under this name."""


def build_course_source(course: Course, assignment_id: str) -> Path:
    """Regenerate the course's source/<id>/ from assignments/<id>/; returns it."""
    origin = course.text_source_dir(assignment_id)
    text = course.text_source(assignment_id)
    if not text.is_file():
        known = ", ".join(course.authored_assignments()) or "none"
        raise SourceError(f"no assignment {assignment_id!r}: expected {text} (known: {known})")
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
        CHECKS_PACKAGE, target / CHECKS_NAME, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    nbformat.write(build_source_notebook(text), course.source_notebook(assignment_id))
    return target
