"""A term's end as an instructor lives it, through the installed `course`
command: release with a due date; grade an LMS download holding on-time,
late, untimed, broken and hostile submissions; grade the written answer by
hand in nbgrader's formgrader, in Chromium; feedback; export for nbgrader,
Canvas and Moodle; report. Every number that reaches the instructor is
checked against nbgrader's gradebook; the hostile notebook must run nothing
in the instructor's browser; a later regrade must keep the manual grade."""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from nbgrader.api import Gradebook

from autograder.coursedir import DEFAULT_COURSE_DIR, Course
from autograder.lms_export import moodle_column, points
from tests.autograder import command_line
from tests.autograder.redteam.snapshot import changes, fingerprint
from tests.autograder.report_page import Page
from tests.autograder.term.browser import Recorder, chromium
from tests.autograder.term.formgrader_server import Formgrader, running_formgrader
from tests.autograder.term.submissions import (
    ASSIGNMENT,
    ATTACK_FILES,
    DEADLINES,
    DUE_UTC,
    FILES,
    LATE_PENALTY,
    ROSTER,
    WRITTEN,
    attack_script,
    write_export,
)

pytestmark = pytest.mark.slow

MANUAL_POINTS = 2.0
COMMENT = "Right about diag(f_t); the bias bound needs the logit, not the probability."


@dataclass
class Term:
    course: Course
    export: Path
    grade: CompletedProcess


def _course(*args: str, course: Course) -> CompletedProcess:
    return command_line.course(*args, "--course", str(course.root))


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> Term:
    """Release a3 with a due date, then grade the LMS download."""
    course = Course(tmp_path_factory.mktemp("course").resolve())
    shutil.copy(DEFAULT_COURSE_DIR / "nbgrader_config.py", course.config_file)
    with course.config_file.open("a", encoding="utf-8") as config:
        config.write(DEADLINES)
    released = _course("release", ASSIGNMENT, course=course)
    assert released.returncode == 0, released.stderr
    assert "due 2025-10-17 21:59 UTC" in released.stderr
    course.roster_file.write_text(ROSTER, encoding="utf-8")
    export = tmp_path_factory.mktemp("lms") / "submissions"
    write_export(course, export)
    graded = _course("grade", ASSIGNMENT, str(export), course=course)
    return Term(course, export, graded)


@pytest.fixture(scope="module")
def formgrader(term, tmp_path_factory):
    with running_formgrader(term.course.root, tmp_path_factory.mktemp("fg") / "log") as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


def _submission(course: Course, student: str):
    """{timestamp, raw, penalty, final, manual, comment} of a student's a3, from the gradebook."""
    with Gradebook(course.gradebook_url) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        grade = gradebook.find_grade(WRITTEN, ASSIGNMENT, ASSIGNMENT, student)
        comment = gradebook.find_comment(WRITTEN, ASSIGNMENT, ASSIGNMENT, student)
        return {
            "id": gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).id,
            "timestamp": submission.timestamp,
            "raw": submission.score,
            "penalty": submission.late_submission_penalty,
            "final": max(0.0, submission.score - submission.late_submission_penalty),
            "max": submission.max_score,
            "manual": grade.manual_score,
            "comment": comment.manual_comment,
        }


GRADED = ("alovelace", "aturing", "ghopper", "mallory")


def test_grade_reports_times_lateness_and_rejects_only_the_broken_file(term):
    """The console shows the due date, each late or untimed submission and
    who is off the roster; the broken file is rejected; no SAWarning."""
    out = term.grade.stderr
    assert term.grade.returncode == 1  # the broken file
    assert "SAWarning" not in out + term.grade.stdout
    assert "a3_lstm is due 2025-10-17 21:59 UTC" in out
    assert f"ghopper ({FILES.late}): late by 1 day 1 h (timestamps.csv)" in out
    assert (
        f"aturing ({FILES.no_time}): no submission time (Canvas writes no submission time in "
        "its file names): graded without a late penalty" in out
    )
    assert f"mallory ({FILES.hostile}): no roster" not in out
    assert f"rejected {FILES.broken}: {FILES.broken} is not a valid notebook" in out
    with Gradebook(term.course.gradebook_url) as gradebook:
        assert sorted(s.student.id for s in gradebook.assignment_submissions(ASSIGNMENT)) == list(
            GRADED
        )
    for student in GRADED:  # the summary's score is the gradebook's (before any penalty)
        got = _submission(term.course, student)
        assert re.search(rf"{student}\s*[│|]\s*{got['raw']:g} / {got['max']:g}", out), student
    assert _submission(term.course, "alovelace")["timestamp"] < DUE_UTC
    late = _submission(term.course, "ghopper")
    assert late["penalty"] == pytest.approx(LATE_PENALTY)
    assert _submission(term.course, "aturing")["timestamp"] is None
    assert _submission(term.course, "aturing")["penalty"] == 0


