"""TrustedExecute.submission_seed: a worker is given each submission's seed
and never reads (or creates) the course's grading seed."""

from __future__ import annotations

from autograder.grading.preprocessor import TrustedExecute
from autograder.grading.seed import SEED_FILE_NAME, submission_seed

DIGEST = "ab" * 32


def _execute(folder, **settings) -> TrustedExecute:
    execute = TrustedExecute(course_directory=str(folder), **settings)
    execute._digest = DIGEST
    return execute


def test_a_given_seed_is_used_and_the_course_seed_never_touched(tmp_path):
    assert _execute(tmp_path, submission_seed=42)._hidden_input_seed("jdoe") == 42
    assert not (tmp_path / SEED_FILE_NAME).exists()


def test_without_one_the_seed_is_derived_from_the_course_seed(tmp_path):
    execute = _execute(tmp_path, grading_seed=7)
    assert execute._hidden_input_seed("jdoe") == submission_seed(7, "jdoe", DIGEST)


def test_the_coordinator_and_the_preprocessor_agree(tmp_path):
    """Does a worker given the coordinator's seed draw the inputs that stock
    `nbgrader autograde` in the course directory would draw?"""
    (tmp_path / SEED_FILE_NAME).write_text("99\n", encoding="utf-8")
    derived = _execute(tmp_path)._hidden_input_seed("jdoe")
    assert derived == submission_seed(99, "jdoe", DIGEST)
    assert _execute(tmp_path / "elsewhere", submission_seed=derived)._hidden_input_seed("x") == (
        derived
    )
