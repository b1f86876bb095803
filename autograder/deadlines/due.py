"""The due date of each assignment, from the course's configuration.

In nbgrader_config.py::

    c.Deadlines.timezone = "Europe/Berlin"
    c.Deadlines.due = {"a1_softmax": "2025-10-17 23:59", "a2_rnn": "2025-11-07 23:59"}

A date without an offset is read in ``timezone``; one with an offset
(``2025-10-17T23:59+02:00``) as written. `course release` writes them into
nbgrader's gradebook (UTC, as nbgrader stores them); `course grade` reads
naive submission times from an LMS's sidecar in the same time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.api import Gradebook
from traitlets import Dict, Unicode
from traitlets.config import Configurable
from traitlets.config.loader import PyFileConfigLoader

from autograder.coursedir import CONFIG_NAME, Course

DATE_FORMATS = "YYYY-MM-DD HH:MM, YYYY-MM-DD HH:MM:SS or ISO 8601 with an offset"


class DeadlineError(ValueError):
    """A due date or time zone in the configuration that cannot be read."""


class Deadlines(Configurable):
    """Due dates per assignment (``c.Deadlines`` in nbgrader_config.py)."""

    due = Dict(
        value_trait=Unicode(),
        help="Due date of each assignment id, e.g. {'a1_softmax': '2025-10-17 23:59'}; "
        "an assignment not named has no due date (never late).",
    ).tag(config=True)

    timezone = Unicode(
        "UTC", help="IANA time zone of due dates and sidecar times written without an offset."
    ).tag(config=True)

    @property
    def zone(self) -> tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise DeadlineError(
                f"c.Deadlines.timezone = {self.timezone!r} is not a time zone "
                "(expected an IANA name such as 'Europe/Berlin' or 'UTC')"
            ) from None

    def due_date(self, assignment: str) -> datetime | None:
        """The due date of `assignment` (aware, UTC), or None if it has none."""
        text = self.due.get(assignment)
        if text is None:
            return None
        zone = self.zone  # its own error, before the date's
        try:
            return parse_time(text, zone)
        except ValueError:
            raise DeadlineError(
                f"c.Deadlines.due[{assignment!r}] = {text!r} is not a date "
                f"(expected {DATE_FORMATS})"
            ) from None


def parse_time(text: str, zone: tzinfo) -> datetime:
    """`text` (ISO 8601, 'T' or a space between date and time) as an aware
    UTC time; without an offset it is read in `zone`. ValueError otherwise."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def load_deadlines(course: Course) -> Deadlines:
    """The course's Deadlines, as its nbgrader_config.py sets them."""
    config = PyFileConfigLoader(CONFIG_NAME, path=str(course.root)).load_config()
    return Deadlines(config=config)


def write_due_dates(course: Course, assignments: list[str]) -> dict[str, datetime | None]:
    """Put the configured due date of each assignment into the gradebook
    (the assignment must be there, as `course release` leaves it); returns
    {assignment: due date or None}. An assignment with no configured due
    date keeps whatever the gradebook holds."""
    deadlines = load_deadlines(course)
    dates = {assignment: deadlines.due_date(assignment) for assignment in assignments}
    with Gradebook(course.gradebook_url) as gradebook:
        for assignment, due in dates.items():
            if due is not None:
                # nbgrader stores naive UTC times.
                gradebook.update_or_create_assignment(assignment, duedate=due.replace(tzinfo=None))
    return dates