def test_hostile_submission_runs_nothing_in_the_formgrader(term, formgrader, browser):
    """Its markdown and outputs hold <script>, onerror= and javascript: links
    that would call Jupyter's API with the instructor's session: no dialog,
    no request to /api/, no file changed; and the same script, run on
    purpose, does reach the API (so the checks would see it)."""
    hostile = _submission(term.course, "mallory")
    before = fingerprint(term.course.root)
    record = Recorder()
    page = record.attach(browser.new_page())
    page.goto(formgrader.url)  # logs in with the token
    page.goto(f"{formgrader.origin}/formgrader/submissions/{hostile['id']}/")
    page.wait_for_load_state("networkidle")
    for text in ("run me", "run me too"):
        for link in page.get_by_text(text, exact=True).all():
            link.click()
    page.wait_for_timeout(2000)
    assert record.dialogs == []
    assert record.jupyter_api_requests() == []
    assert changes(before, fingerprint(term.course.root)) == {}
    assert not any((term.course.root / name).exists() for name in ATTACK_FILES)
    assert "xss-script" in page.content()  # shown as text, not dropped unseen
    # Control: the attack is real; run by hand, it writes into the course.
    page.evaluate("(async () => { " + attack_script("control") + " })()")
    page.wait_for_timeout(2000)
    assert record.dialogs == ["xss-control"]
    assert [m for m, _ in record.jupyter_api_requests()] == ["PUT"]
    assert (term.course.root / "pwned-control.txt").read_text() == "pwned"
    (term.course.root / "pwned-control.txt").unlink()
    page.close()


def _grade_by_hand(browser, formgrader: Formgrader, submission_id: str) -> None:
    """In the formgrader's page of a submission: points and a comment for the
    written answer, saved as the formgrader saves them (on leaving the field)."""
    page = browser.new_page()
    page.goto(formgrader.url)
    page.goto(f"{formgrader.origin}/formgrader/submissions/{submission_id}/")
    page.wait_for_load_state("networkidle")
    score = page.locator(f"input#{WRITTEN}")
    score.fill(f"{MANUAL_POINTS:g}")
    score.press("Tab")
    comment = page.locator(f"textarea#{WRITTEN}-comment")
    comment.fill(COMMENT)
    comment.press("Tab")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    page.close()


