"""One batch of `course grade`: from a folder of submissions to recorded grades.

A batch

1. collects the folder (:mod:`autograder.intake.collect`) and computes one
   SHA-256 per submission, once;
2. skips the files the ledger says are graded (unless ``regrade``), and
   copies the others into the course's ``submitted/`` (nbgrader's layout);
3. builds the template course once (:mod:`autograder.grading.template`) and
   gives every submission to the executor as a :class:`~worker.Job` with
   its own hidden-input seed (the workers never see the course's seed);
4. records each outcome as it arrives (:class:`~recorder.Recorder`): this
   process, the coordinator, is the only writer of the gradebook, the graded
   folders, the results records and the ledger.

:meth:`Batch.run` yields a :class:`Finished` per submission as it is
recorded, for the command line's progress bar; a submission that cannot be
graded is a :class:`~autograder.intake.collect.Rejection` with its reason and
never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from traitlets import Integer, Unicode
from traitlets.config import Configurable

from autograder.coursedir import Course
from autograder.grading import ledger, transfer
from autograder.grading.recorder import Recorder, Rejected
from autograder.grading.seed import load_or_create_seed, submission_seed
from autograder.grading.template import build_template
from autograder.grading.worker import Job, Outcome, WorkerRefused
from autograder.intake.collect import Rejection, Submission, collect, file_digest, place
from autograder.roster import Roster


class CourseGrade(Configurable):
    """Settings of `course grade` in nbgrader_config.py (the command line wins)."""

    scheduler = Unicode(
        "",
        help="Address of a running Dask scheduler (tcp://HOST:PORT) whose workers grade "
        "the batch. Default: a local cluster of `workers` processes on this machine.",
    ).tag(config=True)

    workers = Integer(
        0,
        help="Submissions graded at once on this machine (one process each). "
        "0: as many as the machine has cores.",
    ).tag(config=True)


def machine_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Pending:
    """A submission placed in submitted/, waiting to be graded."""

    submission: Submission
    sha256: str


@dataclass
class Plan:
    """What a batch will grade: every submission found for the batch's
    students, the ones placed to be graded, how many were skipped as already
    graded, and the files rejected at intake."""

    submissions: list[Submission] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    skipped: int = 0
    rejections: list[Rejection] = field(default_factory=list)


@dataclass(frozen=True)
class Finished:
    """One submission done: its score (score, max score) or its rejection.
    warning: something the instructor should know about a graded one."""

    student: str
    score: tuple[float, float] | None = None
    rejection: Rejection | None = None
    warning: str = ""


class Batch:
    """One `course grade` run on one assignment (see the module's docstring)."""

    def __init__(
        self,
        course: Course,
        api: NbGraderAPI,
        assignment: str,
        *,
        students: tuple[str, ...] = (),
        regrade: bool = False,
        allow_unsandboxed: bool = False,
        roster: Roster | None = None,
        zone: tzinfo = UTC,
    ):
        self.course = course
        self.api = api
        self.assignment = assignment
        self.students = students
        self.regrade = regrade
        self.allow_unsandboxed = allow_unsandboxed
        self.roster = roster
        """Maps the students an LMS names to course ids (None: no roster)."""
        self.zone = zone
        """Where submission times written without an offset were taken."""
        self.recorder = Recorder(course, api.coursedir, api.config)
        self.stopped = ""
        """Why the batch stopped before the end ("" if it did not)."""

    def plan(self, folder: Path, scratch: Path) -> Plan:
        """Collect `folder` (zips unpacked into `scratch`), skip what the ledger
        says is graded, place the rest in submitted/ and enrol their students
        in the gradebook in that order.

        Raises:
            FileNotFoundError: `folder` does not exist.
            autograder.intake.times.TimeError: a sidecar of times cannot be read.
        """
        submissions, rejections = collect(
            folder,
            self.assignment,
            scratch,
            self.roster,
            self.zone,
            other_assignments=self.course.authored_assignments(),
        )
        if self.students:
            submissions = [s for s in submissions if s.student in self.students]
        plan = Plan(submissions=submissions, rejections=rejections)
        for submission in submissions:
            digest = file_digest(submission.notebook)
            if not self.regrade and ledger.already_graded(
                self.course, self.assignment, submission.student, digest
            ):
                plan.skipped += 1
                continue
            try:
                place(submission, self.course)
            except OSError as error:
                rejections.append(Rejection(submission.origin, f"could not be copied: {error}"))
                continue
            plan.pending.append(Pending(submission, digest))
        self.recorder.enrol([pending.submission.student for pending in plan.pending])
        return plan

    def template(self) -> bytes:
        """The template course of this assignment (built once per batch)."""
        coursedir = self.api.coursedir
        return build_template(self.course, self.assignment, coursedir.db_url, coursedir.course_id)

    def jobs(self, plan: Plan) -> Iterator[Job]:
        """One job per pending submission, each with its own hidden-input seed,
        made as the executor asks for them (a large class is never all in memory)."""
        course_seed = load_or_create_seed(self.course)
        for pending in plan.pending:
            student = pending.submission.student
            yield Job(
                student=student,
                assignment=self.assignment,
                sha256=pending.sha256,
                seed=submission_seed(course_seed, student, pending.sha256),
                submission=transfer.pack(self.course.submitted_dir(student, self.assignment)),
                allow_unsandboxed=self.allow_unsandboxed,
            )

    def run(self, plan: Plan, executor, template: bytes) -> Iterator[Finished]:
        """Grade the plan's submissions on `executor` and record each result as
        it arrives; yields one Finished per submission."""
        origins = {
            pending.submission.student: pending.submission.origin for pending in plan.pending
        }
        recorded: set[str] = set()
        results = executor.grade(template, self.jobs(plan))
        try:
            for job, result in results:
                if job.student in recorded:
                    continue  # a result that came twice is recorded once
                recorded.add(job.student)
                yield self._finish(job, result, origins[job.student])
                if self.stopped:
                    break
        finally:
            results.close()
        for student, origin in origins.items():
            if student not in recorded:  # left when the batch stopped
                yield Finished(student, rejection=Rejection(origin, f"not graded: {self.stopped}"))

    def _finish(self, job: Job, result: Outcome | BaseException, origin: Path) -> Finished:
        if isinstance(result, WorkerRefused):
            self.stopped = f"a worker refused to grade: {result}"
            return Finished(job.student, rejection=Rejection(origin, f"not graded: {result}"))
        if isinstance(result, BaseException):
            # Not the submission's verdict: the course is left as it was, and
            # no ledger says graded, so the next run grades it again.
            reason = f"not graded: {type(result).__name__}: {result}"
            return Finished(job.student, rejection=Rejection(origin, reason))
        if not result.graded:
            self.recorder.forget(self.assignment, job.student)
            return Finished(
                job.student, rejection=Rejection(origin, f"autograding failed: {result.failure}")
            )
        try:
            score = self.recorder.record(result)
        except Rejected as rejected:
            return Finished(job.student, rejection=Rejection(origin, str(rejected)))
        warning = ""
        if result.feedback_failure:
            warning = f"{job.student}: no feedback HTML ({result.feedback_failure})"
        return Finished(job.student, score=score, warning=warning)
