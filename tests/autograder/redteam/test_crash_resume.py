"""A batch killed with SIGKILL mid-way resumes without losing or regrading work.

Heavy: grades eight honest students with `course grade` as a child process,
kills it (and its session) with SIGKILL as soon as the first student's
ledger file exists and the next student is under way, and runs the same
command again.
"""

from __future__ import annotations

import time

import pytest

from tests.autograder.redteam.batch import (
    copy_course,
    kill_batch,
    ledger,
    run_batch,
    scores,
    start_batch,
    submission_counts,
)
from tests.autograder.redteam.course_setup import (
    make_context,
    sentinel_student,
    write_honest_students,
)
from tests.autograder.redteam.honest import HONEST_STUDENTS

pytestmark = pytest.mark.slow

CLASS = HONEST_STUDENTS[:8]
FIRST_LEDGER_TIMEOUT = 120.0
KILL_DELAY = 1.0
"""Seconds between the first ledger and the kill: the next student's kernel
is then running."""


def _wait_for_first_ledger(course, process) -> list[str]:
    deadline = time.monotonic() + FIRST_LEDGER_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        done = [h.student for h in CLASS if ledger(course, h.student).exists()]
        if done:
            return done
        time.sleep(0.05)
    return []


@pytest.fixture(scope="module")
def killed_and_resumed(redteam_template, listener, tmp_path_factory):
    """(course, ledger mtimes before the kill, first run's exit code, the resumed run)."""
    base = tmp_path_factory.mktemp("crash")
    course = copy_course(redteam_template, base / "course")
    folder = base / "submissions"
    folder.mkdir()
    write_honest_students(make_context(course, listener, sentinel_student(course)), folder, CLASS)
    temporary = base / "tmp"
    temporary.mkdir()
    process = start_batch(course, folder, temporary, base / "killed.log")
    try:
        first = _wait_for_first_ledger(course, process)
        assert first, "no student was graded before the time limit"
        time.sleep(KILL_DELAY)
    finally:
        kill_batch(process)
    finished_before = {
        h.student: ledger(course, h.student).stat().st_mtime_ns
        for h in CLASS
        if ledger(course, h.student).exists()
    }
    resumed = run_batch(course, folder, temporary, timeout=300)
    return course, finished_before, process.returncode, resumed


def test_the_kill_came_mid_batch(killed_and_resumed):
    """Was the first run really killed (SIGKILL) with some students left?"""
    _, finished_before, exit_code, _ = killed_and_resumed
    assert exit_code == -9
    assert 0 < len(finished_before) < len(CLASS)


def test_the_resumed_batch_completes(killed_and_resumed):
    """Does the second run finish with exit code 0 and say what it skipped?"""
    _, finished_before, _, resumed = killed_and_resumed
    assert resumed.exit_code == 0, resumed.output[-3000:]
    assert f"{len(finished_before)} submission(s) already graded" in resumed.output


def test_every_student_has_one_submission_with_the_right_score(killed_and_resumed):
    """Does nbgrader's gradebook still open and hold exactly one submission per
    student, with the score each must earn?"""
    course = killed_and_resumed[0]
    assert submission_counts(course) == {h.student: 1 for h in CLASS}
    assert scores(course) == {h.student: h.score for h in CLASS}


def test_students_finished_before_the_kill_are_not_regraded(killed_and_resumed):
    """Are the ledgers of the students graded before the kill untouched?"""
    course, finished_before, _, _ = killed_and_resumed
    after = {student: ledger(course, student).stat().st_mtime_ns for student in finished_before}
    assert after == finished_before
