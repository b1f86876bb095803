"""`course export`: nbgrader's CSV export, column for column, plus the part
columns, on a real gradebook filled through nbgrader's API."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.plugins.export import CsvExportPlugin

from autograder.apps.common import UsageError
from autograder.apps.export import SUBMITTED, export_grades, grade_rows
from tests.autograder import command_line
from tests.autograder.gradebooks import ASSIGNMENTS, COURSE_ID, STUDENTS, SUBMISSIONS


def _nbgrader_export(course, destination: Path, **selection) -> str:
    """What nbgrader's own CSV exporter writes for this gradebook."""
    with Gradebook(course.gradebook_url, COURSE_ID) as gradebook:
        CsvExportPlugin(to=str(destination), **selection).export(gradebook)
    return destination.read_text()


def _assert_nbgrader_columns_agree(theirs: str, ours: str) -> None:
    """Every line of ours is nbgrader's line, then part columns only."""
    their_lines, our_lines = theirs.splitlines(), ours.splitlines()
    assert len(our_lines) == len(their_lines) > 1
    for their_line, our_line in zip(their_lines, our_lines, strict=True):
        assert our_line.startswith(their_line + ","), (their_line, our_line)
    their_header = their_lines[0].split(",")
    assert next(csv.reader([our_lines[0]]))[: len(their_header)] == their_header


def _expected_parts(assignment: str, student: str) -> dict[str, str]:
    """The part columns of one row as the gradebook was filled."""
    scores, _ = SUBMISSIONS.get((assignment, student), (None, None))
    return {
        f"{name}:{grade_id}": (
            "" if scores is None or name != assignment else str(scores[grade_id])
        )
        for name, cells in ASSIGNMENTS.items()
        for grade_id in cells
    }


def test_course_export_is_nbgrader_export_plus_part_columns(graded_course, tmp_path):
    """Does every row start with exactly what nbgrader's CsvExportPlugin
    writes, followed by each graded cell's score of that submission (blank
    for a student who did not submit)?"""
    theirs = _nbgrader_export(graded_course, tmp_path / "nbgrader.csv")
    plugin = export_grades(graded_course, tmp_path / "course.csv")
    ours = (tmp_path / "course.csv").read_text()
    _assert_nbgrader_columns_agree(theirs, ours)
    rows = list(csv.DictReader(ours.splitlines()))
    assert plugin.rows == len(rows) == len(ASSIGNMENTS) * len(STUDENTS)
    assert plugin.submitted == set(SUBMISSIONS)
    assert list(plugin.parts) == [f"{a}:{g}" for a, cells in ASSIGNMENTS.items() for g in cells]
    for row in rows:
        parts = {part: row[part] for part in plugin.parts}
        assert parts == _expected_parts(row["assignment"], row["student_id"]), row


def test_late_penalty_and_non_ascii_names_come_through(graded_course, tmp_path):
    """Are the penalty and the score after it nbgrader's, and is a name
    with an accent kept as written?"""
    export_grades(graded_course, tmp_path / "course.csv")
    rows = {
        (r["assignment"], r["student_id"]): r
        for r in csv.DictReader((tmp_path / "course.csv").read_text().splitlines())
    }
    late = rows[("a1_softmax", "emile")]
    assert (late["raw_score"], late["late_submission_penalty"], late["score"]) == (
        "2.0",
        "0.5",
        "1.5",
    )
    assert late["first_name"] == "Émile"
    assert rows[("a1_softmax", "absent")]["timestamp"] == ""


def test_a_selection_exports_what_nbgrader_selects_and_only_its_parts(graded_course, tmp_path):
    """With one assignment and one student chosen, are the rows nbgrader's
    and the part columns those of that assignment only?"""
    selection = {"assignment": ["a2_rnn"], "student": ["jdoe"]}
    theirs = _nbgrader_export(graded_course, tmp_path / "nbgrader.csv", **selection)
    plugin = export_grades(graded_course, tmp_path / "course.csv", ["a2_rnn"], ["jdoe"])
    ours = (tmp_path / "course.csv").read_text()
    _assert_nbgrader_columns_agree(theirs, ours)
    assert plugin.parts == ("a2_rnn:test_rnn_step_forward",)
    assert ours.splitlines()[1].endswith(",1.5")


def test_rows_for_the_report_are_the_export(graded_course):
    """Does grade_rows give the export's rows as dicts of text, each marked
    submitted or not from the gradebook (even without a timestamp)?"""
    rows = grade_rows(graded_course)
    assert {(r["assignment"], r["student_id"]) for r in rows if r[SUBMITTED]} == set(SUBMISSIONS)
    assert (
        next(r for r in rows if (r["assignment"], r["student_id"]) == ("a2_rnn", "jdoe"))[
            "timestamp"
        ]
        == ""
    )
    jdoe = next(r for r in rows if (r["assignment"], r["student_id"]) == ("a1_softmax", "jdoe"))
    assert (jdoe["score"], jdoe["max_score"], jdoe["a1_softmax:test_rel_error"]) == (
        "2.5",
        "3.0",
        "0.5",
    )


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (
            {"assignments": ["a9"]},
            "no assignment 'a9' in the gradebook (it holds: a1_softmax, a2_rnn)",
        ),
        ({"students": ["nobody"]}, "no student 'nobody' in the gradebook (it holds: "),
    ],
)
def test_an_unknown_selection_is_refused_by_name(graded_course, tmp_path, selection, message):
    """nbgrader would write an empty file: is an unknown assignment or
    student refused instead, naming what the gradebook holds?"""
    with pytest.raises(UsageError) as raised:
        export_grades(graded_course, tmp_path / "course.csv", **selection)
    assert message in str(raised.value)
    assert not (tmp_path / "course.csv").exists()


def test_a_course_without_gradebook_is_refused(new_course, tmp_path):
    """Is a course never graded refused with the gradebook's path, instead
    of an empty gradebook being created?"""
    course = new_course()
    course.gradebook_file.unlink()
    with pytest.raises(UsageError, match=r"no gradebook at .*gradebook\.db: release and grade"):
        export_grades(course, tmp_path / "course.csv")
    assert not course.gradebook_file.exists()


@pytest.mark.slow  # two fresh processes that import nbgrader: seconds each
def test_the_course_and_nbgrader_commands_agree(graded_course, tmp_path):
    """Run as a user would: do `course export` and `nbgrader export` (from
    the course folder) write the same columns, and does `course export`
    say what it wrote?"""
    ours, theirs = tmp_path / "course.csv", tmp_path / "nbgrader.csv"
    result = command_line.course("export", "--to", str(ours), "--course", str(graded_course.root))
    assert result.returncode == 0, result.stderr
    assert f"wrote 6 row(s) and 3 part column(s) to {ours}" in result.stderr
    stock = command_line.run_script(
        "nbgrader", "export", "--to", str(theirs), cwd=graded_course.root
    )
    assert stock.returncode == 0, stock.stderr
    _assert_nbgrader_columns_agree(theirs.read_text(), ours.read_text())


@pytest.mark.slow  # a fresh process that imports nbgrader
def test_the_command_refuses_an_unknown_assignment(graded_course, tmp_path):
    """Does `course export --assignment a9` exit 2 with the reason on stderr
    and write nothing?"""
    destination = tmp_path / "course.csv"
    result = command_line.course(
        "export",
        "--to",
        str(destination),
        "--assignment",
        "a9",
        "--course",
        str(graded_course.root),
    )
    assert result.returncode == 2
    assert "course export: no assignment 'a9' in the gradebook" in result.stderr
    assert not destination.exists()
