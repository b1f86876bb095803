"""The instructor's command line: `course <subcommand>`.

Every subcommand is a module of autograder.apps with HELP, EXAMPLE,
configure(parser) and run(args) -> exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autograder.apps import (
    check_worker,
    common,
    export,
    feedback,
    formgrader,
    grade,
    release,
    report,
    similarity,
)
from autograder.gradebookdb import GradebookError

SUBCOMMANDS = {
    "release": release,
    "grade": grade,
    "feedback": feedback,
    "formgrader": formgrader,
    "export": export,
    "report": report,
    "similarity": similarity,
    "check-worker": check_worker,
}

DESCRIPTION = """Release, grade and report the course's assignments (on top of nbgrader).

A term in five commands:
  course release                         # student notebooks -> course/release/, downloads/
  course grade a1_softmax submissions/   # import and autograde a folder of submissions
  course formgrader                      # grade written answers by hand, in the browser
  course feedback a1_softmax             # per-student HTML in course/feedback/
  course export --to grades.csv && course report --to report.html
Every stock nbgrader command also works from the course/ folder."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in SUBCOMMANDS.items():
        sub = subparsers.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=module.EXAMPLE,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        common.add_course_options(sub)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (common.UsageError, GradebookError) as error:  # bad input: one line, exit 2
        common.console.print(f"[red]course {args.command}: {error}[/red]")
        return 2


if __name__ == "__main__":
    sys.exit(main())
