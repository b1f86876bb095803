"""`course grade`: import a folder of submissions and autograde them.

This module parses the arguments and prints; the batch itself (intake,
resume, workers, recording) is autograder.grading.batch.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from autograder.apps.common import UsageError, console, course_from, roster_from
from autograder.coursedir import nbgrader_api
from autograder.deadlines.due import DeadlineError, load_deadlines
from autograder.deadlines.lateness import intake_notes
from autograder.grading.batch import Batch, CourseGrade, Plan, machine_cores
from autograder.grading.executor import DaskExecutor, ExecutorError
from autograder.grading.template import TemplateError
from autograder.intake.times import TimeError
from autograder.kernels import install_kernelspec
from autograder.sandbox import SandboxedKernelManager, admit_kernels, sandbox_available

HELP = "import a folder of submissions and autograde them"
EXAMPLE = """example:
  course grade a2_rnn ~/Downloads/a2_rnn_submissions
The folder may be nbgrader's layout (<student>/a2_rnn/a2_rnn.ipynb) or what a
learning-management system exports: notebooks or zips named with the student
id (jdoe_a2_rnn.ipynb, a2_rnn-jdoe.zip), or Canvas's and Moodle's own download
naming, whose students are looked up in the roster (course/roster.csv or
--roster). A submission's time comes from timestamps.csv, Moodle's grading
worksheet, nbgrader's timestamp.txt or the file's modification time (never
from Canvas's or Moodle's files); one without a time is listed, and gets no
late penalty. Submissions are graded in parallel, as many at once as the
machine has cores (--workers N), or on a Dask cluster (--scheduler
tcp://HOST:PORT), with a progress bar; one that cannot be read or graded is
listed with its reason at the end and never stops the others.
A batch can be stopped at any moment (even killed) and run again: a
submission already graded from the same file (same SHA-256) is skipped, so
nothing is lost and nothing is graded twice; --regrade grades them anew.
--student limits the batch to some students and leaves every other grade as
it was.
Exit code: 0 when every submission was graded, 1 when some were rejected,
2 on bad arguments."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. a2_rnn")
    parser.add_argument("submissions", type=Path, help="folder of submissions")
    parser.add_argument(
        "--student",
        action="append",
        default=[],
        metavar="ID",
        help="grade only this student (repeat for several); the others are left as they are",
    )
    parser.add_argument(
        "--regrade",
        action="store_true",
        help="grade again submissions already graded from the same file",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        help="class list mapping LMS ids and names to student ids "
        "(default: course/roster.csv when it exists)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="submissions graded at once on this machine (default: its number of cores, "
        "or c.CourseGrade.workers in nbgrader_config.py)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="grade on the workers of this running Dask scheduler instead of this machine "
        "(default: c.CourseGrade.scheduler in nbgrader_config.py, if set)",
    )
    parser.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even where a worker has no sandbox (bubblewrap): students' code then "
        "runs with the worker's user, files and network. Never needed on a ready machine",
    )


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be a whole number >= 1, got {args.workers}")
    course = course_from(args)
    released = course.released_assignments()
    if args.assignment not in released:
        raise UsageError(
            f"assignment {args.assignment!r} has not been released: run `course release "
            f"{args.assignment}` first (released: {', '.join(released) or 'none'})"
        )
    api = nbgrader_api(course)
    settings = CourseGrade(config=api.config)
    scheduler = args.scheduler or settings.scheduler
    if args.scheduler and args.workers is not None:
        raise UsageError(
            "--workers sets how many submissions this machine grades at once; with "
            "--scheduler the cluster's workers grade: give one or the other"
        )
    try:
        install_kernelspec(course)  # the one command that runs kernels
    except FileNotFoundError as error:  # no kernel Python: says which and what to do
        raise UsageError(str(error)) from None
    roster = roster_from(args, course)
    try:
        zone = load_deadlines(course).zone
    except DeadlineError as error:
        raise UsageError(str(error)) from None
    batch = Batch(
        course,
        api,
        args.assignment,
        students=tuple(args.student),
        regrade=args.regrade,
        allow_unsandboxed=args.allow_unsandboxed,
        roster=roster,
        zone=zone,
    )
    scores: dict[str, tuple[float, float]] = {}
    warnings: list[str] = []
    with contextlib.ExitStack() as stack:
        executor = None
        if scheduler:  # reached (or refused) before anything is copied into the course
            executor = stack.enter_context(_cluster(scheduler))
        with tempfile.TemporaryDirectory(prefix="course-intake-") as scratch:
            try:
                plan = batch.plan(args.submissions, Path(scratch))
            except (FileNotFoundError, TimeError) as error:
                raise UsageError(str(error)) from None
        _print_intake_notes(api, args.assignment, plan.submissions)
        if plan.skipped:
            console.print(
                f"{plan.skipped} submission(s) already graded from the same file: skipped"
            )
        if plan.pending:
            if executor is None:
                workers = args.workers or settings.workers or machine_cores()
                executor = stack.enter_context(_local(api, workers, len(plan.pending), args))
            try:
                template = batch.template()
            except TemplateError as error:
                raise UsageError(str(error)) from None
            _grade_with_progress(batch, plan, executor, template, scores, warnings)
    _summary(args.assignment, scores, plan.rejections, warnings, batch.stopped)
    return 1 if plan.rejections else 0


