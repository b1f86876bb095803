"""The coordinator's recording of a worker's outcome into the course, with a
real nbgrader gradebook: grades, files, records and the ledger, in that order,
and nothing when the outcome must not stand."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.coursedir import Course, nbgrader_api
from autograder.grading import ledger, transfer, worker
from autograder.grading.recorder import Recorder, Rejected
from autograder.grading.template import build_template
from autograder.intake.collect import file_digest
from tests.autograder.redteam.notebooks import ASSIGNMENT, FULL_MARKS

pytestmark = pytest.mark.slow

COURSE_ID = "rnn-gradients"


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory) -> tuple[Course, worker.Outcome]:
    """A fresh course and the outcome of grading the instructor's notebook."""
    root = tmp_path_factory.mktemp("recorder") / "course"
    shutil.copytree(
        released_course,
        root,
        ignore=shutil.ignore_patterns("submitted", "autograded", "feedback", "results"),
    )
    course = Course(root)
    coursedir = nbgrader_api(course).coursedir
    template = build_template(course, ASSIGNMENT, coursedir.db_url, coursedir.course_id)
    sent = tmp_path_factory.mktemp("sent")
    shutil.copyfile(course.source_notebook(ASSIGNMENT), sent / f"{ASSIGNMENT}.ipynb")
    digest = file_digest(sent / f"{ASSIGNMENT}.ipynb")
    job = worker.Job("jdoe", ASSIGNMENT, digest, 7, transfer.pack(sent))
    outcome = worker.grade(template, job)
    worker.release_kernels()
    assert outcome.graded, outcome.failure
    return course, outcome


def _recorder(course: Course) -> Recorder:
    api = nbgrader_api(course)
    return Recorder(course, api.coursedir, api.config)


def _grades(course: Course, student: str) -> dict[str, tuple]:
    with Gradebook(course.gradebook_url, COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {
            grade.name: (grade.auto_score, grade.manual_score, grade.needs_manual_grade)
            for grade in notebook.grades
        }


def _as(outcome: worker.Outcome, student: str) -> worker.Outcome:
    return dataclasses.replace(outcome, student=student, records=copy.deepcopy(outcome.records))


def test_an_outcome_is_recorded_with_its_files_and_ledger_last(graded):
    course, outcome = graded
    outcome = _as(outcome, "recorded")
    assert _recorder(course).record(outcome) == (FULL_MARKS, FULL_MARKS)
    assert course.autograded_notebook("recorded", ASSIGNMENT).exists()
    assert course.feedback_html("recorded", ASSIGNMENT).exists()
    record = course.result_record(ASSIGNMENT, "recorded")
    assert record.exists() and ledger.already_graded(
        course, ASSIGNMENT, "recorded", outcome.sha256
    )
    # The ledger is written after every other file.
    written = [
        course.autograded_notebook("recorded", ASSIGNMENT),
        course.feedback_html("recorded", ASSIGNMENT),
        record,
    ]
    assert max(path.stat().st_mtime_ns for path in written) <= (
        course.ledger_file(ASSIGNMENT, "recorded").stat().st_mtime_ns
    )


def test_a_manual_grade_survives_a_regrade(graded):
    """Does recording a new grading keep the grader's manual score (and flag
    the cell for review, as nbgrader does) while the auto scores are set?"""
    course, outcome = graded
    outcome = _as(outcome, "manual")
    recorder = _recorder(course)
    recorder.record(outcome)
    with Gradebook(course.gradebook_url, COURSE_ID) as gradebook:
        grade = gradebook.find_grade("test_softmax", ASSIGNMENT, ASSIGNMENT, "manual")
        grade.manual_score = 0.25
        gradebook.db.commit()
    recorder.record(outcome)
    grades = _grades(course, "manual")
    assert grades["test_softmax"] == (1.0, 0.25, True)
    assert all(auto is not None for auto, _, _ in grades.values())
    assert recorder.score(ASSIGNMENT, "manual")[0] == FULL_MARKS - 0.75


def test_a_gradebook_that_disagrees_with_the_verdicts_loses_the_grade(graded):
    """A record whose score is not the notebook's: is the outcome refused,
    loudly, with no grade, files or ledger left for the student?"""
    course, outcome = graded
    tampered = _as(outcome, "tampered")
    tampered.records[ASSIGNMENT]["tests"][0]["score"] = 0.5
    recorder = _recorder(course)
    recorder.record(_as(outcome, "tampered"))  # an earlier, good grade
    with pytest.raises(Rejected, match="GRADEBOOK DISAGREES WITH THE VERDICTS, grade removed"):
        recorder.record(tampered)
    assert recorder.score(ASSIGNMENT, "tampered") == (0.0, 0.0)
    assert not course.ledger_file(ASSIGNMENT, "tampered").exists()
    assert not course.autograded_dir("tampered", ASSIGNMENT).exists()
    assert not course.result_record(ASSIGNMENT, "tampered").exists()


def test_a_record_of_another_file_is_refused(graded):
    course, outcome = graded
    other = dataclasses.replace(_as(outcome, "otherfile"), sha256="ff" * 32)
    with pytest.raises(Rejected, match="graded another file than the one sent"):
        _recorder(course).record(other)
    assert not Path(course.ledger_file(ASSIGNMENT, "otherfile")).exists()
