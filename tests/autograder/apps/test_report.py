"""`course report`: the page's numbers, tables and plots, from a real
gradebook and verdict records as the grader files them."""

from __future__ import annotations

import base64
import re

import pytest

from autograder.apps.export import SUBMITTED, grade_rows
from autograder.apps.report import build_report, load_results
from tests.autograder import command_line
from tests.autograder.gradebooks import verdict, write_result_record
from tests.autograder.report_page import Page

HOSTILE = "<script>alert(1)</script>"
LATE_HEADING = "Late or without a submission time"
LATENESS_HEADER = ["student", "submitted (UTC)", "lateness", "penalty"]
# The gradebook's submissions (tests/autograder/gradebooks.py): both of a1
# at 2024-03-02 09:30 against a due date of 2024-03-01 12:00, emile with a
# penalty of 0.5; a2's without a timestamp.
LATENESS_ROWS = [
    LATENESS_HEADER,
    ["emile", "2024-03-02 09:30:00", "late by 21 h 30 min", "0.5"],
    ["jdoe", "2024-03-02 09:30:00", "late by 21 h 30 min", "0"],
    LATENESS_HEADER,
    ["jdoe", "unknown", "no submission time", "0"],
]


def _records(course) -> None:
    """jdoe fails softmax's S twice over (hostile text); emile fails S and J."""
    write_result_record(
        course,
        "a1_softmax",
        "jdoe",
        [verdict("softmax", S=(False, HOSTILE)), verdict("rel_error", error=(True, ""))],
    )
    write_result_record(
        course,
        "a1_softmax",
        "emile",
        [verdict("softmax", S=(False, HOSTILE)), verdict("rel_error", error=(False, ""))],
    )


def test_the_page_shows_scores_pass_rates_and_failures(graded_course):
    """Does each assignment get its mean score, a histogram, a pass-rate plot
    and the failures counted, most frequent first?"""
    _records(graded_course)
    page = Page(build_report(grade_rows(graded_course), load_results(graded_course)))
    assert page.headings == [
        "Course report",
        "a1_softmax",
        LATE_HEADING,
        "Most frequent failures",
        "a2_rnn",
        LATE_HEADING,
    ]
    # a1: jdoe 2.5 and emile 1.5 after the late penalty; absent did not submit.
    assert "2 graded submission(s); mean 2.00 of 3." in page.paragraphs
    assert "1 graded submission(s); mean 1.50 of 3." in page.paragraphs
    assert page.rows == [
        *LATENESS_ROWS[:3],
        ["count", "failure"],
        ["2", f"softmax: S — {HOSTILE}"],
        ["1", "rel_error: error — wrong values"],
        *LATENESS_ROWS[3:],
    ]
    alts = [image["alt"] for image in page.images]
    assert alts == [
        "Histogram of the scores of 2 students in a1_softmax",
        "Pass rate of every tested output in a1_softmax",
        "Histogram of the scores of 1 students in a2_rnn",
    ]
    for image in page.images:
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        assert base64.b64decode(image["src"][len(prefix) :]).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_page_shows_lateness_from_the_gradebook(graded_course):
    """Is each assignment's due date there, with how many were on time, late
    or without a time, and who, by how much, with which penalty?"""
    page = Page(build_report(grade_rows(graded_course), []))
    assert "Due 2024-03-01 12:00 UTC: 0 on time, 2 late, 0 without a submission time." in (
        page.paragraphs
    )
    assert "Due 2024-03-01 12:00 UTC: 0 on time, 0 late, 1 without a submission time." in (
        page.paragraphs
    )
    assert page.rows == LATENESS_ROWS


def test_text_from_submissions_is_escaped(graded_course):
    """Is a failure message quoting a student's <script> shown as text,
    never as markup?"""
    _records(graded_course)
    markup = build_report(grade_rows(graded_course), load_results(graded_course))
    assert HOSTILE not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert Page(markup).scripts == 0


def test_an_assignment_without_submissions_and_an_empty_course():
    """Is an assignment nobody submitted said so, without plots, and does a
    course with nothing at all still give a page that says so?"""
    rows = [{"assignment": "a3_lstm", "score": "0.0", "max_score": "15.0", SUBMITTED: False}]
    page = Page(build_report(rows, []))
    assert page.headings == ["Course report", "a3_lstm"]
    assert page.paragraphs == ["No submission graded yet."]
    assert page.images == []
    empty = Page(build_report([], []))
    assert empty.paragraphs == [
        "Nothing to report: no assignment in the gradebook and no graded notebook."
    ]


def test_every_output_passing_is_said_so(graded_course):
    """With verdicts but no failure, is there a pass-rate plot and a line
    instead of an empty table?"""
    write_result_record(
        graded_course, "a2_rnn", "jdoe", [verdict("rnn_step_forward", h=(True, ""))]
    )
    page = Page(build_report(grade_rows(graded_course), load_results(graded_course)))
    assert "Every tested output passed." in page.paragraphs
    assert page.rows == LATENESS_ROWS


def test_unreadable_and_foreign_records_are_skipped_with_their_reason(graded_course, capsys):
    """Are a broken JSON file and a JSON file that is no verdict record
    skipped with a warning naming each and saying why, the ledger never
    read as a record, and the good record kept?"""
    good = write_result_record(
        graded_course, "a1_softmax", "jdoe", [verdict("softmax", S=(True, ""))]
    )
    broken = graded_course.result_record("a1_softmax", "emile")
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json", encoding="utf-8")
    foreign = graded_course.result_record("a2_rnn", "jdoe")
    foreign.parent.mkdir(parents=True)
    foreign.write_text('{"assignment": "a2_rnn", "tests": "all good"}', encoding="utf-8")
    graded_course.ledger_file("a1_softmax", "jdoe").write_text("{}", encoding="utf-8")
    records = load_results(graded_course)
    assert [r["student"] for r in records] == ["jdoe"]
    warnings = re.sub(r"\s+", " ", capsys.readouterr().err)
    assert f"skipped unreadable result {broken}: Expecting property name" in warnings
    assert f"skipped result {foreign}: its tests are not a list of verdicts" in warnings
    assert str(good) not in warnings


@pytest.mark.slow  # a fresh process that imports nbgrader
def test_the_command_writes_the_page(graded_course, tmp_path):
    """Run as a user would: does `course report` exit 0, say how many
    notebooks it read, and write the page?"""
    _records(graded_course)
    destination = tmp_path / "report.html"
    result = command_line.course(
        "report", "--to", str(destination), "--course", str(graded_course.root)
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {destination} (2 graded notebooks)" in result.stderr
    page = Page(destination.read_text(encoding="utf-8"))
    # The course sets due dates and these records carry no submission time,
    # so each assignment lists its submissions as without one.
    assert page.headings == [
        "Course report",
        "a1_softmax",
        "Late or without a submission time",
        "Most frequent failures",
        "a2_rnn",
        "Late or without a submission time",
    ]
    assert len(page.images) == 3
