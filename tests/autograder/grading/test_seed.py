"""The grading seed: created once, private to its owner, read back the same,
and a broken seed file refused with its path."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from autograder.coursedir import Course
from autograder.grading.seed import load_or_create_seed, submission_seed


def test_the_first_use_creates_a_private_seed_and_later_uses_read_it(tmp_path):
    """Is the seed written to the course's seed file with mode 0600, and the
    same seed returned ever after, from a Course or from its folder?"""
    course = Course(tmp_path)
    seed = load_or_create_seed(course)
    assert 0 <= seed < 2**63
    assert course.seed_file.read_text(encoding="utf-8") == f"{seed}\n"
    assert stat.S_IMODE(course.seed_file.stat().st_mode) == 0o600
    assert load_or_create_seed(course) == seed
    assert load_or_create_seed(tmp_path) == seed
    assert sorted(os.listdir(tmp_path)) == [course.seed_file.name]  # no temporary left


def test_two_courses_get_different_seeds(tmp_path):
    first = load_or_create_seed(tmp_path / "one")
    assert load_or_create_seed(tmp_path / "two") != first


def test_an_existing_seed_is_kept_as_written(tmp_path):
    Course(tmp_path).seed_file.write_text("  12345\n", encoding="utf-8")
    assert load_or_create_seed(tmp_path) == 12345


@pytest.mark.parametrize("text", ["", "not a number", "1.5"])
def test_a_seed_file_that_holds_no_integer_is_refused_with_its_path(tmp_path, text):
    path = Course(tmp_path).seed_file
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_or_create_seed(tmp_path)
    assert str(raised.value) == f"grading seed file {path} must hold one integer, got {text!r}"
    assert path.read_text(encoding="utf-8") == text  # never overwritten


def test_graders_starting_together_agree_on_one_seed(tmp_path):
    """Parallel graders may all find no seed: do they all end up with the one
    that was written first, never a half-written file?"""
    seeds: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def grader() -> None:
        start.wait()
        try:
            seeds.append(load_or_create_seed(tmp_path))
        except BaseException as error:  # reported below with the seeds
            errors.append(error)

    threads = [threading.Thread(target=grader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(seeds) == 8 and len(set(seeds)) == 1
    assert load_or_create_seed(tmp_path) == seeds[0]


def test_each_submission_gets_its_own_reproducible_seed():
    """Is the seed the same for the same file and different for another
    student, another file or another course?"""
    base = submission_seed(42, "jdoe", "ab" * 32)
    assert submission_seed(42, "jdoe", "ab" * 32) == base
    assert submission_seed(42, "asmith", "ab" * 32) != base
    assert submission_seed(42, "jdoe", "cd" * 32) != base
    assert submission_seed(43, "jdoe", "ab" * 32) != base
    assert 0 <= base < 2**64
