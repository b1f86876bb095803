"""Grading batches for the cost check through the real pipeline: honest
styles and numerical forms as students of one `course grade` run each,
optionally under a parallel CPU load, and the cost figures the grader
recorded for them.

The batch runs as its own process (``python -m autograder.cli grade``),
like every batch of the red-team suite, in a copy of a released course
with a fixed grading seed so that a failure reproduces.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from autograder.coursedir import REPOSITORY
from autograder.grading.seed import SEED_FILE_NAME
from tests.autograder.grading.cost_submissions import Submission, write_batch
from tests.autograder.grading.numerical.forms import FORMS, Form

HONEST_DIR = REPOSITORY / "tests" / "autograder" / "integrity" / "honest"
SLOW_DIR = Path(__file__).resolve().parent / "slow_honest"

GRADING_SEED = 20261128
"""Fixed grading seed of every cost batch."""

HONEST_STYLES = {
    "a1_softmax": ("rows", "onehot", "scalar"),
    "a2_rnn": (
        "vectorised",
        "batch_loop",
        "einsum",
        "recompute",
        "loops",
        "rerun",
        "printing",
        "scalar",
    ),
    "a3_lstm": ("vectorised", "batch_loop", "einsum", "preallocated", "loops", "rerun", "scalar"),
}
"""The honest styles of each assignment besides the instructor's: the
modules of tests/autograder/integrity/honest/ and of slow_honest/."""


def honest_submissions(assignment: str, styles=None) -> list[Submission]:
    """The instructor (the source notebook as it is) and every honest style
    (or those named in `styles`)."""
    found = [Submission("instructor", assignment)]
    for style in styles if styles is not None else HONEST_STYLES[assignment]:
        prefix = assignment.split("_")[0]
        path = HONEST_DIR / f"{assignment}_{style}.py"
        if not path.exists():
            path = SLOW_DIR / f"{prefix}_{style}.py"
        found.append(Submission(style.replace("_", ""), assignment, (path,)))
    return found


def form_submission(form: Form) -> Submission:
    return Submission(form.student, form.assignment, form.paths)


def forms_of(assignment: str, students=None) -> list[Form]:
    return [
        form
        for form in FORMS
        if form.assignment == assignment and (students is None or form.student in students)
    ]


def prepare_course(released: Path, target: Path) -> Path:
    """A copy of a released course without its submissions and results,
    graded with GRADING_SEED."""
    shutil.copytree(
        released,
        target,
        ignore=shutil.ignore_patterns(
            "submitted", "autograded", "feedback", "results", SEED_FILE_NAME
        ),
    )
    (target / SEED_FILE_NAME).write_text(f"{GRADING_SEED}\n", encoding="utf-8")
    (target / SEED_FILE_NAME).chmod(0o600)
    return target


@dataclass(frozen=True)
class GradedBatch:
    """A batch after `course grade` ran: its course, exit code and output."""

    course: Path
    assignment: str
    exit_code: int
    output: str
    seconds: float

    def record(self, student: str) -> dict:
        path = self.course / "results" / self.assignment / student / f"{self.assignment}.json"
        return json.loads(path.read_text(encoding="utf-8"))

    def tests(self, student: str) -> dict[str, dict]:
        """{function: the grader's verdict record of its test cell}."""
        return {test["function"]: test for test in self.record(student)["tests"]}


def grade(course: Path, assignment: str, submissions: list[Submission], folder: Path,
          timeout: float = 3600.0) -> GradedBatch:  # fmt: skip
    """Write the submissions to `folder` and grade them with `course grade`
    (its own process, killed after `timeout` seconds)."""
    write_batch(course, folder, submissions)
    command = [sys.executable, "-m", "autograder.cli", "grade", assignment, str(folder),
               "--course", str(course)]  # fmt: skip
    start = time.monotonic()
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPOSITORY,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    return GradedBatch(
        course,
        assignment,
        completed.returncode,
        completed.stdout + completed.stderr,
        time.monotonic() - start,
    )


BUSY_LOOP = "while True:\n    pass\n"


@contextmanager
def cpu_load(processes: int = 2) -> Iterator[list[int]]:
    """`processes` busy loops (one per core by default) for as long as the
    block runs; each is stopped by its pid when it ends, whatever happened."""
    started: list[subprocess.Popen] = []
    try:
        for _ in range(processes):
            started.append(subprocess.Popen([sys.executable, "-c", BUSY_LOOP]))
        yield [process.pid for process in started]
    finally:
        for process in started:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
