"""Running `course grade` on a folder as its own process, and reading what it did.

The batch runs as a child process (the real entry point, ``python -m
autograder.cli``), never inside pytest: a submission that hangs or crashes
the grader then fails a test instead of taking the test run with it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.coursedir import CONFIG_NAME, Course
from tests.autograder.redteam.notebooks import ASSIGNMENT

COURSE_ID = "rnn-gradients"

SHORT_LIMITS = """
# Red-team test course: the repository's limits, shortened so that an
# infinite loop costs seconds, not minutes.
c.TrustedExecute.timeout = 5
c.TrustedExecute.probe_timeout = 10
c.SandboxedKernelManager.notebook_timeout = 60
c.SandboxedKernelManager.memory_limit = 1024**3
"""


@dataclass(frozen=True)
class BatchRun:
    """One finished (or stopped) run of `course grade`.

    exit_code: None when it had to be killed after `timeout` seconds.
    output: its stdout and stderr together. seconds: wall-clock duration.
    """

    exit_code: int | None
    output: str
    seconds: float

    @property
    def finished(self) -> bool:
        return self.exit_code is not None

    def rejection_reasons(self) -> dict[str, str]:
        """{file or folder name: reason} from the summary's "rejected" lines."""
        return dict(re.findall(r"^rejected (.+?): (.+)$", self.output, re.MULTILINE))

    def reasons_for(self, student: str) -> list[str]:
        """The rejection reasons of the files and folders of one student."""
        return [
            reason
            for name, reason in self.rejection_reasons().items()
            if student_of(name) == student
        ]

    def summary_counts(self) -> tuple[int, int] | None:
        """(graded, rejected) from the summary's title, if it was printed."""
        match = re.search(rf"{ASSIGNMENT}:\s+(\d+)\s+graded,\s+(\d+)\s+rejected", self.output)
        return (int(match.group(1)), int(match.group(2))) if match else None


def student_of(name: str) -> str:
    """The student id in a submission's file or folder name, read as the
    export convention says (jdoe_a1_softmax.ipynb, a1_softmax - jdoe.zip)."""
    stem = name.rsplit(".", 1)[0] if name.endswith((".ipynb", ".zip")) else name
    words = re.split(r"[\s_]+", stem.replace(ASSIGNMENT, " ").strip(" _-."))
    return words[0]


def grade_command(course: Path, folder: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "autograder.cli",
        "grade",
        ASSIGNMENT,
        str(folder),
        "--course",
        str(course),
        *extra,
    ]


def grader_environment(temporary: Path) -> dict[str, str]:
    """The grader's environment: ours, with its own temporary folder (so that
    leftover scratch folders can be counted) and a wide console (so that
    rejection reasons are not wrapped)."""
    return {**os.environ, "TMPDIR": str(temporary), "COLUMNS": "400", "NO_COLOR": "1"}


def start_batch(course: Path, folder: Path, temporary: Path, log: Path) -> subprocess.Popen:
    """Start `course grade` in its own session, output to `log`."""
    handle = log.open("wb")
    try:
        return subprocess.Popen(
            grade_command(course, folder),
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=grader_environment(temporary),
            cwd=course.parent,
            start_new_session=True,
        )
    finally:
        handle.close()


def kill_batch(process: subprocess.Popen) -> None:
    """SIGKILL the grader and everything in its session."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@dataclass
class BatchInProgress:
    """A `course grade` started in the background, to be finished later."""

    course: Path
    folder: Path
    temporary: Path
    log: Path
    process: subprocess.Popen
    started: float
    result: BatchRun | None = None

    @classmethod
    def start(cls, course: Path, folder: Path, temporary: Path) -> BatchInProgress:
        log = temporary.parent / f"{temporary.name}.log"
        process = start_batch(course, folder, temporary, log)
        return cls(course, folder, temporary, log, process, time.monotonic())

    def finish(self, timeout: float) -> BatchRun:
        """Wait until `timeout` seconds after the start, then kill the grader."""
        if self.result is None:
            remaining = max(0.0, self.started + timeout - time.monotonic())
            try:
                exit_code: int | None = self.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                kill_batch(self.process)
                exit_code = None
            output = self.log.read_text(encoding="utf-8", errors="replace")
            self.result = BatchRun(exit_code, output, time.monotonic() - self.started)
        return self.result

    def stop(self) -> None:
        """Kill the grader if it still runs (teardown)."""
        if self.process.poll() is None:
            kill_batch(self.process)


def run_batch(course: Path, folder: Path, temporary: Path, timeout: float) -> BatchRun:
    """Grade `folder` into `course`; kill the grader after `timeout` seconds."""
    return BatchInProgress.start(course, folder, temporary).finish(timeout)


def scores(course: Path) -> dict[str, float]:
    """{student: score} of assignment 1 in the course's gradebook."""
    with Gradebook(Course(course).gradebook_url, COURSE_ID) as gradebook:
        return {
            submission.student.id: submission.score
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
        }


def max_score(course: Path) -> float:
    with Gradebook(Course(course).gradebook_url, COURSE_ID) as gradebook:
        return gradebook.find_assignment(ASSIGNMENT).max_score


def submission_counts(course: Path) -> dict[str, int]:
    """{student: number of submissions of assignment 1} in the gradebook."""
    counts: dict[str, int] = {}
    with Gradebook(Course(course).gradebook_url, COURSE_ID) as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            counts[submission.student.id] = counts.get(submission.student.id, 0) + 1
    return counts


def ledger(course: Path, student: str) -> Path:
    return Course(course).ledger_file(ASSIGNMENT, student)


def autograded_notebook(course: Path, student: str) -> Path:
    return Course(course).autograded_notebook(student, ASSIGNMENT)


def copy_course(template: Path, target: Path, sandbox_user: int | None = None) -> Path:
    """A fresh copy of a released course (seed, gradebook and all). With
    `sandbox_user`, its kernels run as that uid and gid: batches that run at
    the same time need different ones, as RLIMIT_NPROC counts every process
    of the user (one batch's fork bomb would stop the other's kernels)."""
    shutil.copytree(template, target, symlinks=True)
    if sandbox_user is not None:
        with (target / CONFIG_NAME).open("a", encoding="utf-8") as config:
            config.write(
                f"c.SandboxedKernelManager.sandbox_uid = {sandbox_user}\n"
                f"c.SandboxedKernelManager.sandbox_gid = {sandbox_user}\n"
            )
    return target
