"""`course similarity` on a class with planted copies among honest students.

Each assignment's class is five honest students who solved it
independently (vectorised, loops over the batch, einsum, another cache, the
instructor's) and six planted copies of some of them (renamed, reordered,
recommented, reformatted, respelled, and one with two functions written
anew). The command runs as a user runs it: the installed `course` script,
in a subprocess, on a course directory.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.coursedir import CONFIG_NAME, DEFAULT_COURSE_DIR
from autograder.integrity.similarity import (
    THRESHOLD,
    compare,
    graded_in_release,
    release_prints,
    submission_of,
)
from tests.autograder.integrity.students import (
    STYLES,
    Student,
    honest_students,
    planted_students,
    submission_notebook,
    write_class,
)

COURSE = Path(sys.executable).parent / "course"
pytestmark = pytest.mark.slow


def the_class(released_course: Path, assignment: str) -> list[Student]:
    source = released_course / "source" / assignment / f"{assignment}.ipynb"
    honest = honest_students(assignment, source)
    return honest + planted_students(honest, assignment)


def planted_pairs(students: list[Student]) -> set[frozenset[str]]:
    """Pairs of submissions that share an original: the copies and what
    they copy, and two copies of the same student."""
    return {
        frozenset((a.name, b.name))
        for a, b in itertools.combinations(students, 2)
        if a.original == b.original
    }


@pytest.fixture
def course_with(tmp_path: Path, released_course: Path):
    """A course directory with the repository's configuration and the
    released assignments, and nothing submitted yet."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(DEFAULT_COURSE_DIR / CONFIG_NAME, root / CONFIG_NAME)
    shutil.copytree(released_course / "release", root / "release")
    return root


def course(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COURSE), *args], capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.parametrize("assignment", sorted(STYLES))
def test_every_planted_pair_scores_above_the_threshold_and_no_independent_pair(
    assignment: str, released_course: Path
):
    """Do all pairs that share an original score at least THRESHOLD, and
    all pairs of students who worked independently less?"""
    release = released_course / "release" / assignment / f"{assignment}.ipynb"
    text = release.read_text(encoding="utf-8")
    graded, given = graded_in_release(text), release_prints(text)
    students = the_class(released_course, assignment)
    submissions = {
        s.name: submission_of(
            s.name, nbformat.writes(submission_notebook(release, s.source)), graded, given
        )
        for s in students
    }
    planted = planted_pairs(students)
    scores = {
        frozenset((a, b)): compare(submissions[a], submissions[b]).score
        for a, b in itertools.combinations(submissions, 2)
    }
    assert len(planted) == 8
    lowest_planted = min(score for pair, score in scores.items() if pair in planted)
    highest_independent = max(score for pair, score in scores.items() if pair not in planted)
    assert lowest_planted >= THRESHOLD > highest_independent, (lowest_planted, highest_independent)
    # The graded functions all take part, and the release's stubs are taken out.
    assert graded == [name for name in submissions["instructor"].functions if name in graded]


@pytest.mark.parametrize("assignment", sorted(STYLES))
def test_the_command_reports_exactly_the_planted_pairs_side_by_side(
    assignment: str, released_course: Path, course_with: Path
):
    """Does `course similarity <id>` exit 0, print exactly the planted
    pairs, and write a page that shows each of them side by side with
    shared lines marked, and no independent pair?"""
    students = the_class(released_course, assignment)
    write_class(course_with, assignment, students)
    report = course_with / "report.html"
    result = course("similarity", assignment, "--course", str(course_with), "--to", str(report))
    assert result.returncode == 0, result.stderr
    printed = {frozenset(line.split()[1:]) for line in result.stdout.splitlines()}
    assert printed == planted_pairs(students), result.stdout
    page = report.read_text(encoding="utf-8")
    for pair in printed:
        first, second = sorted(pair)
        assert f'id="pair-{first}-{second}"' in page or f'id="pair-{second}-{first}"' in page
    assert page.count("<table class='side'>") >= len(printed)
    assert '<span class="line shared">' in page
    assert f"{len(students)} submissions" in result.stderr.replace("\n", " ")


def test_an_unreadable_submission_is_named_and_the_others_are_compared(
    released_course: Path, course_with: Path
):
    """Is a submission that is not a notebook listed with its reason, in
    the output and the page, while the others are still compared?"""
    students = the_class(released_course, "a3_lstm")
    write_class(course_with, "a3_lstm", students)
    broken = course_with / "submitted" / "zz_broken" / "a3_lstm"
    broken.mkdir(parents=True)
    (broken / "a3_lstm.ipynb").write_text("{not json", encoding="utf-8")
    report = course_with / "report.html"
    result = course("similarity", "a3_lstm", "--course", str(course_with), "--to", str(report))
    assert result.returncode == 0, result.stderr
    assert "not compared: zz_broken: JSONDecodeError" in result.stderr
    assert "zz_broken" in report.read_text(encoding="utf-8")
    assert len(result.stdout.splitlines()) == len(planted_pairs(students))


def test_an_unknown_assignment_is_refused_naming_the_released_ones(course_with: Path):
    """Is an assignment that was never released refused with exit code 2
    and the list of those that were?"""
    result = course("similarity", "a9_gru", "--course", str(course_with))
    assert result.returncode == 2
    assert "unknown assignment 'a9_gru'" in result.stderr
    assert "a1_softmax, a2_rnn, a3_lstm" in result.stderr


def test_no_submissions_is_refused_saying_where_they_are_expected(course_with: Path):
    """With nothing submitted, does the command exit 2 and say which files
    it looked for?"""
    result = course("similarity", "a2_rnn", "--course", str(course_with))
    assert result.returncode == 2
    assert "0 submission(s) of a2_rnn, at least 2 needed" in result.stderr
    assert "<student>/a2_rnn/a2_rnn.ipynb" in result.stderr.replace("\n", "")


def test_a_threshold_outside_zero_to_one_is_refused(released_course: Path, course_with: Path):
    """Is --threshold 1.5 refused with exit code 2 and the allowed range?"""
    write_class(course_with, "a2_rnn", the_class(released_course, "a2_rnn")[:2])
    result = course("similarity", "a2_rnn", "--course", str(course_with), "--threshold", "1.5")
    assert result.returncode == 2
    assert "--threshold must be between 0 and 1, got 1.5" in result.stderr


def test_the_page_escapes_what_students_wrote(released_course: Path, course_with: Path):
    """Is markup in a student's code shown as text, not run, on the page?"""
    students = the_class(released_course, "a3_lstm")[:2]
    signature = "def lstm_forward(x, h0, c0, U, W, b):\n"
    assert signature in students[0].source
    planted = students[0].source.replace(
        signature, signature + "    # </pre><script>alert(1)</script>\n", 1
    )
    copy = Student("copier", students[0].original, planted)
    write_class(course_with, "a3_lstm", [students[0], copy, students[1]])
    report = course_with / "report.html"
    result = course("similarity", "a3_lstm", "--course", str(course_with), "--to", str(report))
    assert result.returncode == 0, result.stderr
    page = report.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "copier" in result.stdout
