"""What every subcommand shares: the course options and error reporting."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from autograder.coursedir import (
    DB_URL_VARIABLE,
    DEFAULT_ASSIGNMENTS_DIR,
    DEFAULT_COURSE_DIR,
    Course,
    open_course,
)
from autograder.roster import Roster, RosterError, read_roster

# soft_wrap: a path in a message stays on one line, whatever the terminal's
# width, so it can be copied (and matched) whole.
console = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit code 2."""


def add_course_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        type=Path,
        default=DEFAULT_COURSE_DIR,
        help=f"course directory holding nbgrader_config.py (default: {DEFAULT_COURSE_DIR})",
    )
    parser.add_argument(
        "--assignments",
        type=Path,
        default=DEFAULT_ASSIGNMENTS_DIR,
        help=f"folder of the assignments' text sources (default: {DEFAULT_ASSIGNMENTS_DIR})",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the gradebook's database for this command, e.g. "
        "postgresql://grader@dbhost:5432/rnn_gradients (default: CourseDirectory.db_url "
        f"in nbgrader_config.py, which ${DB_URL_VARIABLE} sets, else gradebook.db in the "
        "course directory)",
    )


def course_from(args: argparse.Namespace) -> Course:
    try:
        return open_course(args.course, args.assignments, args.db)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None


def roster_from(args: argparse.Namespace, course: Course, required: bool = False) -> Roster | None:
    """The roster `--roster` names, else the course's roster.csv if there is
    one (None without one, unless `required`)."""
    path = args.roster or (course.roster_file if course.roster_file.exists() else None)
    if path is None:
        if required:
            raise UsageError(
                f"no roster: give --roster FILE or write {course.roster_file} "
                "(columns student_id,lms_id,first_name,last_name,email)"
            )
        return None
    try:
        return read_roster(path)
    except RosterError as error:
        raise UsageError(str(error)) from None
