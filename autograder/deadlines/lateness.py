"""How late a submission was, in words, for `course grade` and the report."""

from __future__ import annotations

import math
from datetime import UTC, datetime

DAY = 24 * 3600


def late_by(seconds: float) -> str:
    """1 day 3 h, 5 h 10 min, 42 s: the largest two units."""
    seconds = max(0, math.ceil(seconds))
    days, rest = divmod(seconds, DAY)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    units = [(days, "day" if days == 1 else "days"), (hours, "h"), (minutes, "min"), (secs, "s")]
    shown = [f"{n} {unit}" for n, unit in units if n][:2]
    return " ".join(shown) or "0 s"


def lateness(due: datetime | None, submitted: datetime | None) -> str:
    """ "on time", "late by 1 day 3 h", "no submission time" or "no due date"."""
    if due is None:
        return "no due date"
    if submitted is None:
        return "no submission time"
    seconds = (_utc(submitted) - _utc(due)).total_seconds()
    return f"late by {late_by(seconds)}" if seconds > 0 else "on time"


def _utc(moment: datetime) -> datetime:
    """nbgrader keeps naive UTC times; intake keeps aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def intake_notes(submissions, due: datetime | None) -> list[str]:
    """What the instructor must hear about the times of these submissions
    (intake.collect.Submission): every one without a time, every Canvas LATE
    mark its time contradicts or cannot support, every late one, and how
    each student was named."""
    notes = []
    for submission in sorted(submissions, key=lambda s: s.student):
        where = f"{submission.student} ({submission.origin.name})"
        notes += [f"{where}: {note}" for note in submission.notes]
        if due is None:
            continue
        state = lateness(due, submission.submitted_at)
        if submission.submitted_at is None:
            mark = ", marked LATE by the LMS" if submission.late_mark else ""
            notes.append(
                f"{where}: no submission time{mark} ({submission.time_source}): "
                "graded without a late penalty; give its time in timestamps.csv"
            )
            continue
        if submission.late_mark is not None and submission.late_mark != (state != "on time"):
            said = "LATE" if submission.late_mark else "on time"
            notes.append(
                f"{where}: the LMS says {said} but its time ({submission.time_source}) "
                f"says {state}; the time decides the penalty"
            )
        if state != "on time":
            notes.append(f"{where}: {state} ({submission.time_source})")
    return notes
