"""A worker grades one submission in a private course made from the template,
with a real sandboxed kernel and nbgrader, and writes nothing of the course."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from autograder import __version__
from autograder.coursedir import CONFIG_NAME, SEED_FILE_NAME, Course, nbgrader_api
from autograder.grading import transfer, worker
from autograder.grading.template import build_template
from autograder.intake.collect import file_digest
from tests.autograder.redteam.notebooks import ASSIGNMENT, FULL_MARKS
from tests.autograder.redteam.snapshot import fingerprint, no_bytecode

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(released_course, tmp_path_factory) -> Course:
    root = tmp_path_factory.mktemp("worker") / "course"
    shutil.copytree(
        released_course,
        root,
        ignore=shutil.ignore_patterns("submitted", "autograded", "feedback", "results"),
    )
    return Course(root)


@pytest.fixture(scope="module")
def template(course) -> bytes:
    coursedir = nbgrader_api(course).coursedir
    return build_template(course, ASSIGNMENT, coursedir.db_url, coursedir.course_id)


@pytest.fixture
def private_tmp(monkeypatch) -> Iterator[Path]:
    """The worker's temporary folder, to see that it leaves nothing there
    (short: the kernel's sockets are made below it)."""
    folder = Path(tempfile.mkdtemp(prefix="worker-tmp-", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    try:
        yield folder
    finally:
        worker.release_kernels()
        shutil.rmtree(folder, ignore_errors=True)


def _job(folder: Path, notebook: Path, **changes) -> worker.Job:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, folder / f"{ASSIGNMENT}.ipynb")
    fields = dict(
        student="jdoe",
        assignment=ASSIGNMENT,
        sha256=file_digest(folder / f"{ASSIGNMENT}.ipynb"),
        seed=12345,
        submission=transfer.pack(folder),
    )
    return worker.Job(**{**fields, **changes})


def test_the_template_holds_the_source_and_a_gradebook_and_never_the_seed(course, template):
    names = set(transfer.members(template))
    assert {CONFIG_NAME, "gradebook.db", f"source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"} <= names
    assert not any(name.endswith(SEED_FILE_NAME) for name in names)
    assert not any(name.split("/")[0] in ("release", "submitted", "results") for name in names)


def test_an_honest_submission_comes_back_graded_with_its_files(
    course, template, tmp_path, private_tmp
):
    """Does the worker return the autograded notebook, the feedback HTML and
    a full-marks verdict record of the file it was sent, leave the course
    untouched and its temporary folder empty?"""
    before = fingerprint(course.root, no_bytecode)
    job = _job(tmp_path / "sent", course.source_notebook(ASSIGNMENT))
    outcome = worker.grade(template, job)
    assert outcome.graded, outcome.failure
    record = outcome.records[ASSIGNMENT]
    assert record["submission_sha256"] == job.sha256
    assert sum(test["score"] for test in record["tests"]) == FULL_MARKS
    assert record["limits"]["sandboxed"] is True
    graded = transfer.members(outcome.autograded)
    nbformat.reads(graded[f"{ASSIGNMENT}.ipynb"].decode(), as_version=4)
    feedback = transfer.members(outcome.feedback)[f"{ASSIGNMENT}.html"].decode()
    assert "Hidden test of" in feedback
    assert outcome.worker.endswith(f":{os.getpid()}")
    assert fingerprint(course.root, no_bytecode) == before
    # Only the next notebook's kernel, launched ahead, and its scratch folder
    # are left; releasing them leaves the temporary folder empty.
    left = sorted(path.name.rsplit("-", 1)[0] for path in private_tmp.iterdir())
    assert left == ["course-grade", "kernel-sandbox"]
    worker.release_kernels()
    assert list(private_tmp.iterdir()) == []


def test_a_notebook_nbgrader_cannot_grade_comes_back_with_its_exception(
    course, template, tmp_path, private_tmp
):
    """A submission whose only notebook is not the assignment's: is the
    failure nbgrader's own exception, named, and not a generic message?"""
    folder = tmp_path / "sent"
    folder.mkdir()
    shutil.copyfile(course.source_notebook(ASSIGNMENT), folder / "other.ipynb")
    job = worker.Job("jdoe", ASSIGNMENT, "00" * 32, 1, transfer.pack(folder))
    outcome = worker.grade(template, job)
    assert not outcome.graded
    assert outcome.failure.startswith("NbGraderException: No notebooks found")
    assert outcome.records == {} and outcome.autograded == b""
    worker.release_kernels()
    assert list(private_tmp.iterdir()) == []


def test_a_worker_of_another_version_refuses(course, template, tmp_path):
    job = _job(tmp_path / "sent", course.source_notebook(ASSIGNMENT), grader_version="0.0.0")
    with pytest.raises(worker.WorkerRefused, match=f"runs grader version {__version__}"):
        worker.grade(template, job)


def test_a_worker_without_the_sandbox_refuses_unless_allowed(course, template, tmp_path):
    """With bubblewrap missing, does the worker refuse loudly, and grade (with
    the record saying unsandboxed) only when the instructor allowed it?"""
    config = course.root / CONFIG_NAME
    original = config.read_text(encoding="utf-8")
    config.write_text(
        original + f"c.SandboxedKernelManager.bwrap = {str(tmp_path / 'no-bwrap')!r}\n",
        encoding="utf-8",
    )
    try:
        coursedir = nbgrader_api(course).coursedir
        broken = build_template(course, ASSIGNMENT, coursedir.db_url, coursedir.course_id)
    finally:
        config.write_text(original, encoding="utf-8")
    job = _job(tmp_path / "sent", course.source_notebook(ASSIGNMENT))
    with pytest.raises(worker.WorkerRefused, match="has no grading sandbox and refuses"):
        worker.grade(broken, job)
    again = _job(tmp_path / "again", course.source_notebook(ASSIGNMENT), allow_unsandboxed=True)
    allowed = worker.grade(broken, again)
    assert allowed.graded, allowed.failure
    assert allowed.records[ASSIGNMENT]["limits"]["sandboxed"] is False


def test_the_next_kernel_is_launched_ahead_and_serves_one_notebook(
    course, template, tmp_path, private_tmp
):
    """After a grading, is the next notebook's kernel already running (in a
    scratch folder of its own), does the next grading run in it, and is it
    gone afterwards, replaced by a new one (never one kernel for two)?"""
    source = nbformat.read(course.source_notebook(ASSIGNMENT), 4)
    source.cells.insert(1, nbformat.v4.new_code_cell("import os\nprint('cwd', os.getcwd())"))
    notebook = tmp_path / "cwd.ipynb"
    nbformat.write(source, notebook)

    def cwd_of(outcome: worker.Outcome) -> str:
        graded = transfer.members(outcome.autograded)[f"{ASSIGNMENT}.ipynb"].decode()
        cell = nbformat.reads(graded, as_version=4).cells[1]
        return cell.outputs[0]["text"].split()[1]

    first = worker.grade(template, _job(tmp_path / "one", notebook, student="first"))
    launched = worker._local.pool._next
    assert launched is not None and launched.scratch.exists()
    second = worker.grade(template, _job(tmp_path / "two", notebook, student="second"))
    assert first.graded and second.graded, (first.failure, second.failure)
    assert cwd_of(second) == str(launched.scratch / "kernel" / "work") != cwd_of(first)
    assert not launched.scratch.exists()
    assert worker._local.pool._next is not None
    assert worker._local.pool._next.manager is not launched.manager
