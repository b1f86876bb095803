"""`course similarity`: pairs of submissions with near-identical solution code."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.apps.common import UsageError, console, course_from
from autograder.integrity.similarity import (
    THRESHOLD,
    all_pairs,
    graded_in_release,
    read_submissions,
)
from autograder.integrity.similarity_report import build_report

HELP = "list pairs of submissions whose solution code is near-identical, side by side in HTML"
EXAMPLE = f"""example:
  course similarity a2_rnn                      # report in similarity-a2_rnn.html
  course similarity a3_lstm --to a3.html --threshold 0.4
Reads submitted/<student>/<id>/<id>.ipynb (as `course grade` leaves them) and
the release. Each function is compared after names, constants, comments,
spacing, NumPy spellings and the order of independent statements are taken
out, and without the code the release gives. Prints the pairs at or above
the threshold (default {THRESHOLD}), most similar first, and writes an HTML
page that shows each of them side by side."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="the assignment id, e.g. a2_rnn")
    parser.add_argument(
        "--to", type=Path, default=None, help="HTML file to write (default: similarity-<id>.html)"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=THRESHOLD,
        help=f"report pairs at least this similar, between 0 and 1 (default {THRESHOLD})",
    )


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    assignment = args.assignment
    released = course.released_assignments()
    if assignment not in released:
        raise UsageError(
            f"unknown assignment {assignment!r}: released assignments are "
            f"{', '.join(released) or 'none'} (run `course release` first)"
        )
    if not 0.0 <= args.threshold <= 1.0:
        raise UsageError(f"--threshold must be between 0 and 1, got {args.threshold}")
    release = course.release_notebook(assignment)
    if not release.is_file():
        raise UsageError(f"{release} is missing: run `course release {assignment}` again")
    submitted = course.folder("submitted")
    paths = {
        folder.name: course.submitted_notebook(folder.name, assignment)
        for folder in sorted(submitted.iterdir() if submitted.is_dir() else [])
        if course.submitted_notebook(folder.name, assignment).is_file()
    }
    if len(paths) < 2:
        raise UsageError(
            f"{len(paths)} submission(s) of {assignment}, at least 2 needed: expected "
            f"{submitted}/<student>/{assignment}/{assignment}.ipynb "
            "(`course grade` puts them there)"
        )
    graded = graded_in_release(release.read_text(encoding="utf-8"))
    submissions, unreadable = read_submissions(paths, release, graded)
    for student, reason in unreadable.items():
        console.print(f"[yellow]not compared: {student}: {reason}[/yellow]")
    pairs = all_pairs(submissions)
    reported = [pair for pair in pairs if pair.score >= args.threshold]
    for pair in reported:
        print(f"{pair.score:.2f}  {pair.first}  {pair.second}")
    target = args.to or Path(f"similarity-{assignment}.html")
    target.write_text(
        build_report(assignment, submissions, pairs, args.threshold, unreadable), encoding="utf-8"
    )
    console.print(
        f"{len(reported)} of {len(pairs)} pairs of {len(submissions)} submissions at or above "
        f"{args.threshold:.2f}; side by side in {target}"
    )
    return 0
