"""`course export --format canvas|moodle`: the LMSs' grade-import layouts,
row for row, from a real gradebook and a roster; students missing from one
side are listed, never dropped."""

from __future__ import annotations

import csv

import pytest

from autograder.apps.export import SUBMITTED, grade_rows
from autograder.lms_export import final_scores, write_lms_file
from autograder.roster import read_roster
from tests.autograder import command_line

# The gradebook (tests/autograder/gradebooks.py): jdoe 2.5/3 in a1 and 1.5/3
# in a2; emile 2.0 - 0.5 late penalty = 1.5 in a1; absent submitted nothing.
# The roster leaves emile out and adds ncomer, who is not in the gradebook.
ROSTER = (
    "student_id,lms_id,first_name,last_name,email,sis_user_id,section\n"
    "jdoe,101,Jane,Doe,jdoe@example.org,S-1,A\n"
    "absent,103,Al,Sent,absent@example.org,,A\n"
    "ncomer,104,New,Comer,new@example.org,,B\n"
)

CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,a1_softmax,a2_rnn\n"
    "Points Possible,,,,,3,3\n"
    '"Doe, Jane",101,S-1,,A,2.5,1.5\n'
    '"Sent, Al",103,,,A,,\n'
    '"Comer, New",104,,,B,,\n'
    "emile,,,,,1.5,\n"
)

MOODLE = (
    "First name,Last name,ID number,Institution,Department,Email address,"
    "Assignment: a1_softmax (Real),Assignment: a2_rnn (Real)\n"
    "Jane,Doe,101,,,jdoe@example.org,2.5,1.5\n"
    "Al,Sent,103,,,absent@example.org,-,-\n"
    "New,Comer,104,,,new@example.org,-,-\n"
)


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def _export(graded_course, roster_file, lms, destination):
    assignments, maxima, scores = final_scores(grade_rows(graded_course), SUBMITTED)
    return write_lms_file(lms, destination, read_roster(roster_file), assignments, maxima, scores)


def test_canvas_file_is_canvass_import_layout_row_for_row(graded_course, roster_file, tmp_path):
    summary = _export(graded_course, roster_file, "canvas", tmp_path / "canvas.csv")
    text = (tmp_path / "canvas.csv").read_text(encoding="utf-8")
    assert text == CANVAS
    header, points_row = next(csv.reader([text.splitlines()[0]])), text.splitlines()[1]
    # Canvas's importer (gradebook_importer.rb): "Student" then "ID", the SIS
    # columns, "Section" as the last student column, "Points Possible" row.
    assert header[0] == "Student" and header[1] == "ID"
    assert header[2:4] == ["SIS User ID", "SIS Login ID"] and header[4] == "Section"
    assert points_row.startswith("Points Possible")
    assert summary.rows == 4
    assert summary.unrostered == {"emile": {"a1_softmax": "1.5"}}
    assert summary.without_submission == {
        "a1_softmax": ["absent", "ncomer"],
        "a2_rnn": ["absent", "ncomer"],
    }


def test_moodle_file_is_moodles_export_layout_without_unknown_users(
    graded_course, roster_file, tmp_path
):
    summary = _export(graded_course, roster_file, "moodle", tmp_path / "moodle.csv")
    assert (tmp_path / "moodle.csv").read_text(encoding="utf-8") == MOODLE
    assert summary.rows == 3
    assert summary.unrostered == {"emile": {"a1_softmax": "1.5"}}


def test_every_lms_number_is_the_nbgrader_exports_score(graded_course, roster_file, tmp_path):
    """The score after the penalty, per student and assignment, as nbgrader's
    own rows give it."""
    nbgrader = {
        (r["student_id"], r["assignment"]): float(r["score"])
        for r in grade_rows(graded_course)
        if r[SUBMITTED]
    }
    _export(graded_course, roster_file, "canvas", tmp_path / "canvas.csv")
    rows = list(csv.DictReader((tmp_path / "canvas.csv").read_text().splitlines()))[1:]
    roster = read_roster(roster_file)
    found = {}
    for row in rows:
        student = roster.by_lms_id(row["ID"]).student_id if row["ID"] else row["Student"]
        found.update({(student, a): float(row[a]) for a in ("a1_softmax", "a2_rnn") if row[a]})
    assert found == pytest.approx(nbgrader)


@pytest.mark.slow  # a fresh process that imports nbgrader
@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_the_command_lists_who_is_missing_and_exits_1(graded_course, roster_file, tmp_path, lms):
    destination = tmp_path / f"{lms}.csv"
    result = command_line.course(
        "export",
        "--format",
        lms,
        "--roster",
        str(roster_file),
        "--to",
        str(destination),
        "--course",
        str(graded_course.root),
    )
    assert result.returncode == 1, result.stderr
    assert destination.read_text(encoding="utf-8") == {"canvas": CANVAS, "moodle": MOODLE}[lms]
    assert f"not on the roster {roster_file}: emile (a1_softmax 1.5)" in result.stderr
    assert "no submission of a2_rnn (left without a grade): absent, ncomer" in result.stderr


@pytest.mark.slow  # fresh processes that import nbgrader
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "blackboard"], "invalid choice: 'blackboard' (choose from nbgrader, canvas"),
        (["--format", "canvas"], "course export: no roster: give --roster FILE or write"),
    ],
)
def test_an_unknown_format_or_a_missing_roster_is_refused(graded_course, arguments, message):
    result = command_line.course("export", *arguments, "--course", str(graded_course.root))
    assert result.returncode == 2
    assert message in result.stderr.replace("'nbgrader', 'canvas'", "nbgrader, canvas")
