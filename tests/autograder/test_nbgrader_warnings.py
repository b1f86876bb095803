"""The SQLAlchemy notice nbgrader's Gradebook.add_submission raises is
silenced, and nothing else is, on a real gradebook."""

from __future__ import annotations

import shutil
import warnings

import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder.nbgrader_warnings import silence_add_submission_warnings
from tests.autograder.gradebooks import COURSE_ID

NOTICE = (
    "Object of type <SubmittedAssignment> not in session, add operation along "
    "'Student.submissions' will not proceed"
)


@pytest.fixture
def gradebook_url(empty_gradebook, tmp_path) -> str:
    """A gradebook with one assignment, one graded cell and one student."""
    path = tmp_path / "gradebook.db"
    shutil.copy(empty_gradebook, path)
    url = f"sqlite:///{path}"
    with Gradebook(url, COURSE_ID) as gradebook:
        gradebook.add_assignment("a1")
        gradebook.add_notebook("a1", "a1")
        gradebook.add_grade_cell("test_x", "a1", "a1", max_score=1.0, cell_type="code")
        gradebook.add_student("jdoe")
    return url


def _sqlalchemy_warnings_of_add_submission(url: str, silence: bool) -> list:
    with Gradebook(url, COURSE_ID) as gradebook, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if silence:
            silence_add_submission_warnings()
        gradebook.add_submission("a1", "jdoe")
    return [w for w in caught if issubclass(w.category, SAWarning)]


def test_nbgrader_raises_the_notice_without_the_filter(gradebook_url):
    """Does nbgrader (still) raise it, from nbgrader/api.py? If it stops,
    autograder/nbgrader_warnings.py can go."""
    found = _sqlalchemy_warnings_of_add_submission(gradebook_url, silence=False)
    assert found
    assert all(str(w.message).startswith("Object of type <Submitted") for w in found)
    assert all(w.filename.endswith("nbgrader/api.py") for w in found)


def test_the_filter_silences_the_notice_of_add_submission(gradebook_url):
    assert _sqlalchemy_warnings_of_add_submission(gradebook_url, silence=True) == []


def test_the_filter_leaves_other_warnings_alone():
    """The same text raised from elsewhere, or another SAWarning, still shows."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        silence_add_submission_warnings()
        warnings.warn(NOTICE, SAWarning, stacklevel=1)
        warnings.warn("some other SQLAlchemy notice", SAWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == [NOTICE, "some other SQLAlchemy notice"]
