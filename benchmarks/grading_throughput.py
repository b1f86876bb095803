"""Submissions per minute: `course grade` on one worker, on every core and on a
Dask cluster, against stock nbgrader's sequential `autograde`, in one run.

    .venv/bin/python benchmarks/grading_throughput.py [--submissions 40]
        [--assignment a2_rnn] [--profile] [--coordinator-cost 200]

The submissions are assignment 2's instructor notebook (trimmed of its
training run, as the mutation catalogue grades it) and the catalogue's
mutants of it, in turn, up to --submissions. Every row grades the same
files into its own fresh copy of one released course (the same grading
seed), timed from the command's start to its end:

- ``stock nbgrader``: `nbgrader autograde` run in a course directory that
  uses nbgrader's own sanitizers and Execute, a plain kernel (the course's
  kernel environment) and no sandbox, one submission after the other; run
  first and again last, and shown as the mean of the two (the machine's
  speed drifts over a run this long);
- ``course grade --workers 1``, ``--workers <cores>``;
- ``course grade --scheduler``: a `dask scheduler` and two `dask worker`
  processes started on localhost for the row.

It prints seconds, submissions per minute and the speed-up over stock, and
checks that the three course-grade rows give identical scores (every grade
of every student). --profile adds a pyinstrument profile of one grading
(worker.grade in this process, after a warm-up grading); --coordinator-cost
records N copies of one outcome into a fresh course and prints the
coordinator's cost per recorded result. Run it on a quiet machine: it
prints the load average before and after.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.cli import main as course_main
from autograder.coursedir import (
    CONFIG_NAME,
    DEFAULT_COURSE_DIR,
    REPOSITORY,
    Course,
    nbgrader_api,
)
from autograder.grading import transfer, worker
from autograder.grading.batch import machine_cores
from autograder.grading.recorder import Recorder
from autograder.grading.seed import load_or_create_seed, submission_seed
from autograder.grading.template import build_template
from autograder.intake.collect import file_digest
from autograder.kernels import install_kernelspec

# The test suite's helpers: the mutation catalogue and a localhost Dask cluster.
sys.path.insert(0, str(REPOSITORY))
from tests.autograder.dask_cluster import dask_cluster
from tests.autograder.mutations.catalogue import MUTANTS
from tests.autograder.mutations.submissions import mutant_notebook

SCRIPTS = Path(sys.executable).parent

STOCK = """
# Stock nbgrader: its own sanitizers and Execute, a plain kernel, no sandbox.
from nbgrader.preprocessors import Execute
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.Execute.kernel_name = "course-student"
c.Execute.timeout = 60
"""


def released_course(folder: Path, assignment: str) -> Path:
    """A course released for `assignment` with a grading seed, in `folder`."""
    root = folder / "released"
    root.mkdir(parents=True)
    shutil.copyfile(DEFAULT_COURSE_DIR / CONFIG_NAME, root / CONFIG_NAME)
    assert course_main(["release", assignment, "--course", str(root)]) == 0
    load_or_create_seed(root)
    return root


def write_submissions(course: Path, assignment: str, count: int, folder: Path) -> list[str]:
    """`count` notebooks <student>_<assignment>.ipynb: the trimmed instructor
    notebook and the catalogue's mutants of it, in turn."""
    source = nbformat.read(Course(course).source_notebook(assignment), 4)
    kinds = [None, *(m for m in MUTANTS if m.assignment == assignment)]
    folder.mkdir()
    students = []
    for index in range(count):
        mutant = kinds[index % len(kinds)]
        student = f"s{index:03d}{'honest' if mutant is None else mutant.name.replace('-', '')}"
        nbformat.write(mutant_notebook(source, mutant), folder / f"{student}_{assignment}.ipynb")
        students.append(student)
    return students


def fresh_copy(template: Path, target: Path, extra_config: str = "") -> Path:
    shutil.copytree(template, target)
    if extra_config:
        with (target / CONFIG_NAME).open("a", encoding="utf-8") as config:
            config.write(extra_config)
    return target


