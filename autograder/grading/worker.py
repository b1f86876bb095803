"""A batch's worker: grades one submission start to finish, writes nothing of the course.

:func:`grade` runs in a worker process (a Dask worker of the local cluster
``course grade`` starts, or of the instructor's own cluster). It gets the
template course (:mod:`autograder.grading.template`) and one :class:`Job`,
all as bytes, and

1. makes a private, temporary course directory from the template and puts
   the submission in its ``submitted/`` folder;
2. runs nbgrader's Autograde there with the course's configuration: the
   sanitizers, TrustedExecute with the kernel in the sandbox and the
   hidden inputs drawn from the job's seed (the worker never sees the
   course's grading seed), SaveAutoGrades into the private gradebook;
3. runs nbgrader's GenerateFeedback there (the course's template);
4. returns an :class:`Outcome`: the autograded and feedback folders, the
   verdict record of each notebook, or the exception that stopped nbgrader.

The private directory is deleted afterwards. The coordinator records the
outcome in the course (:mod:`autograder.grading.recorder`): the worker is
never a writer of the course's gradebook, files, records or ledger.

A worker refuses work (:class:`WorkerRefused`, which fails the task loudly
instead of returning a grade) when it runs another version of the grader
than the coordinator, or when it has no sandbox and the instructor did not
allow grading without one (``course grade --allow-unsandboxed``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import socket
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from autograder import __version__
from autograder.coursedir import Course
from autograder.grading import records, transfer
from autograder.grading.prestart import KernelPool
from autograder.grading.template import private_config
from autograder.grading.uids import claim_uid
from autograder.sandbox import SandboxedKernelManager, sandbox_available

MAX_REASON = 300
"""Characters of an exception's message kept as a rejection reason."""


@dataclass(frozen=True)
class Job:
    """One submission to grade, as the coordinator sends it.

    submission: the student's ``submitted/<student>/<assignment>/`` folder,
    packed (:func:`autograder.grading.transfer.pack`): the notebook and
    nbgrader's ``timestamp.txt`` when there is one. sha256: of the notebook,
    computed once by the coordinator. seed: the seed of this submission's
    hidden inputs (``autograder.grading.seed.submission_seed``).
    """

    student: str
    assignment: str
    sha256: str
    seed: int
    submission: bytes
    grader_version: str = __version__
    allow_unsandboxed: bool = False


@dataclass
class Outcome:
    """What a worker sends back for one job.

    failure: why nbgrader could not grade the submission ("" when it did),
    as ``ExceptionName: message``. autograded, feedback: the packed
    ``autograded/`` and ``feedback/`` folders of the submission. records:
    {notebook: verdict record}. feedback_failure: why no feedback could be
    made for a graded submission. seconds: {step: wall-clock seconds}.
    """

    student: str
    assignment: str
    sha256: str
    worker: str
    failure: str = ""
    autograded: bytes = b""
    feedback: bytes = b""
    records: dict[str, dict] = field(default_factory=dict)
    feedback_failure: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def graded(self) -> bool:
        return not self.failure


class WorkerRefused(RuntimeError):
    """This worker must not grade: the message says why and what to do."""


_ONE_AT_A_TIME = threading.Lock()
"""nbgrader changes the process's working directory while it converts: a
worker process grades one submission at a time, however many threads it has."""


