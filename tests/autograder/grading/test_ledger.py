"""The resume ledger: which file of a student's was graded to the end."""

from __future__ import annotations

import json
import os

from autograder.coursedir import Course
from autograder.grading import ledger

DIGEST = "ab" * 32


def test_nothing_is_graded_before_it_is_marked(tmp_path):
    assert not ledger.already_graded(Course(tmp_path), "a1_softmax", "jdoe", DIGEST)


def test_a_marked_file_is_graded_and_another_file_is_not(tmp_path):
    """Is the same file (same SHA-256) known as graded, and a changed file,
    another student or another assignment not?"""
    course = Course(tmp_path)
    ledger.mark_graded(course, "a1_softmax", "jdoe", DIGEST)
    assert ledger.already_graded(course, "a1_softmax", "jdoe", DIGEST)
    assert not ledger.already_graded(course, "a1_softmax", "jdoe", "cd" * 32)
    assert not ledger.already_graded(course, "a1_softmax", "ann", DIGEST)
    assert not ledger.already_graded(course, "a2_rnn", "jdoe", DIGEST)


def test_the_ledger_is_the_courses_ledger_file_and_only_it(tmp_path):
    """Is the record results/<assignment>/<student>/graded.json, holding the
    digest and the time, with no temporary file left beside it?"""
    course = Course(tmp_path)
    ledger.mark_graded(course, "a1_softmax", "jdoe", DIGEST)
    path = course.ledger_file("a1_softmax", "jdoe")
    assert os.listdir(path.parent) == [path.name]
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["submission_sha256"] == DIGEST
    assert record["graded_at"].endswith("+00:00")


def test_marking_again_replaces_the_digest(tmp_path):
    course = Course(tmp_path)
    ledger.mark_graded(course, "a1_softmax", "jdoe", DIGEST)
    ledger.mark_graded(course, "a1_softmax", "jdoe", "cd" * 32)
    assert not ledger.already_graded(course, "a1_softmax", "jdoe", DIGEST)
    assert ledger.already_graded(course, "a1_softmax", "jdoe", "cd" * 32)


def test_a_damaged_ledger_means_grade_again(tmp_path):
    """A half-written, foreign or unreadable ledger must never skip a
    student: is each read as "not graded"?"""
    course = Course(tmp_path)
    path = course.ledger_file("a1_softmax", "jdoe")
    path.parent.mkdir(parents=True)
    for text in ('{"submission_sha256": "ab', "[1, 2]", '"ab"', ""):
        path.write_text(text, encoding="utf-8")
        assert not ledger.already_graded(course, "a1_softmax", "jdoe", DIGEST), text
    path.unlink()
    path.mkdir()  # a folder where the file belongs
    assert not ledger.already_graded(course, "a1_softmax", "jdoe", DIGEST)