def test_term_end_walkthrough(term, formgrader, browser, tmp_path):
    """Manual grade in the browser, then feedback, the three exports and the
    report, each number against the gradebook; then a regrade keeps it."""
    ada = _submission(term.course, "alovelace")
    assert ada["manual"] is None
    _grade_by_hand(browser, formgrader, ada["id"])
    ada = _submission(term.course, "alovelace")
    assert (ada["manual"], ada["comment"]) == (MANUAL_POINTS, COMMENT)
    students = {s: _submission(term.course, s) for s in GRADED}

    # Feedback: the manual points and the comment reach the student.
    feedback = _course("feedback", ASSIGNMENT, course=term.course)
    assert feedback.returncode == 0, feedback.stderr
    page = term.course.feedback_html("alovelace", ASSIGNMENT).read_text(encoding="utf-8")
    assert f"(Score: {ada['raw']:.1f} / {ada['max']:.1f})" in page
    assert f"Score: {MANUAL_POINTS:.1f} / 3.0" in page
    assert COMMENT in page
    late_page = term.course.feedback_html("ghopper", ASSIGNMENT).read_text(encoding="utf-8")
    assert f"Late submission penalty (Score: -{LATE_PENALTY:.1f})" in late_page
    # In a narrow window the verdicts wrap: no output line scrolls sideways.
    narrow = browser.new_page()
    narrow.set_viewport_size({"width": 800, "height": 900})
    narrow.goto(term.course.feedback_html("alovelace", ASSIGNMENT).as_uri())
    outputs = narrow.locator("div.output_text pre")
    assert outputs.count() > 0
    sideways = narrow.evaluate(
        "() => [...document.querySelectorAll('div.output_text pre')]"
        ".filter(pre => pre.scrollWidth > pre.clientWidth + 1).length"
    )
    narrow.close()
    assert sideways == 0

    # nbgrader's export: every row's numbers are the gradebook's.
    nbgrader_csv = tmp_path / "grades.csv"
    assert _course("export", "--to", str(nbgrader_csv), course=term.course).returncode == 0
    rows = {r["student_id"]: r for r in csv.DictReader(nbgrader_csv.open())}
    for student, got in students.items():
        row = rows[student]
        assert float(row["raw_score"]) == pytest.approx(got["raw"])
        assert float(row["late_submission_penalty"]) == pytest.approx(got["penalty"])
        assert float(row["score"]) == pytest.approx(got["final"])
        assert row["timestamp"] == ("" if got["timestamp"] is None else str(got["timestamp"]))
        assert row["duedate"] == str(DUE_UTC)
    assert float(rows["alovelace"][f"{ASSIGNMENT}:{WRITTEN}"]) == MANUAL_POINTS

    # Canvas and Moodle: the final score of every roster student; mallory
    # (not on the roster) listed; nosub (no submission) without a grade.
    canvas_csv, moodle_csv = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    canvas = _course("export", "--format", "canvas", "--to", str(canvas_csv), course=term.course)
    moodle = _course("export", "--format", "moodle", "--to", str(moodle_csv), course=term.course)
    for result in (canvas, moodle):
        assert result.returncode == 1
        assert f"mallory ({ASSIGNMENT} {points(students['mallory']['final'])})" in result.stderr
        assert f"no submission of {ASSIGNMENT} (left without a grade): nosub" in result.stderr
    canvas_rows = list(csv.reader(canvas_csv.open()))
    assert canvas_rows[:2] == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT],
        ["Points Possible", "", "", "", "", "18"],
    ]
    by_id = {"101": "alovelace", "102": "ghopper", "103": "aturing"}
    canvas_scores = {by_id.get(r[1], r[0]): r[5] for r in canvas_rows[2:]}
    assert canvas_scores == {
        **{s: points(students[s]["final"]) for s in GRADED},
        "Submission, Noe": "",
    }
    moodle_rows = list(csv.DictReader(moodle_csv.open()))
    moodle_scores = {
        r["Email address"].split("@")[0]: r[moodle_column(ASSIGNMENT)] for r in moodle_rows
    }
    assert moodle_scores == {
        "ada": points(students["alovelace"]["final"]),
        "grace": points(students["ghopper"]["final"]),
        "alan": points(students["aturing"]["final"]),
        "noe": "-",
    }

    # The report: mean of the final scores, and the late and untimed ones.
    report = tmp_path / "report.html"
    assert _course("report", "--to", str(report), course=term.course).returncode == 0
    shown = Page(report.read_text(encoding="utf-8"))
    mean = sum(s["final"] for s in students.values()) / len(students)
    assert f"4 graded submission(s); mean {mean:.2f} of 18." in shown.paragraphs
    assert "Due 2025-10-17 21:59 UTC: 2 on time, 1 late, 1 without a submission time." in (
        shown.paragraphs
    )
    late_rows = {r[0]: r for r in shown.rows if len(r) == 4 and r[0] in GRADED}
    assert late_rows["ghopper"][2:] == ["late by 1 day 1 h", points(LATE_PENALTY)]
    assert late_rows["aturing"][1:] == ["unknown", "no submission time", "0"]

    # A regrade of that student keeps the manual grade and its comment.
    regrade = _course(
        "grade",
        ASSIGNMENT,
        str(term.export),
        "--regrade",
        "--student",
        "alovelace",
        course=term.course,
    )
    assert "SAWarning" not in regrade.stderr + regrade.stdout
    again = _submission(term.course, "alovelace")
    assert (again["manual"], again["comment"]) == (MANUAL_POINTS, COMMENT)
    assert again["raw"] == pytest.approx(ada["raw"])
