"""A course whose real nbgrader gradebook holds a few submissions."""

from __future__ import annotations

import pytest

from autograder.coursedir import Course
from tests.autograder.gradebooks import build_gradebook


@pytest.fixture
def graded_course(new_course) -> Course:
    """A course directory (the repository's nbgrader_config.py) whose
    gradebook holds ASSIGNMENTS, STUDENTS and SUBMISSIONS."""
    course = new_course()
    build_gradebook(course)
    return course
