"""One mixed batch graded three ways gives the same grades, exports and feedback.

The batch mixes honest students, mutants of the mutation catalogue and
hostile cases of the red-team table (rejected files, broken notebooks,
attacks on the grader, a notebook that sleeps past its cell's time). It is
graded by the real `course grade` into three copies of the same course (the
same grading seed, so the same hidden inputs):

- with one worker (``--workers 1``);
- with as many workers as the machine has cores (the default);
- on a real Dask cluster (a `dask scheduler` and two `dask worker`
  processes on localhost) through ``--scheduler``.

Heavy: about 30 notebooks graded three times.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.coursedir import Course
from tests.autograder.command_line import course as course_command
from tests.autograder.dask_cluster import dask_cluster
from tests.autograder.mutations.catalogue import MUTANTS
from tests.autograder.mutations.submissions import mutant_notebook
from tests.autograder.redteam.batch import COURSE_ID, copy_course
from tests.autograder.redteam.cases import HOSTILE_CASES
from tests.autograder.redteam.course_setup import (
    make_context,
    sentinel_student,
    write_honest_students,
)
from tests.autograder.redteam.honest import HONEST_STUDENTS
from tests.autograder.redteam.notebooks import ASSIGNMENT

pytestmark = pytest.mark.slow

HOSTILE = {
    "notjson", "duplicate", "zipslip", "deletedtest", "pointschanged", "kernelspec",
    "exitmidway", "nanloss", "wrongdtype", "editedtests", "sleepforever",
    "monkeypatch", "alwaysequal", "hijackprobe", "readseed",
}  # fmt: skip
"""Hostile cases whose outputs do not depend on timing (a fork bomb's count of
children does; whether a kernel that kills itself sent its cell's execution
count first does too), so that even their feedback must be the same byte for
byte."""

WAYS = ("one worker", "all cores", "dask cluster")


def _write_batch(template: Path, base: Path, listener) -> Path:
    """The mixed batch's folder (built against a throw-away copy of the course)."""
    scratch = copy_course(template, base / "scratch-course")
    context = make_context(scratch, listener, sentinel_student(scratch))
    folder = base / "submissions"
    folder.mkdir()
    for case in HOSTILE_CASES:
        if case.student in HOSTILE:
            case.write(context, folder)
    write_honest_students(context, folder, HONEST_STUDENTS[:4])
    source = nbformat.read(Course(scratch).source_notebook(ASSIGNMENT), 4)
    for mutant in [m for m in MUTANTS if m.assignment == ASSIGNMENT][:5]:
        notebook = mutant_notebook(source, mutant)
        name = mutant.name.replace("-", "")
        nbformat.write(notebook, folder / f"{name}_{ASSIGNMENT}.ipynb")
    return folder


def _grade(course: Path, folder: Path, *extra: str) -> subprocess.CompletedProcess:
    return course_command("grade", ASSIGNMENT, str(folder), "--course", str(course), *extra)


@pytest.fixture(scope="module")
def graded_three_ways(redteam_template, listener, tmp_path_factory):
    """{way: (course, the finished `course grade`)} for the three ways."""
    base = tmp_path_factory.mktemp("equivalence")
    folder = _write_batch(redteam_template, base, listener)
    courses = {
        way: copy_course(redteam_template, base / f"course{i}") for i, way in enumerate(WAYS)
    }
    runs = {
        "one worker": _grade(courses["one worker"], folder, "--workers", "1"),
        "all cores": _grade(courses["all cores"], folder),
    }
    with dask_cluster(base / "dask", workers=2) as cluster:
        runs["dask cluster"] = _grade(
            courses["dask cluster"], folder, "--scheduler", cluster.address
        )
    return {way: (courses[way], runs[way]) for way in WAYS}


def _gradebook(course: Path) -> dict:
    """Every submission of the assignment: its scores, penalty and every grade."""
    found = {}
    with Gradebook(Course(course).gradebook_url, COURSE_ID) as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            notebook = submission.notebooks[0]
            found[submission.student.id] = (
                submission.score,
                submission.max_score,
                notebook.late_submission_penalty,
                sorted(
                    (g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                    for g in notebook.grades
                ),
            )
    return found


def _feedback(course: Path) -> dict[str, bytes]:
    root = Course(course).folder("feedback")
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*.html")}


def _rejected(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if line.startswith("rejected "))


def test_the_batch_was_graded_and_rejected_alike(graded_three_ways):
    """Does each way exit 1 (some files are rejected on purpose) and reject
    the same files with the same reasons?"""
    runs = {way: run for way, (_, run) in graded_three_ways.items()}
    for way, run in runs.items():
        assert run.returncode == 1, (way, run.stderr[-3000:])
    reference = _rejected(runs["one worker"].stderr)
    assert reference, "the batch holds files that must be rejected"
    for way in WAYS[1:]:
        assert _rejected(runs[way].stderr) == reference, way


def test_the_gradebooks_are_identical(graded_three_ways):
    gradebooks = {way: _gradebook(course) for way, (course, _) in graded_three_ways.items()}
    assert len(gradebooks["one worker"]) >= 20
    for way in WAYS[1:]:
        assert gradebooks[way] == gradebooks["one worker"], way


def test_the_exports_are_identical(graded_three_ways, tmp_path):
    exports = {}
    for way, (course, _) in graded_three_ways.items():
        target = tmp_path / f"{way.replace(' ', '-')}.csv"
        result = course_command("export", "--to", str(target), "--course", str(course))
        assert result.returncode == 0, result.stderr[-3000:]
        exports[way] = target.read_text(encoding="utf-8")
    for way in WAYS[1:]:
        assert exports[way] == exports["one worker"], way


def test_the_feedback_is_identical(graded_three_ways):
    feedback = {way: _feedback(course) for way, (course, _) in graded_three_ways.items()}
    assert len(feedback["one worker"]) >= 20
    for way in WAYS[1:]:
        assert feedback[way].keys() == feedback["one worker"].keys(), way
        different = [n for n in feedback[way] if feedback[way][n] != feedback["one worker"][n]]
        assert different == [], way
