"""`course grade`: import a folder of submissions and autograde them."""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from autograder.apps.common import UsageError, console, course_from, roster_from
from autograder.coursedir import nbgrader_api
from autograder.deadlines.due import DeadlineError, load_deadlines
from autograder.deadlines.lateness import intake_notes
from autograder.grading import ledger
from autograder.grading.scores import gradebook_disagreements
from autograder.intake.collect import Rejection, collect, file_digest, place
from autograder.intake.times import TimeError
from autograder.kernels import install_kernelspec

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
late penalty. Every submission is graded in turn
with a progress bar; one that cannot be read or graded is listed with its
reason at the end and never stops the others.
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


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    released = course.released_assignments()
    if args.assignment not in released:
        raise UsageError(
            f"assignment {args.assignment!r} has not been released: run `course release "
            f"{args.assignment}` first (released: {', '.join(released) or 'none'})"
        )
    api = nbgrader_api(course)
    try:
        install_kernelspec(course)  # the one command that runs kernels
    except FileNotFoundError as error:  # no kernel Python: says which and what to do
        raise UsageError(str(error)) from None
    roster = roster_from(args, course)
    try:
        zone = load_deadlines(course).zone
    except DeadlineError as error:
        raise UsageError(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="course-intake-") as scratch:
        try:
            submissions, rejections = collect(
                args.submissions, args.assignment, Path(scratch), roster, zone
            )
        except (FileNotFoundError, TimeError) as error:
            raise UsageError(str(error)) from None
        if args.student:
            submissions = [s for s in submissions if s.student in args.student]
        _print_intake_notes(api, args.assignment, submissions)
        placed = []
        skipped = 0
        for submission in submissions:
            digest = file_digest(submission.notebook)
            if not args.regrade and ledger.already_graded(
                course, args.assignment, submission.student, digest
            ):
                skipped += 1
                continue
            try:
                place(submission, course)
                placed.append((submission, digest))
            except OSError as error:
                rejections.append(Rejection(submission.origin, f"could not be copied: {error}"))
    if skipped:
        console.print(f"{skipped} submission(s) already graded from the same file: skipped")
    scores: dict[str, tuple[float, float]] = {}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"grading {args.assignment}", total=len(placed))
        for submission, digest in placed:
            progress.update(task, description=f"grading {submission.student}")
            try:
                result = api.autograde(
                    args.assignment, submission.student, force=True, create=True
                )
            except Exception as error:  # nbgrader itself failed: report, keep going
                result = {"success": False, "error": f"{type(error).__name__}: {error}"}
            if result["success"]:
                disagreements = _verdicts_disagree(
                    api, course, args.assignment, submission.student
                )
                if disagreements:
                    # Never let a gradebook score stand that the verdicts do not back.
                    _forget(api, args.assignment, submission.student)
                    rejections.append(
                        Rejection(
                            submission.origin,
                            "GRADEBOOK DISAGREES WITH THE VERDICTS, grade removed: "
                            + "; ".join(disagreements),
                        )
                    )
                    progress.advance(task)
                    continue
                scores[submission.student] = _score(api, args.assignment, submission.student)
                ledger.mark_graded(course, args.assignment, submission.student, digest)
            else:
                _forget(api, args.assignment, submission.student)
                reason = _failure_reason(result)
                rejections.append(Rejection(submission.origin, f"autograding failed: {reason}"))
            progress.advance(task)
    _summary(args.assignment, scores, rejections)
    return 1 if rejections else 0


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


def _verdicts_disagree(api, course, assignment: str, student: str) -> list[str]:
    """Where the gradebook's scores of one graded submission differ from its
    verdict records (empty when every test cell agrees)."""
    problems = []
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        notebooks = [nb.name for nb in gradebook.find_assignment(assignment).notebooks]
    for notebook in notebooks:
        record = course.results / assignment / student / f"{notebook}.json"
        if not record.exists():
            problems.append(f"{notebook}: no verdict record")
            continue
        problems += gradebook_disagreements(
            api.coursedir.db_url, api.coursedir.course_id, record, assignment, student
        )
    return problems


def _score(api, assignment: str, student: str) -> tuple[float, float]:
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return (0.0, 0.0)
        return (submission.score, submission.max_score)


ERROR_LINE = re.compile(r"^\s*([\w.]*(?:Error|Exception|MissingEntry)): (.+)$")


def _failure_reason(result: dict) -> str:
    """The most telling line of a failed autograde: the last exception in
    nbgrader's log other than its own catch-all NbGraderException."""
    text = "\n".join(str(result.get(key) or "") for key in ("log", "error"))
    reasons = [
        f"{m.group(1).rsplit('.', 1)[-1]}: {m.group(2).strip()}"
        for m in map(ERROR_LINE.match, text.splitlines())
        if m and not m.group(1).endswith("NbGraderException")
    ]
    return (reasons[-1] if reasons else "nbgrader could not grade it (see its log)")[:300]


def _forget(api, assignment: str, student: str) -> None:
    """Remove the empty submission nbgrader created before failing, so that
    no grade of 0 stands for a notebook that was never graded."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            pass


def _summary(assignment, scores, rejections) -> None:
    table = Table(title=f"{assignment}: {len(scores)} graded, {len(rejections)} rejected")
    table.add_column("student")
    table.add_column("score", justify="right")
    for student, (score, max_score) in sorted(scores.items()):
        table.add_row(student, f"{score:g} / {max_score:g}")
    console.print(table)
    for rejection in rejections:
        console.print(f"[yellow]rejected[/yellow] {rejection.origin.name}: {rejection.reason}")
