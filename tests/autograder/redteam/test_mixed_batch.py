"""Honest students graded among hostile ones score as they do alone.

Heavy: the clean batch (the ten honest students alone, in a copy of the same
course: same grading seed, so the same hidden inputs) is compared with the
hostile batch of test_hostile_batch.py, which holds the same ten files.
"""

from __future__ import annotations

import pytest

from tests.autograder.redteam.batch import scores
from tests.autograder.redteam.honest import HONEST_STUDENTS

pytestmark = pytest.mark.slow

STUDENTS = [pytest.param(honest, id=honest.student) for honest in HONEST_STUDENTS]


@pytest.fixture(scope="module")
def clean_scores(clean_batch) -> dict[str, float]:
    """{student: score} of the ten honest students graded on their own."""
    course, run = clean_batch
    assert run.exit_code == 0, run.output[-3000:]
    return scores(course)


@pytest.mark.parametrize("honest", STUDENTS)
def test_a_clean_batch_grades_honest_work_as_expected(clean_scores, honest):
    """Does each honest submission, graded with no hostile neighbour, earn the
    score its mistakes leave it?"""
    assert clean_scores[honest.student] == honest.score, honest.work


@pytest.mark.parametrize("honest", STUDENTS)
def test_hostile_neighbours_do_not_change_honest_scores(clean_scores, hostile_batch, honest):
    """Does each honest student score the same in the hostile batch as in the
    clean one?"""
    assert scores(hostile_batch.course).get(honest.student) == clean_scores[honest.student]
