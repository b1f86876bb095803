"""Tests of the grading seed and of each submission's own seed."""

from __future__ import annotations

import stat

import pytest

from autograder.grading.seed import load_or_create_seed, submission_seed


def test_the_seed_is_created_once_readable_by_its_owner_only(tmp_path):
    seed = load_or_create_seed(tmp_path)
    assert load_or_create_seed(tmp_path) == seed
    mode = stat.S_IMODE((tmp_path / ".grading-seed").stat().st_mode)
    assert mode == 0o600


def test_a_damaged_seed_file_is_a_clear_error(tmp_path):
    (tmp_path / ".grading-seed").write_text("not a number\n")
    with pytest.raises(ValueError, match="must hold one integer, got 'not a number'"):
        load_or_create_seed(tmp_path)


def test_each_submission_gets_its_own_reproducible_seed():
    """Is the seed the same for the same file and different for another
    student, another file or another course?"""
    base = submission_seed(42, "jdoe", "ab" * 32)
    assert submission_seed(42, "jdoe", "ab" * 32) == base
    assert submission_seed(42, "asmith", "ab" * 32) != base
    assert submission_seed(42, "jdoe", "cd" * 32) != base
    assert submission_seed(43, "jdoe", "ab" * 32) != base
    assert 0 <= base < 2**64
