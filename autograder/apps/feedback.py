"""`course feedback`: per-student HTML feedback, from nbgrader."""

from __future__ import annotations

import argparse

from autograder.apps.common import console, course_from
from autograder.coursedir import nbgrader_api

HELP = "write per-student HTML feedback (nbgrader's feedback/)"
EXAMPLE = """example:
  course feedback a2_rnn               # every graded student
  course feedback a2_rnn --student jdoe
Writes course/feedback/<student>/<assignment>/<assignment>.html: the graded
notebook with, under every test, which outputs are wrong, by how much, where
(time step or gate block) and a link to the book's equation."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", nargs="?", help="assignment id (default: all released)")
    parser.add_argument("--student", help="one student id (default: all)")


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    api = nbgrader_api(course)
    failed = 0
    for assignment in [args.assignment] if args.assignment else course.released_assignments():
        result = api.generate_feedback(assignment, args.student, force=True)
        if not result["success"]:
            console.print(f"[red]feedback {assignment} failed[/red]\n{result.get('log', '')}")
            failed += 1
        else:
            console.print(f"feedback for {assignment} in {course.folder('feedback')}")
    return 1 if failed else 0
