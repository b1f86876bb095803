"""`course release`: generate the student versions of the assignments."""

from __future__ import annotations

import argparse

from autograder.apps.common import UsageError, console, course_from
from autograder.authoring.course_source import build_course_source
from autograder.authoring.download_files import write_download_zip
from autograder.authoring.source_notebook import SourceError
from autograder.coursedir import nbgrader_api
from autograder.deadlines.due import DeadlineError, write_due_dates

HELP = "generate the student versions (nbgrader's release/) of all or named assignments"
EXAMPLE = """example:
  course release                 # every assignment in assignments/
  course release a2_rnn          # just one
Writes course/source/<id>/ (from assignments/<id>/<id>.md), course/release/<id>/
(stubs instead of solutions, no hidden tests) and course/downloads/<id>.zip,
which the book's assignments page links to, and puts each assignment's due
date (c.Deadlines.due in course/nbgrader_config.py) into the gradebook."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", nargs="*", help="assignment ids (default: all)")


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    known = course.authored_assignments()
    chosen = args.assignment or known
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise UsageError(
            f"unknown assignment(s): {', '.join(unknown)}; known: {', '.join(known) or 'none'}"
        )
    api = nbgrader_api(course)
    failed = 0
    for assignment in chosen:
        try:
            build_course_source(course, assignment)
        except SourceError as error:
            console.print(f"[red]release {assignment}: {error}[/red]")
            failed += 1
            continue
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            console.print(f"[red]release {assignment}: nbgrader failed[/red]\n{result['log']}")
            failed += 1
            continue
        # The archive holds the folder <assignment>/, README and requirements.txt included.
        archive = write_download_zip(
            course.release_dir(assignment), course.download_zip(assignment)
        )
        console.print(f"released {assignment}: {course.release_dir(assignment)} ({archive})")
        try:
            due = write_due_dates(course, [assignment])[assignment]
        except DeadlineError as error:
            console.print(f"[red]release {assignment}: {error}[/red]")
            failed += 1
            continue
        console.print(f"  due {due:%Y-%m-%d %H:%M} UTC" if due else "  no due date")
    return 1 if failed else 0