def _cluster(scheduler: str) -> DaskExecutor:
    """The running Dask cluster at `scheduler`."""
    try:
        executor = DaskExecutor.connect(scheduler)
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    console.print(f"grading on the Dask cluster at {scheduler} ({executor.workers} workers)")
    return executor


def _local(api, workers: int, pending: int, args) -> DaskExecutor:
    """A local cluster of as many workers as asked, as fit in memory and as
    there are submissions."""
    if workers < 1:
        raise UsageError(f"c.CourseGrade.workers must be a whole number >= 0, got {workers}")
    manager = SandboxedKernelManager(config=api.config)
    if not args.allow_unsandboxed:
        available, reason = sandbox_available(manager.bwrap)
        if not available:
            raise UsageError(
                f"this machine cannot grade in the sandbox: {reason}. `course check-worker` "
                "says what is missing; --allow-unsandboxed grades without the sandbox"
            )
    admission = admit_kernels(min(workers, pending), manager.memory_cap)
    if admission.kernels == 0:
        raise UsageError(admission.message)
    if admission.message:
        console.print(f"[yellow]{admission.message}[/yellow]")
    return DaskExecutor.local(admission.kernels)


def _grade_with_progress(batch, plan: Plan, executor, template, scores, warnings):
    """Run the batch with a progress bar and ETA counting finished submissions."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"grading {batch.assignment}", total=len(plan.pending))
        for finished in batch.run(plan, executor, template):
            if finished.rejection is not None:
                plan.rejections.append(finished.rejection)
            else:
                scores[finished.student] = finished.score
            if finished.warning:
                warnings.append(finished.warning)
            progress.update(task, description=f"graded {finished.student}")
            progress.advance(task)


def _print_intake_notes(api, assignment: str, submissions) -> None:
    """Before grading: the due date, and what intake found about each
    submission's time and student (intake warnings, apart from the loop)."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        due = gradebook.find_assignment(assignment).duedate
    if due is None:
        console.print(f"{assignment} has no due date (c.Deadlines.due): nothing is late")
    else:
        console.print(f"{assignment} is due {due:%Y-%m-%d %H:%M} UTC")
    for note in intake_notes(submissions, due):
        console.print(f"[yellow]note[/yellow] {note}")


def _summary(assignment, scores, rejections, warnings, stopped: str) -> None:
    table = Table(title=f"{assignment}: {len(scores)} graded, {len(rejections)} rejected")
    table.add_column("student")
    table.add_column("score", justify="right")
    for student, (score, max_score) in sorted(scores.items()):
        table.add_row(student, f"{score:g} / {max_score:g}")
    console.print(table)
    for rejection in rejections:
        console.print(f"[yellow]rejected[/yellow] {rejection.origin.name}: {rejection.reason}")
    for warning in warnings:
        console.print(f"[yellow]warning[/yellow] {warning}")
    if stopped:
        console.print(f"[red]the batch stopped early: {stopped}[/red]")