@contextmanager
def nbgrader_notices_silenced() -> Iterator[None]:
    """Without SQLAlchemy's notice about nbgrader's add_submission ("Object of
    type <Submitted...> not in session"), which nbgrader triggers on every new
    submission and which is not ours to fix: printed by every worker, it
    would bury the batch's output."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Object of type <Submitted", category=SAWarning)
        yield


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def warm_up() -> None:
    """Do once, ahead of the first job, what every worker process pays once:
    import nbgrader's converters and exporters, and start one throw-away
    sandbox to learn whether bubblewrap works here. Run on every worker while
    the coordinator builds the template (Client.run(..., wait=False))."""
    import nbconvert.exporters  # noqa: F401 (imported for its side effect: warm caches)

    from autograder.grading import preprocessor  # noqa: F401

    sandbox_available()


def grade(template: bytes, job: Job) -> Outcome:
    """Grade one submission in a private course made from `template` (see
    the module's docstring). Whatever the submission does, the answer is an
    Outcome; only a worker that must not grade raises (WorkerRefused)."""
    if job.grader_version != __version__:
        raise WorkerRefused(
            f"worker {worker_name()} runs grader version {__version__}, the coordinator "
            f"{job.grader_version}: install the course's environment of the same version there"
        )
    started = time.perf_counter()
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="course-worker-") as folder:
        root = Path(folder) / "course"
        transfer.unpack(template, root)
        course = Course(root)
        transfer.unpack(job.submission, course.submitted_dir(job.student, job.assignment))
        config = private_config(root)
        config.TrustedExecute.submission_seed = job.seed
        manager = SandboxedKernelManager(config=config)
        _check_sandbox(manager.bwrap, job.allow_unsandboxed)
        if not job.allow_unsandboxed:
            config.SandboxedKernelManager.require_sandbox = True
        config.SandboxedKernelManager.sandbox_uid = _worker_uid(manager.sandbox_uid)
        pool = _kernel_pool(template, job)
        pool.source_dir = course.source_dir(job.assignment)
        config.TrustedExecute.prestarted_kernels = pool.name
        outcome = Outcome(job.student, job.assignment, job.sha256, worker_name())
        outcome.failure = _run(_Autograde, config, job)
        outcome.seconds["autograde"] = time.perf_counter() - started
        if outcome.failure:
            return outcome
        outcome.autograded = transfer.pack(course.autograded_dir(job.student, job.assignment))
        for path in sorted(course.results_dir(job.assignment, job.student).glob("*.json")):
            outcome.records[path.stem] = records.read_record(path)
        before_feedback = time.perf_counter()
        outcome.feedback_failure = _run(_GenerateFeedback, config, job)
        feedback = course.feedback_dir(job.student, job.assignment)
        if not outcome.feedback_failure and feedback.is_dir():
            outcome.feedback = transfer.pack(feedback)
        outcome.seconds["feedback"] = time.perf_counter() - before_feedback
        outcome.seconds["total"] = time.perf_counter() - started
        return outcome


_uids = contextlib.ExitStack()
_held_uids: dict[int, int] = {}
_local = threading.local()


def _worker_uid(base: int) -> int:
    """The sandbox uid of this worker process's kernels, claimed on first use
    and held while the process lives (its kernels run one after the other;
    the lock goes with the process)."""
    if base not in _held_uids:
        _held_uids[base] = _uids.enter_context(claim_uid(base))
    return _held_uids[base]


def _kernel_pool(template: bytes, job: Job) -> KernelPool:
    """This thread's pool of kernels launched ahead, for jobs of this template
    (a kernel launched for another course's or setting's jobs is stopped)."""
    key = (hashlib.sha256(template).hexdigest(), job.allow_unsandboxed)
    pool = getattr(_local, "pool", None)
    if pool is None or _local.key != key:
        if pool is not None:
            pool.forget()
        pool = _local.pool = KernelPool(Path())
        _local.key = key
    return pool


def release_kernels() -> None:
    """Stop the kernel this worker launched ahead, if any (run by the
    coordinator at the end of a batch, in the thread that grades)."""
    pool = getattr(_local, "pool", None)
    if pool is not None:
        pool.forget()
        _local.pool = None


def _check_sandbox(bwrap: str, allowed_without: bool) -> None:
    available, reason = sandbox_available(bwrap)
    if not available and not allowed_without:
        raise WorkerRefused(
            f"worker {worker_name()} has no grading sandbox and refuses to grade: {reason}. "
            "Run `course check-worker` there; `course grade --allow-unsandboxed` grades "
            "without the sandbox (students' code then runs with the worker's user and files)"
        )


def _run(converter_class: type, config: Config, job: Job) -> str:
    """Run an nbgrader converter on the job's submission in the private
    course; "" when it succeeded, else the exception that stopped it."""
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = job.assignment
    coursedir.student_id = job.student
    log = logging.getLogger(f"autograder.worker.{converter_class.__name__}")
    log.propagate = False  # nbgrader's progress lines are not the batch's output
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    log.handlers[:] = [handler]
    converter = converter_class(coursedir=coursedir, config=config, log=log)
    converter.force = True
    try:
        with nbgrader_notices_silenced():
            converter.start()
    except Exception as error:  # nbgrader's own failure: the first error is the reason
        return reason(converter.first_error or error)
    finally:
        log.removeHandler(handler)
    return ""


class _KeepsFirstError:
    """A converter that keeps the first exception of a submission: nbgrader
    logs it and raises a generic NbGraderException at the end instead."""

    first_error: BaseException | None = None

    def _keep(self, error: BaseException) -> None:
        if self.first_error is None:
            self.first_error = error

    def init_assignment(self, *args, **kwargs):
        try:
            return super().init_assignment(*args, **kwargs)
        except Exception as error:
            self._keep(error)
            raise

    def convert_single_notebook(self, *args, **kwargs):
        try:
            return super().convert_single_notebook(*args, **kwargs)
        except Exception as error:
            self._keep(error)
            raise


class _Autograde(_KeepsFirstError, Autograde):
    """nbgrader's Autograde (configured as c.Autograde), keeping its first error."""


class _GenerateFeedback(_KeepsFirstError, GenerateFeedback):
    """nbgrader's GenerateFeedback (configured as c.GenerateFeedback), keeping its first error."""


def reason(error: BaseException) -> str:
    """``ExceptionName: first line of its message``, at most MAX_REASON characters."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text[:MAX_REASON]
