"""A course whose gradebook lives in PostgreSQL, end to end: the installed
`course` command and stock nbgrader, in subprocesses, against a real server
the tests start (tests/autograder/postgres_server.py)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.coursedir import CONFIG_NAME, DB_URL_VARIABLE, DEFAULT_COURSE_DIR, Course
from tests.autograder import command_line
from tests.autograder.gradebooks import COURSE_ID
from tests.autograder.postgres_server import free_port
from tests.autograder.term.formgrader_server import running_formgrader

pytestmark = pytest.mark.slow

ASSIGNMENT = "a1_softmax"
STUDENTS = ("alice", "bob", "carol")
"""alice hands in the solutions, bob the untouched release (every function
raises NotImplementedError), carol the solutions with the last function broken."""


@dataclass
class PostgresCourse:
    root: Path
    url: str
    submissions: Path
    first_grade: subprocess.CompletedProcess

    @property
    def course(self) -> Course:
        return Course(self.root, db=self.url)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """`course <args> --course ROOT --db URL`, as the instructor types it."""
        return command_line.course(*args, "--course", str(self.root), "--db", self.url)

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        """Stock `nbgrader <args>` from the course folder, the gradebook set
        the course-level way: COURSE_DB_URL, read by nbgrader_config.py."""
        return subprocess.run(
            [str(command_line.SCRIPTS / "nbgrader"), *args],
            cwd=self.root,
            env=_environment(self.url),
            capture_output=True,
            text=True,
            timeout=command_line.TIMEOUT_S,
            check=False,
        )


def _environment(url: str) -> dict[str, str]:
    scripts = str(command_line.SCRIPTS)
    return {**os.environ, DB_URL_VARIABLE: url, "PATH": scripts + os.pathsep + os.environ["PATH"]}


def _write_submissions(course: Course, folder: Path) -> None:
    """alice, bob and carol's notebooks, in the flat layout an LMS exports."""
    source = nbformat.read(course.source_notebook(ASSIGNMENT), 4)
    release = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
    stubs = {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in release.cells
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code"
    }
    broken = nbformat.read(course.source_notebook(ASSIGNMENT), 4)
    last = max(
        index
        for index, cell in enumerate(broken.cells)
        if cell.metadata.get("nbgrader", {}).get("grade_id") in stubs
    )
    broken.cells[last] = stubs[broken.cells[last].metadata["nbgrader"]["grade_id"]]
    for student, notebook in zip(STUDENTS, (source, release, broken), strict=True):
        nbformat.write(notebook, folder / f"{student}_{ASSIGNMENT}.ipynb")


@pytest.fixture(scope="module")
def pg_course(postgres, tmp_path_factory) -> PostgresCourse:
    """A course released and graded with its gradebook in a new database of
    the session's PostgreSQL server, by the installed `course` command."""
    url = postgres.create_database("course_end_to_end")
    root = tmp_path_factory.mktemp("pg-course")
    (root / CONFIG_NAME).write_bytes((DEFAULT_COURSE_DIR / CONFIG_NAME).read_bytes())
    course = PostgresCourse(root, url, tmp_path_factory.mktemp("pg-submissions"), None)
    released = course.run("release", ASSIGNMENT)
    assert released.returncode == 0, released.stderr[-3000:]
    _write_submissions(course.course, course.submissions)
    course.first_grade = course.run("grade", ASSIGNMENT, str(course.submissions))
    return course


def _gradebook_scores(url: str) -> dict[str, float]:
    """{student: score} of the assignment, read with nbgrader's API."""
    with Gradebook(url, COURSE_ID) as gradebook:
        return {
            submission.student.id: submission.score
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
        }