def timed(command: list[str], cwd: Path | None = None) -> float:
    """Seconds `command` takes; it must succeed."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return seconds


def stock_row(
    released: Path, folder: Path, assignment: str, submissions: Path, name: str = "stock"
) -> float:
    course = fresh_copy(released, folder / name, STOCK)
    for notebook in sorted(submissions.glob("*.ipynb")):
        student = notebook.name.removesuffix(f"_{assignment}.ipynb")
        target = Course(course).submitted_notebook(student, assignment)
        target.parent.mkdir(parents=True)
        shutil.copyfile(notebook, target)
    install_kernelspec(Course(course))  # the stock kernel is the course's kernel environment
    return timed([str(SCRIPTS / "nbgrader"), "autograde", assignment, "--force"], cwd=course)


def course_row(released: Path, target: Path, assignment: str, submissions: Path, *extra) -> float:
    course = fresh_copy(released, target)
    command = [str(SCRIPTS / "course"), "grade", assignment, str(submissions)]
    return timed([*command, "--course", str(course), *extra])


def grades(course: Path, assignment: str) -> dict:
    """{student: (score, sorted (grade, auto score))} of the assignment."""
    found = {}
    with Gradebook(Course(course).gradebook_url, "rnn-gradients") as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            notebook = submission.notebooks[0]
            found[submission.student.id] = (
                submission.score,
                sorted((grade.name, grade.auto_score) for grade in notebook.grades),
            )
    return found


def one_outcome(released: Path, folder: Path, assignment: str, notebook: Path):
    """(template, job) for grading `notebook` in this process."""
    course = Course(fresh_copy(released, folder / "one"))
    coursedir = nbgrader_api(course).coursedir
    template = build_template(course, assignment, coursedir.db_url, coursedir.course_id)
    sent = folder / "sent"
    sent.mkdir()
    shutil.copyfile(notebook, sent / f"{assignment}.ipynb")
    digest = file_digest(sent / f"{assignment}.ipynb")
    seed = submission_seed(load_or_create_seed(course), "profiled", digest)
    job = worker.Job("profiled", assignment, digest, seed, transfer.pack(sent))
    return course, template, job


def profile_one(released: Path, folder: Path, assignment: str, notebook: Path) -> None:
    from pyinstrument import Profiler

    _, template, job = one_outcome(released, folder, assignment, notebook)
    worker.grade(template, job)  # imports, first sandbox: not the per-submission cost
    profiler = Profiler(interval=0.001)
    profiler.start()
    outcome = worker.grade(template, job)
    profiler.stop()
    print(f"\nprofile of one grading (worker.grade), steps: {outcome.seconds}")
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def coordinator_cost(released: Path, folder: Path, assignment: str, notebook: Path, n: int):
    """Seconds per recorded result: gradebook, check, files, records, ledger."""
    course, template, job = one_outcome(released, folder, assignment, notebook)
    outcome = worker.grade(template, job)
    api = nbgrader_api(course)
    recorder = Recorder(course, api.coursedir, api.config)
    started = time.perf_counter()
    for index in range(n):
        recorder.record(dataclasses.replace(outcome, student=f"r{index:05d}"))
    seconds = (time.perf_counter() - started) / n
    sizes = (len(job.submission), len(outcome.autograded) + len(outcome.feedback))
    print(
        f"\ncoordinator: {seconds * 1000:.1f} ms per recorded result ({n} results, SQLite "
        f"gradebook); a job carries {sizes[0]} bytes to a worker, its outcome "
        f"{sizes[1]} bytes back"
    )


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--assignment", default="a2_rnn")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--coordinator-cost", type=int, default=0, metavar="N")
    args = parser.parse_args()
    cores = machine_cores()
    print(f"load average before: {os.getloadavg()}; cores: {cores}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as scratch:
        folder = Path(scratch)
        released = released_course(folder, args.assignment)
        submissions = folder / "submissions"
        write_submissions(released, args.assignment, args.submissions, submissions)
        rows = {
            "stock nbgrader (sequential)": stock_row(
                released, folder, args.assignment, submissions
            )
        }
        courses = {}
        for name, extra in (
            ("course grade --workers 1", ("--workers", "1")),
            (f"course grade --workers {cores}", ("--workers", str(cores))),
        ):
            courses[name] = folder / name.replace(" ", "_")
            rows[name] = course_row(released, courses[name], args.assignment, submissions, *extra)
        name = "course grade --scheduler (2 dask workers)"
        courses[name] = folder / "dask_course"
        with dask_cluster(folder / "dask", workers=2) as cluster:
            rows[name] = course_row(
                released,
                courses[name],
                args.assignment,
                submissions,
                "--scheduler",
                cluster.address,
            )
        # Stock again, last: the machine's speed drifts over a run of this
        # length (by 14 % between two runs once), and every ratio is against
        # the mean of the two stock rows, which bracket the others.
        again = stock_row(released, folder, args.assignment, submissions, "stock-again")
        first = rows["stock nbgrader (sequential)"]
        stock = rows["stock nbgrader (sequential)"] = (first + again) / 2
        print(f"\nstock nbgrader first {first:.1f} s, last {again:.1f} s: mean {stock:.1f} s")
        print(f"\n{args.submissions} submissions of {args.assignment}")
        print(f"{'row':<44} {'seconds':>8} {'subs/min':>9} {'speed-up':>9}")
        for name, seconds in rows.items():
            print(
                f"{name:<44} {seconds:>8.1f} {args.submissions * 60 / seconds:>9.1f} "
                f"{stock / seconds:>9.2f}"
            )
        single = rows["course grade --workers 1"] / stock
        print(f"single-worker overhead against stock: {single:.2f}x (target <= 1.1)")
        parallel = stock / rows[f"course grade --workers {cores}"]
        print(f"speed-up of --workers {cores}: {parallel:.2f} (target >= {0.9 * cores:.1f})")
        found = {name: grades(course, args.assignment) for name, course in courses.items()}
        reference = next(iter(found.values()))
        same = all(grades_ == reference for grades_ in found.values())
        print(f"identical scores in every course-grade row: {same} ({len(reference)} students)")
        if args.profile:
            notebook = sorted(submissions.glob("*honest*.ipynb"))[0]
            profile_one(released, folder / "profile", args.assignment, notebook)
        if args.coordinator_cost:
            notebook = sorted(submissions.glob("*honest*.ipynb"))[0]
            coordinator_cost(
                released, folder / "cost", args.assignment, notebook, args.coordinator_cost
            )
    print(f"load average after: {os.getloadavg()}")
    if not same:
        raise SystemExit("the course-grade rows disagree")


if __name__ == "__main__":
    run()
