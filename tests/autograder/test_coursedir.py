"""`Course`: every path of a course directory, the same as nbgrader's own
layout, and nbgrader's API on it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from nbgrader.coursedir import CourseDirectory

from autograder.coursedir import (
    CONFIG_NAME,
    NBGRADER_STEPS,
    Course,
    as_course,
    nbgrader_api,
    open_course,
)


@pytest.fixture
def course(tmp_path) -> Course:
    return Course(tmp_path / "course", tmp_path / "assignments")


def test_student_folders_are_where_nbgrader_puts_them(course):
    """Do submitted/, autograded/ and feedback/ paths match nbgrader's
    CourseDirectory.format_path for the same root and default layout?"""
    nbgrader = CourseDirectory(root=str(course.root))
    for step, ours in [
        (nbgrader.submitted_directory, course.submitted_dir("jdoe", "a2_rnn")),
        (nbgrader.autograded_directory, course.autograded_dir("jdoe", "a2_rnn")),
        (nbgrader.feedback_directory, course.feedback_dir("jdoe", "a2_rnn")),
    ]:
        assert ours == Path(nbgrader.format_path(step, "jdoe", "a2_rnn"))
    for step, ours in [
        (nbgrader.source_directory, course.source_dir("a2_rnn")),
        (nbgrader.release_directory, course.release_dir("a2_rnn")),
    ]:
        assert ours == Path(os.path.normpath(nbgrader.format_path(step, ".", "a2_rnn")))
    assert course.gradebook_url == nbgrader.db_url


def test_notebooks_default_to_the_assignments_name(course):
    assert course.submitted_notebook("jdoe", "a2_rnn") == (
        course.root / "submitted" / "jdoe" / "a2_rnn" / "a2_rnn.ipynb"
    )
    assert course.autograded_notebook("jdoe", "a2_rnn", "extra").name == "extra.ipynb"
    assert course.feedback_html("jdoe", "a2_rnn") == (
        course.root / "feedback" / "jdoe" / "a2_rnn" / "a2_rnn.html"
    )
    assert course.source_notebook("a2_rnn") == course.root / "source" / "a2_rnn" / "a2_rnn.ipynb"
    assert course.release_notebook("a2_rnn").parent == course.root / "release" / "a2_rnn"
    assert course.download_zip("a2_rnn") == course.root / "downloads" / "a2_rnn.zip"
    assert course.text_source("a2_rnn") == course.assignments / "a2_rnn" / "a2_rnn.md"


def test_the_courses_own_files(course):
    assert course.config_file == course.root / CONFIG_NAME
    assert course.seed_file == course.root / ".grading-seed"
    assert course.gradebook_file == course.root / "gradebook.db"
    assert course.kernelspec_dir("k") == course.root / ".jupyter" / "kernels" / "k"
    assert (
        course.result_record("a1", "jdoe") == course.root / "results" / "a1" / "jdoe" / "a1.json"
    )
    assert (
        course.ledger_file("a1", "jdoe") == course.root / "results" / "a1" / "jdoe" / "graded.json"
    )
    assert course.results_dir("a1") == course.root / "results" / "a1"


def test_an_unknown_nbgrader_folder_is_refused_with_the_known_ones(course):
    with pytest.raises(ValueError) as raised:
        course.folder("graded")
    assert str(raised.value) == f"no nbgrader folder 'graded': expected one of {NBGRADER_STEPS}"


def test_assignments_are_listed_from_what_exists(course):
    """Is an assignment authored only with its <id>/<id>.md, and released
    only with a release folder?"""
    assert course.authored_assignments() == [] == course.released_assignments()
    for name in ("a2_rnn", "a1_softmax"):
        course.text_source(name).parent.mkdir(parents=True)
        course.text_source(name).write_text("# text", encoding="utf-8")
    (course.assignments / "notes").mkdir()
    course.release_dir("a1_softmax").mkdir(parents=True)
    (course.folder("release") / "stray.txt").write_text("", encoding="utf-8")
    assert course.authored_assignments() == ["a1_softmax", "a2_rnn"]
    assert course.released_assignments() == ["a1_softmax"]


def test_result_records_are_the_verdicts_not_the_ledgers(course):
    for student in ("b", "a"):
        record = course.result_record("a1", student)
        record.parent.mkdir(parents=True)
        record.write_text(json.dumps({}), encoding="utf-8")
        course.ledger_file("a1", student).write_text("{}", encoding="utf-8")
    assert course.result_records() == [course.result_record("a1", s) for s in ("a", "b")]


def test_a_folder_without_nbgrader_config_is_no_course(tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        open_course(tmp_path)
    assert str(raised.value).startswith(
        f"{tmp_path.resolve()} is not a course directory: it has no {CONFIG_NAME} "
    )


def test_as_course_takes_a_course_or_its_folder(course, tmp_path):
    assert as_course(course) is course
    assert as_course(str(tmp_path / "x")).root == (tmp_path / "x").resolve()


def test_nbgraders_api_works_on_the_course_and_starts_no_kernel(new_course, monkeypatch):
    """Does the API get the course's root and gradebook, with this
    environment's scripts (alembic) first on PATH, and no kernelspec written?"""
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    course = new_course()
    api = nbgrader_api(course)
    assert api.coursedir.root == str(course.root)
    assert api.coursedir.db_url == course.gradebook_url
    assert api.coursedir.course_id == "rnn-gradients"
    assert os.environ["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert not course.jupyter_data_dir.exists()