def _part_scores(url: str) -> dict[tuple[str, str], float]:
    """{(student, grade_id): score} of every graded cell."""
    with Gradebook(url, COURSE_ID) as gradebook:
        return {
            (submission.student.id, grade.name): grade.score
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def _max_score(url: str) -> float:
    with Gradebook(url, COURSE_ID) as gradebook:
        return gradebook.find_assignment(ASSIGNMENT).max_score


def _no_sqlite_gradebook(root: Path) -> None:
    """Nothing wrote a SQLite gradebook (or any .db file) in the course."""
    assert not Course(root).gradebook_file.exists()
    assert list(root.rglob("*.db")) == []


def _mtimes(course: Course) -> dict[str, int]:
    """When each student's graded notebook and verdict record were written."""
    return {
        student: (
            course.autograded_notebook(student, ASSIGNMENT).stat().st_mtime_ns,
            course.result_record(ASSIGNMENT, student).stat().st_mtime_ns,
        )
        for student in STUDENTS
    }


def test_the_batch_is_graded_into_postgres(pg_course):
    """Are the three students graded, with the scores the gradebook on the
    server holds (full, zero, partial), and no SQLite file made?"""
    assert pg_course.first_grade.returncode == 0, pg_course.first_grade.stderr[-3000:]
    assert f"{ASSIGNMENT}: 3 graded, 0 rejected" in " ".join(pg_course.first_grade.stderr.split())
    scores = _gradebook_scores(pg_course.url)
    top = _max_score(pg_course.url)
    assert scores["alice"] == top > 0
    assert scores["bob"] == 0
    assert 0 < scores["carol"] < top
    with pg_course.course.result_record(ASSIGNMENT, "carol").open() as handle:
        record = json.load(handle)
    assert sum(test["score"] for test in record["tests"]) == scores["carol"]
    _no_sqlite_gradebook(pg_course.root)


def test_a_rerun_skips_everything_and_regrade_redoes_one_student(pg_course):
    """Does a second run grade nothing (the ledger and the gradebook agree
    that all is graded), and `--regrade --student bob` grade bob alone,
    leaving every score as it was?"""
    before, scores = _mtimes(pg_course.course), _gradebook_scores(pg_course.url)
    rerun = pg_course.run("grade", ASSIGNMENT, str(pg_course.submissions))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    output = " ".join(rerun.stderr.split())
    assert "3 submission(s) already graded from the same file: skipped" in output
    assert f"{ASSIGNMENT}: 0 graded, 0 rejected" in output
    assert _mtimes(pg_course.course) == before
    regrade = pg_course.run(
        "grade", ASSIGNMENT, str(pg_course.submissions), "--regrade", "--student", "bob"
    )
    assert regrade.returncode == 0, regrade.stderr[-3000:]
    assert f"{ASSIGNMENT}: 1 graded, 0 rejected" in " ".join(regrade.stderr.split())
    after = _mtimes(pg_course.course)
    assert after["bob"][0] > before["bob"][0] and after["bob"][1] > before["bob"][1]
    assert {s: after[s] for s in ("alice", "carol")} == {s: before[s] for s in ("alice", "carol")}
    assert _gradebook_scores(pg_course.url) == scores
    _no_sqlite_gradebook(pg_course.root)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_feedback_export_and_report_read_the_postgres_gradebook(pg_course, tmp_path):
    """Do feedback, export and report work from the server, and does every
    score in the export (total and per part) equal the gradebook's?"""
    feedback = pg_course.run("feedback", ASSIGNMENT)
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    for student in STUDENTS:
        assert pg_course.course.feedback_html(student, ASSIGNMENT).is_file()
    exported = tmp_path / "grades.csv"
    export = pg_course.run("export", "--to", str(exported))
    assert export.returncode == 0, export.stderr[-3000:]
    rows = {row["student_id"]: row for row in _csv_rows(exported)}
    assert {s: float(rows[s]["score"]) for s in STUDENTS} == _gradebook_scores(pg_course.url)
    parts = {
        (student, column.split(":", 1)[1]): float(value)
        for student, row in rows.items()
        for column, value in row.items()
        if column.startswith(f"{ASSIGNMENT}:")
    }
    assert parts == _part_scores(pg_course.url)
    report = tmp_path / "report.html"
    reported = pg_course.run("report", "--to", str(report))
    assert reported.returncode == 0, reported.stderr[-3000:]
    assert f"wrote {report} (3 graded notebooks)" in " ".join(reported.stderr.split())
    assert ASSIGNMENT in report.read_text(encoding="utf-8")
    _no_sqlite_gradebook(pg_course.root)


def test_stock_nbgrader_and_course_share_the_course_level_setting(pg_course, tmp_path):
    """With only COURSE_DB_URL set (no --db), do stock `nbgrader db student
    list`, `nbgrader export` and `nbgrader db upgrade` (alembic on the
    server), and `course export`, all read the same PostgreSQL gradebook?"""
    students = pg_course.nbgrader("db", "student", "list")
    assert students.returncode == 0, students.stderr[-3000:]
    listed = students.stdout + students.stderr
    assert all(f"{student} (" in listed for student in STUDENTS), listed
    theirs = tmp_path / "nbgrader.csv"
    export = pg_course.nbgrader("export", "--to", str(theirs))
    assert export.returncode == 0, export.stderr[-3000:]
    scores = {row["student_id"]: float(row["score"]) for row in _csv_rows(theirs)}
    assert scores == _gradebook_scores(pg_course.url)
    upgrade = pg_course.nbgrader("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]
    ours = tmp_path / "course.csv"
    result = subprocess.run(
        [str(command_line.SCRIPTS / "course"), "export", "--to", str(ours),
         "--course", str(pg_course.root)],
        env={**_environment(pg_course.url), "NO_COLOR": "1"},
        capture_output=True, text=True, timeout=command_line.TIMEOUT_S, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    # `course export` writes nbgrader's columns first, then one per graded part.
    ours_lines, theirs_lines = ours.read_text().splitlines(), theirs.read_text().splitlines()
    assert len(ours_lines) == len(theirs_lines) == 1 + len(STUDENTS)
    for line, nbgrader_line in zip(ours_lines, theirs_lines, strict=True):
        assert line.startswith(nbgrader_line + ",")
    _no_sqlite_gradebook(pg_course.root)


def test_formgrader_serves_the_postgres_gradebook(pg_course, tmp_path):
    """Does nbgrader's formgrader server extension, started on the course
    with COURSE_DB_URL, serve its gradebook page and the scores the server
    holds?"""
    port, token = free_port(), "course-postgres-test"
    server = subprocess.Popen(
        [str(command_line.SCRIPTS / "jupyter-server"), "--no-browser", "--allow-root",
         f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={pg_course.root}",
         "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}"],
        cwd=pg_course.root, env={**_environment(pg_course.url), "HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("wb"),
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/formgrader"
        page = _get(f"{base}/gradebook/?token={token}", server, tmp_path / "server.log")
        assert "Manual Grading" in page and "gradebook_assignments.js" in page
        # What that page's script loads, then one assignment's submissions.
        assignments = json.loads(_get(f"{base}/api/assignments?token={token}"))
        assert [(a["name"], a["num_submissions"]) for a in assignments] == [(ASSIGNMENT, 3)]
        submissions = json.loads(_get(f"{base}/api/submissions/{ASSIGNMENT}?token={token}"))
        assert {s["student"]: s["score"] for s in submissions} == _gradebook_scores(pg_course.url)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(30)
    _no_sqlite_gradebook(pg_course.root)


def test_course_formgrader_serves_the_postgres_gradebook(pg_course, tmp_path):
    """Does `course formgrader --db URL` start nbgrader's formgrader on the
    server's gradebook: its gradebook page, the assignment and the scores?"""
    with running_formgrader(pg_course.root, tmp_path / "log", "--db", pg_course.url) as server:
        base, token = f"{server.origin}/formgrader", server.token
        page = _get(f"{base}/gradebook/?token={token}")
        assert "Manual Grading" in page and "gradebook_assignments.js" in page
        assignments = json.loads(_get(f"{base}/api/assignments?token={token}"))
        assert [(a["name"], a["num_submissions"]) for a in assignments] == [(ASSIGNMENT, 3)]
        submissions = json.loads(_get(f"{base}/api/submissions/{ASSIGNMENT}?token={token}"))
        assert {s["student"]: s["score"] for s in submissions} == _gradebook_scores(pg_course.url)
    _no_sqlite_gradebook(pg_course.root)


def _get(url: str, server: subprocess.Popen | None = None, log: Path | None = None) -> str:
    """The body of a GET on the local server, waiting for it to start."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read().decode("utf-8")
        except (ConnectionError, urllib.error.URLError) as error:
            if isinstance(error, urllib.error.HTTPError) or time.monotonic() > deadline:
                raise
            if server is not None and server.poll() is not None:
                pytest.fail(f"jupyter server exited: {log.read_text()[-3000:]}")
            time.sleep(0.5)
