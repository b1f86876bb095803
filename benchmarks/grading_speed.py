"""Seconds per submission: the course's grading against stock nbgrader.

    .venv/bin/python benchmarks/grading_speed.py [--students 5] [--assignment a1_softmax ...]

For each assignment, grades the same honest submissions twice, in two fresh
course directories: once with the course's pipeline (hidden tests judged
outside the kernel, kernel in the bubblewrap sandbox) and once with the
baseline, nbgrader's own Execute preprocessor and a plain kernel (which runs
the visible checks in the student's kernel and trusts their output). Prints
the time per submission of each and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.cli import main
from autograder.coursedir import CONFIG_NAME, DEFAULT_COURSE_DIR

BASELINE = """
# Baseline: nbgrader's stock autograding, plain kernel, no sandbox.
from nbgrader.preprocessors import Execute
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.Execute.kernel_name = "course-student"
c.Execute.timeout = 60
"""


def grade_seconds(assignment: str, students: int, extra_config: str) -> float:
    """Release `assignment` into a fresh course, grade `students` copies of
    the instructor's notebook, and return the seconds per submission."""
    with tempfile.TemporaryDirectory(prefix="bench-course-") as folder:
        course = Path(folder)
        config = (DEFAULT_COURSE_DIR / CONFIG_NAME).read_text(encoding="utf-8") + extra_config
        (course / CONFIG_NAME).write_text(config, encoding="utf-8")
        main(["release", assignment, "--course", str(course)])
        submissions = course / "incoming"
        submissions.mkdir()
        notebook = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", 4)
        for k in range(students):
            nbformat.write(notebook, submissions / f"student{k}_{assignment}.ipynb")
        start = time.perf_counter()
        main(["grade", assignment, str(submissions), "--course", str(course)])
        return (time.perf_counter() - start) / students


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5)
    parser.add_argument("--assignment", action="append")
    args = parser.parse_args()
    assignments = args.assignment or ["a1_softmax", "a2_rnn", "a3_lstm"]
    rows = []
    for assignment in assignments:
        ours = grade_seconds(assignment, args.students, "")
        baseline = grade_seconds(assignment, args.students, BASELINE)
        rows.append((assignment, ours, baseline))
    print(f"\n{'assignment':<12} {'course s/sub':>13} {'stock nbgrader s/sub':>21} {'ratio':>7}")
    for assignment, ours, baseline in rows:
        print(f"{assignment:<12} {ours:>13.2f} {baseline:>21.2f} {ours / baseline:>7.2f}")


if __name__ == "__main__":
    run()
