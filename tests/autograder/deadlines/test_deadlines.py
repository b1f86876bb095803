"""Due dates from the configuration, the late penalty and lateness in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nbgrader.api import Gradebook

from autograder.deadlines.due import DeadlineError, Deadlines, load_deadlines, write_due_dates
from autograder.deadlines.lateness import lateness
from autograder.deadlines.policy import DAY_SECONDS, late_penalty
from tests.autograder.gradebooks import build_gradebook


@pytest.mark.parametrize(
    ("seconds_late", "score", "expected"),
    [
        (0, 15.0, 0.0),  # on time
        (1, 15.0, 1.8),  # a second late is a started day: 10 % of 18 points
        (DAY_SECONDS, 15.0, 1.8),  # exactly one day
        (DAY_SECONDS + 1, 15.0, 3.6),  # into the second day
        (3 * DAY_SECONDS, 4.0, 4.0),  # capped at the score
        (20 * DAY_SECONDS, 15.0, 15.0),
    ],
)
def test_ten_percent_of_the_points_per_started_day_capped_at_the_score(
    seconds_late, score, expected
):
    assert late_penalty(seconds_late, score, 18.0, 10.0) == pytest.approx(expected)


def test_due_dates_are_read_in_the_course_time_zone_or_their_own_offset():
    deadlines = Deadlines(
        timezone="Europe/Berlin",
        due={"a1": "2025-10-17 23:59", "a2": "2025-11-07T12:00+00:00"},
    )
    assert deadlines.due_date("a1") == datetime(2025, 10, 17, 21, 59, tzinfo=UTC)
    assert deadlines.due_date("a2") == datetime(2025, 11, 7, 12, 0, tzinfo=UTC)
    assert deadlines.due_date("a3") is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"due": {"a1": "Friday"}},
            "c.Deadlines.due['a1'] = 'Friday' is not a date (expected YYYY-MM-DD HH:MM, "
            "YYYY-MM-DD HH:MM:SS or ISO 8601 with an offset)",
        ),
        (
            {"timezone": "Mars/Olympus", "due": {"a1": "2025-10-17 23:59"}},
            "c.Deadlines.timezone = 'Mars/Olympus' is not a time zone",
        ),
    ],
)
def test_a_bad_due_date_or_zone_is_refused_by_name(settings, message):
    with pytest.raises(DeadlineError) as raised:
        Deadlines(**settings).due_date("a1")
    assert message in str(raised.value)


def test_release_writes_the_configured_due_dates_into_the_gradebook(new_course):
    """Does the course's nbgrader_config.py decide nbgrader's duedate, and is
    an assignment without a configured date left as it is?"""
    course = new_course()
    build_gradebook(course)
    with course.config_file.open("a", encoding="utf-8") as config:
        config.write('\nc.Deadlines.timezone = "Europe/Berlin"\n')
        config.write('c.Deadlines.due = {"a1_softmax": "2025-10-17 23:59"}\n')
    assert load_deadlines(course).due == {"a1_softmax": "2025-10-17 23:59"}
    dates = write_due_dates(course, ["a1_softmax", "a2_rnn"])
    assert dates == {"a1_softmax": datetime(2025, 10, 17, 21, 59, tzinfo=UTC), "a2_rnn": None}
    with Gradebook(course.gradebook_url) as gradebook:
        assert gradebook.find_assignment("a1_softmax").duedate == datetime(2025, 10, 17, 21, 59)
        assert gradebook.find_assignment("a2_rnn").duedate == datetime(2024, 3, 1, 12, 0)


@pytest.mark.parametrize(
    ("due", "submitted", "expected"),
    [
        (None, datetime(2025, 1, 1), "no due date"),
        (datetime(2025, 1, 1), None, "no submission time"),
        (datetime(2025, 1, 1), datetime(2024, 12, 31, 23), "on time"),
        (datetime(2025, 1, 1), datetime(2025, 1, 2, 3, 0, 5), "late by 1 day 3 h"),
        (datetime(2025, 1, 1), datetime(2025, 1, 1, 0, 5, 30, tzinfo=UTC), "late by 5 min 30 s"),
    ],
)
def test_lateness_in_words(due, submitted, expected):
    assert lateness(due, submitted) == expected
