"""Canvas's and Moodle's own download naming, the roster that maps their
students, and every source of a submission's time, on real files."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
import pytest

from autograder.intake.collect import collect
from autograder.intake.lms import parse_lms_name
from autograder.intake.times import TimeError
from autograder.roster import read_roster

ASSIGNMENT = "a1_softmax"
NOTEBOOK = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
BERLIN = ZoneInfo("Europe/Berlin")
ROSTER = (
    "student_id,lms_id,first_name,last_name,email\n"
    "jdoe,12345,John,Doe,jdoe@uni.example\n"
    "asmith,23456,Anna,Smith,asmith@uni.example\n"
)


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return read_roster(path)


def _write(path: Path, text: str = NOTEBOOK) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _collect(folder, tmp_path, roster=None):
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)  # the conftest's, when a test asked for it too
    found, rejected = collect(folder, ASSIGNMENT, scratch, roster=roster, zone=BERLIN)
    return {s.student: s for s in found}, {r.origin.name: r.reason for r in rejected}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("doejohn_12345_67890_a1_softmax.ipynb", ("Canvas", "doejohn", "12345", False)),
        ("doejohn_LATE_12345_67890_a1_softmax.ipynb", ("Canvas", "doejohn", "12345", True)),
        ("doejohn_late_12345_67890_a1_softmax-1.ipynb", ("Canvas", "doejohn", "12345", True)),
        ("o_brienpat_12345_67890_hw.ipynb", ("Canvas", "o_brienpat", "12345", False)),
        ("12345_67890_a1_softmax.ipynb", ("Canvas", "", "12345", False)),
        ("John Doe_1234567_assignsubmission_file_", ("Moodle", "John Doe", "1234567", None)),
        (
            "John Doe_1234567_assignsubmission_file_a1_softmax.ipynb",
            ("Moodle", "John Doe", "1234567", None),
        ),
        ("jdoe_a1_softmax.ipynb", None),
        ("jdoe_12345_a1_softmax.ipynb", None),
    ],
)
def test_lms_names_are_read_as_the_lms_writes_them(name, expected):
    parsed = parse_lms_name(name)
    got = None if parsed is None else (parsed.lms, parsed.name, parsed.lms_id, parsed.late)
    assert got == expected


def test_canvas_files_are_mapped_through_the_roster_and_keep_the_late_mark(
    folder, tmp_path, roster
):
    """Is Canvas's user id looked up in the roster, LATE kept, and no time
    made up (Canvas's zip holds the time the zip was made)?"""
    _write(folder / "doejohn_12345_67890_a1_softmax.ipynb")
    _write(folder / "smithanna_LATE_23456_67891_a1_softmax.ipynb")
    found, rejected = _collect(folder, tmp_path, roster)
    assert rejected == {}
    assert sorted(found) == ["asmith", "jdoe"]
    assert (found["jdoe"].late_mark, found["asmith"].late_mark) == (False, True)
    for submission in found.values():
        assert submission.submitted_at is None
        assert submission.time_source == "Canvas writes no submission time in its file names"
        assert submission.notes == ()


def test_a_canvas_student_not_on_the_roster_is_graded_under_canvass_name_with_a_note(
    folder, tmp_path, roster
):
    _write(folder / "leeming_99999_67892_a1_softmax.ipynb")
    found, rejected = _collect(folder, tmp_path, roster)
    assert rejected == {}
    assert found["leeming"].notes == (
        f"Canvas user 99999: not on the roster {roster.path}; graded as 'leeming'",
    )


def test_moodle_folders_and_files_are_mapped_by_full_name_with_the_worksheets_times(
    folder, tmp_path, roster
):
    """Moodle's folder and flat naming, its grading worksheet as the sidecar
    of times (read in the course's time zone; "-" is no time)."""
    _write(folder / "John Doe_1234567_assignsubmission_file_" / "work" / "a1_softmax.ipynb")
    _write(folder / "Anna Smith_7654321_assignsubmission_file_mine.ipynb")
    _write(
        folder / "Grades-Course-A1.csv",
        "Identifier,Full name,Email address,Status,Last modified (submission)\n"
        'Participant 1234567,John Doe,jdoe@uni.example,Submitted,"Friday, 17 October 2025, '
        '11:59 PM"\n'
        "Participant 7654321,Anna Smith,asmith@uni.example,No submission,-\n",
    )
    found, rejected = _collect(folder, tmp_path, roster)
    assert rejected == {}
    assert found["jdoe"].submitted_at == datetime(2025, 10, 17, 21, 59, tzinfo=UTC)
    assert found["jdoe"].time_source == "Moodle's grading worksheet"
    assert found["asmith"].submitted_at is None
    assert found["asmith"].time_source == "Moodle's grading worksheet has none"
    assert found["jdoe"].late_mark is None


def test_moodle_typed_text_and_an_ambiguous_name_are_rejected_with_their_reason(folder, tmp_path):
    roster_file = tmp_path / "twins.csv"
    roster_file.write_text(ROSTER + "jdoe2,34567,John,Doe,jdoe2@uni.example\n", encoding="utf-8")
    _write(folder / "John Doe_1_assignsubmission_file_a1_softmax.ipynb")
    _write(folder / "Anna Smith_2_assignsubmission_onlinetext_onlinetext.html", "<p>hi</p>")
    found, rejected = _collect(folder, tmp_path, read_roster(roster_file))
    assert found == {}
    assert rejected == {
        "John Doe_1_assignsubmission_file_a1_softmax.ipynb": (
            "'John Doe' matches several roster students (jdoe, jdoe2)"
        ),
        "Anna Smith_2_assignsubmission_onlinetext_onlinetext.html": (
            "not a notebook, a zip or a student folder"
        ),
    }


def test_timestamps_csv_gives_times_an_lms_does_not_and_is_not_a_submission(folder, tmp_path):
    _write(folder / "doejohn_LATE_12345_67890_a1_softmax.ipynb")
    _write(
        folder / "timestamps.csv",
        "file,submitted_at\ndoejohn_LATE_12345_67890_a1_softmax.ipynb,2025-10-18 09:30\n",
    )
    found, rejected = _collect(folder, tmp_path)
    assert rejected == {}
    assert found["doejohn"].submitted_at == datetime(2025, 10, 18, 7, 30, tzinfo=UTC)
    assert found["doejohn"].time_source == "timestamps.csv"


def test_an_unreadable_sidecar_time_stops_with_where_and_what_is_expected(folder, tmp_path):
    _write(folder / "jdoe_a1_softmax.ipynb")
    _write(folder / "timestamps.csv", "file,submitted_at\njdoe_a1_softmax.ipynb,yesterday\n")
    with pytest.raises(TimeError) as raised:
        _collect(folder, tmp_path)
    assert str(raised.value) == (
        f"{folder / 'timestamps.csv'}, line 2: 'yesterday' is not a time (expected "
        "YYYY-MM-DD HH:MM, YYYY-MM-DD HH:MM:SS or ISO 8601 with an offset)"
    )


def test_nbgraders_timestamp_txt_and_a_plain_files_modification_time(folder, tmp_path):
    _write(folder / "jdoe" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    _write(folder / "jdoe" / ASSIGNMENT / "timestamp.txt", "2025-10-17 21:00:00.000000 UTC\n")
    plain = _write(folder / f"asmith_{ASSIGNMENT}.ipynb")
    os.utime(plain, (1_760_000_000, 1_760_000_000))
    found, _ = _collect(folder, tmp_path)
    assert found["jdoe"].submitted_at == datetime(2025, 10, 17, 21, tzinfo=UTC)
    assert found["jdoe"].time_source == "timestamp.txt"
    assert found["asmith"].submitted_at == datetime.fromtimestamp(1_760_000_000, UTC)
    assert found["asmith"].time_source == "file modification time"
