"""When each submission was handed in, from what the export holds.

In this order, the first that knows:

1. ``timestamps.csv`` beside the submissions: the course's own sidecar,
   for an LMS that writes no time (Canvas) or any correction::

       file,submitted_at
       doejohn_late_12345_67890_a1_softmax.ipynb,2025-10-18 09:30

2. Moodle's grading worksheet ("Download grading worksheet", a CSV with the
   columns ``Identifier`` = "Participant <id>" and ``Last modified
   (submission)``, e.g. "Friday, 17 October 2025, 11:59 PM", or "-");
3. nbgrader's own ``timestamp.txt`` in ``<student>/<assignment>/``;
4. the file's modification time, for files not named by Canvas or Moodle
   (their zips record when the zip was made, not when the student submitted).

Times without an offset are read in the course's time zone
(``c.Deadlines.timezone``). A submission none of these knows has no time:
it is reported, and nbgrader applies no late penalty.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from nbgrader.utils import parse_utc

from autograder.deadlines.due import DATE_FORMATS, parse_time

TIMESTAMPS_SIDECAR = "timestamps.csv"
TIMESTAMP_FILE = "timestamp.txt"
"""nbgrader's file of a submission's time, in <student>/<assignment>/."""

MOODLE_IDENTIFIER = "Identifier"
MOODLE_SUBMITTED = "Last modified (submission)"
MOODLE_DATE_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%d %B %Y, %I:%M %p")
"""Moodle's English userdate() formats (strftimedaydatetime, strftimedatetime)."""


class TimeError(ValueError):
    """A sidecar or timestamp that cannot be read, with where and what is expected."""


@dataclass(frozen=True)
class Sidecars:
    """The submission times the export's sidecar files give."""

    by_file: dict[str, datetime] = field(default_factory=dict)
    """timestamps.csv: {file or folder name: time}."""
    by_participant: dict[str, datetime | None] = field(default_factory=dict)
    """Moodle's worksheet: {participant id: time, None for "-"}."""
    files: frozenset[str] = frozenset()
    """Names of the sidecar files themselves (they are not submissions)."""


def read_sidecars(folder: Path, zone: tzinfo) -> Sidecars:
    """Every sidecar at the top of `folder`; TimeError on a time it cannot read."""
    by_file: dict[str, datetime] = {}
    by_participant: dict[str, datetime | None] = {}
    files = set()
    for path in sorted(Path(folder).glob("*.csv")):
        if path.is_symlink() or not path.is_file():
            continue
        rows = _csv_rows(path)
        header = rows[0] if rows else []
        if path.name == TIMESTAMPS_SIDECAR:
            by_file.update(_timestamps_csv(path, rows, zone))
        elif MOODLE_IDENTIFIER in header and MOODLE_SUBMITTED in header:
            by_participant.update(_moodle_worksheet(path, rows, zone))
        else:
            continue
        files.add(path.name)
    return Sidecars(by_file, by_participant, frozenset(files))


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except UnicodeDecodeError:
        return []


def _timestamps_csv(path: Path, rows, zone) -> dict[str, datetime]:
    if not rows or [c.strip() for c in rows[0][:2]] != ["file", "submitted_at"]:
        raise TimeError(f"{path}: expected the header file,submitted_at")
    times = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            continue
        if len(row) < 2:
            raise TimeError(f"{path}, line {line}: no submitted_at for {row[0]!r}")
        try:
            times[row[0].strip()] = parse_time(row[1], zone)
        except ValueError:
            raise TimeError(
                f"{path}, line {line}: {row[1]!r} is not a time (expected {DATE_FORMATS})"
            ) from None
    return times


def _moodle_worksheet(path: Path, rows, zone) -> dict[str, datetime | None]:
    header = rows[0]
    ident, when = header.index(MOODLE_IDENTIFIER), header.index(MOODLE_SUBMITTED)
    times: dict[str, datetime | None] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) <= max(ident, when):
            continue
        participant = row[ident].strip().rsplit(" ", 1)[-1]
        text = row[when].strip()
        times[participant] = None if text in ("", "-") else _moodle_time(text, zone, path, line)
    return times


def _moodle_time(text: str, zone, path: Path, line: int) -> datetime:
    for form in MOODLE_DATE_FORMATS:
        try:
            return datetime.strptime(text, form).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            continue
    raise TimeError(
        f"{path}, line {line}: {MOODLE_SUBMITTED} {text!r} is not a time (expected Moodle's "
        "English format, e.g. 'Friday, 17 October 2025, 11:59 PM')"
    )


def read_timestamp_file(folder: Path) -> datetime | None:
    """The time in nbgrader's `folder`/timestamp.txt (naive means UTC, as
    nbgrader reads it), None without one; TimeError if unreadable."""
    path = Path(folder) / TIMESTAMP_FILE
    if not path.is_file() or path.is_symlink():
        return None
    with path.open("rb") as handle:  # a time is short; a submitted file may not be
        text = handle.read(200).decode("utf-8", errors="replace").strip()
    try:
        return parse_utc(text).replace(tzinfo=UTC) if text else None
    except (ValueError, OverflowError):
        raise TimeError(
            f"{path}: {text[:60]!r} is not a time (expected nbgrader's format, "
            "e.g. 2025-10-17 21:59:00.000000 UTC)"
        ) from None


def modification_time(path: Path) -> datetime:
    return datetime.fromtimestamp(Path(path).lstat().st_mtime, UTC)


def nbgrader_timestamp(moment: datetime) -> str:
    """`moment` as nbgrader writes timestamp.txt (UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
