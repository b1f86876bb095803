"""Attacks on the files the grader and the kernel exchange (cases.GRADER_FILE_ATTACKS).

The grader, as root, writes the hidden inputs to a folder the kernel can
only read, and reads the probe's outputs from the kernel's own folder under
names the notebook cannot guess, never following a link and never reading a
pipe. A submission tries to plant, ahead of the grader,

- symbolic links named like the next hidden-input files, pointing at
  another student's file: does the grader write through them?
- named pipes named like the probe's output files: does the grader block
  on them forever?

Heavy: one batch of the two submissions (started with the others by
``background_batches``), killed after
conftest.GRADER_FILES_TIMEOUT seconds if it hangs.
"""

from __future__ import annotations

import stat

import pytest

from tests.autograder.redteam.batch import scores
from tests.autograder.redteam.cases import GRADER_FILE_ATTACKS

pytestmark = pytest.mark.slow


def test_planted_links_do_not_redirect_the_graders_writes(grader_file_batch):
    """Is another student's file (content and mode) untouched after a
    submission pointed the grader's hidden-input files at it?"""
    sentinel = grader_file_batch.sentinel
    after = (sentinel.read_bytes(), stat.S_IMODE(sentinel.stat().st_mode))
    assert after == grader_file_batch.sentinel_before


def test_planted_links_cost_the_honest_work_nothing(grader_file_batch):
    """Does the notebook that planted the links still earn its full marks?"""
    case = GRADER_FILE_ATTACKS[0]
    assert scores(grader_file_batch.course).get(case.student) == case.score


def test_planted_pipes_do_not_stop_the_batch(grader_file_batch):
    """Does the batch finish although a submission put named pipes where the
    grader reads the probe's outputs, with both submissions graded and
    none rejected?"""
    run = grader_file_batch.run
    assert run.finished, f"still running after {run.seconds:.0f} s:\n{run.output[-2000:]}"
    assert run.exit_code == 0, run.output[-3000:]
    assert run.summary_counts() == (len(GRADER_FILE_ATTACKS), 0), run.output[-3000:]
    assert run.rejection_reasons() == {}


def test_planted_pipes_cost_the_honest_work_nothing(grader_file_batch):
    """Does the notebook that planted the pipes still earn its full marks?"""
    case = GRADER_FILE_ATTACKS[1]
    assert scores(grader_file_batch.course).get(case.student) == case.score
