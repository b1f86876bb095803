"""Fixtures of the red-team suite: a released course with short limits, the
context the attacks are built from, and listeners an attack may try to reach.

Every batch grades into its own copy of one released course, so batches do
not see each other's gradebooks, and all copies share one grading seed (a
student graded in two courses meets the same hidden inputs). The three
batches that need no timing of their own run at the same time, in the
background (``background_batches``); the crash test runs its own.
"""

from __future__ import annotations

import secrets
import socket
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.coursedir import CONFIG_NAME, DEFAULT_COURSE_DIR, REPOSITORY
from autograder.grading.seed import SEED_FILE_NAME, load_or_create_seed
from autograder.sandbox import sandbox_available
from tests.autograder.redteam import snapshot
from tests.autograder.redteam.batch import SHORT_LIMITS, BatchInProgress, BatchRun, copy_course
from tests.autograder.redteam.cases import GRADER_FILE_ATTACKS, HOSTILE_CASES, Context
from tests.autograder.redteam.course_setup import (
    Listener,
    make_context,
    sentinel_student,
    write_honest_students,
)
from tests.autograder.redteam.notebooks import ASSIGNMENT


@pytest.fixture(scope="session")
def redteam_template(tmp_path_factory) -> Path:
    """A course directory released for assignment 1, whose nbgrader_config.py
    is the repository's with short limits appended, and whose grading seed
    exists (mode 0600) before anything is graded."""
    available, reason = sandbox_available()
    assert available, f"the red-team suite tests the sandbox, which is unavailable: {reason}"
    root = tmp_path_factory.mktemp("redteam-template") / "course"
    root.mkdir()
    config = (DEFAULT_COURSE_DIR / CONFIG_NAME).read_text(encoding="utf-8")
    (root / CONFIG_NAME).write_text(config + SHORT_LIMITS, encoding="utf-8")
    assert main(["release", ASSIGNMENT, "--course", str(root)]) == 0
    load_or_create_seed(root)
    assert (root / SEED_FILE_NAME).stat().st_mode & 0o777 == 0o600
    return root


def _accept_forever(server: socket.socket, record: list[str], label: str) -> None:
    while True:
        try:
            connection, _ = server.accept()
        except OSError:
            return  # closed at teardown
        record.append(label)
        connection.close()


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    tcp = socket.create_server(("127.0.0.1", 0))
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    name = f"redteam-{secrets.token_hex(8)}"
    unix.bind("\0" + name)
    unix.listen()
    found = Listener(tcp.getsockname()[1], name)
    for server, label in ((tcp, "tcp"), (unix, "unix")):
        threading.Thread(
            target=_accept_forever, args=(server, found.connections, label), daemon=True
        ).start()
    yield found
    tcp.close()
    unix.close()


TREES_OF_THE_REPOSITORY = ("solutions", "autograder")

HOSTILE_TIMEOUT = 900.0
CLEAN_TIMEOUT = 300.0
GRADER_FILES_TIMEOUT = 300.0
"""Two honest notebooks take about 5 s to grade and a probe that times out
adds 10 s, but the batch first starts its local cluster of worker processes
while the two other batches start theirs: about a minute on two busy cores.
A grader blocked on a planted pipe would never finish."""

CLEAN_SANDBOX_USER = 65532
GRADER_FILES_SANDBOX_USER = 65533
"""The batches run at the same time, so each has its own sandbox user (the
hostile one keeps the repository's, nobody)."""


def _course_fingerprint(course: Path) -> snapshot.Fingerprint:
    return snapshot.fingerprint(
        course,
        lambda p: p.name.startswith("gradebook.db") or snapshot.no_bytecode(p),
    )


def _repository_fingerprint() -> snapshot.Fingerprint:
    found: snapshot.Fingerprint = {}
    for tree in TREES_OF_THE_REPOSITORY:
        for path, value in snapshot.fingerprint(REPOSITORY / tree, snapshot.no_bytecode).items():
            found[f"{tree}/{path}"] = value
    return found


@dataclass
class Prepared:
    """A course copy with its submissions written, ready to grade."""

    course: Path
    folder: Path
    temporary: Path
    context: Context


def _prepare(template: Path, base: Path, listener: Listener, sandbox_user=None) -> Prepared:
    course = copy_course(template, base / "course", sandbox_user)
    context = make_context(course, listener, sentinel_student(course))
    folder, temporary = base / "submissions", base / "tmp"
    folder.mkdir()
    temporary.mkdir()
    return Prepared(course, folder, temporary, context)


@dataclass
class BackgroundBatches:
    """The three independent batches of the suite, started together so that
    their waiting overlaps: the hostile batch (every case of
    cases.HOSTILE_CASES and the ten honest students), the clean batch (the
    ten honest students alone) and the grader-files batch
    (cases.GRADER_FILE_ATTACKS, which may hang until killed).

    hostile_before, repository_before: fingerprints taken before the start;
    sentinel_before: (bytes, mode) of the grader-files batch's sentinel.
    """

    hostile: Prepared
    clean: Prepared
    grader_files: Prepared
    runs: dict[str, BatchInProgress]
    hostile_before: snapshot.Fingerprint
    repository_before: snapshot.Fingerprint
    sentinel_before: tuple[bytes, int]


@pytest.fixture(scope="session")
def background_batches(redteam_template, listener, tmp_path_factory):
    """Write and start the three batches (heavy: about two minutes in all,
    paid by whichever test needs one of them first)."""
    hostile = _prepare(redteam_template, tmp_path_factory.mktemp("hostile"), listener)
    for case in HOSTILE_CASES:
        case.write(hostile.context, hostile.folder)
    write_honest_students(hostile.context, hostile.folder)
    clean = _prepare(
        redteam_template, tmp_path_factory.mktemp("clean"), listener, CLEAN_SANDBOX_USER
    )
    write_honest_students(clean.context, clean.folder)
    files = _prepare(
        redteam_template,
        tmp_path_factory.mktemp("grader-files"),
        listener,
        GRADER_FILES_SANDBOX_USER,
    )
    for case in GRADER_FILE_ATTACKS:
        case.write(files.context, files.folder)
    sentinel = files.context.sentinel
    batches = BackgroundBatches(
        hostile,
        clean,
        files,
        {},
        _course_fingerprint(hostile.course),
        _repository_fingerprint(),
        (sentinel.read_bytes(), stat.S_IMODE(sentinel.stat().st_mode)),
    )
    for name, prepared in (("grader_files", files), ("hostile", hostile), ("clean", clean)):
        batches.runs[name] = BatchInProgress.start(
            prepared.course, prepared.folder, prepared.temporary
        )
    yield batches
    for run in batches.runs.values():
        run.stop()
    for path in hostile.context.planted_paths():  # only there if an attack got through
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class HostileBatch:
    """The hostile batch after it ran: every hostile case and the ten honest
    students in one folder, graded by one `course grade` into `course`.

    before, after: fingerprints of the course directory (gradebook aside);
    repository_before, repository_after: of solutions/ and autograder/.
    temporary: the grader's TMPDIR (its scratch folders live there).
    """

    context: Context
    course: Path
    folder: Path
    temporary: Path
    run: BatchRun
    before: snapshot.Fingerprint
    after: snapshot.Fingerprint
    repository_before: snapshot.Fingerprint
    repository_after: snapshot.Fingerprint


@pytest.fixture(scope="session")
def hostile_batch(background_batches) -> HostileBatch:
    prepared = background_batches.hostile
    run = background_batches.runs["hostile"].finish(HOSTILE_TIMEOUT)
    return HostileBatch(
        prepared.context,
        prepared.course,
        prepared.folder,
        prepared.temporary,
        run,
        background_batches.hostile_before,
        _course_fingerprint(prepared.course),
        background_batches.repository_before,
        _repository_fingerprint(),
    )


@pytest.fixture(scope="session")
def clean_batch(background_batches) -> tuple[Path, BatchRun]:
    """(course, run) of the ten honest students graded alone."""
    run = background_batches.runs["clean"].finish(CLEAN_TIMEOUT)
    return background_batches.clean.course, run


@dataclass(frozen=True)
class GraderFileBatch:
    course: Path
    sentinel: Path
    sentinel_before: tuple[bytes, int]
    run: BatchRun


@pytest.fixture(scope="session")
def grader_file_batch(background_batches) -> GraderFileBatch:
    prepared = background_batches.grader_files
    run = background_batches.runs["grader_files"].finish(GRADER_FILES_TIMEOUT)
    return GraderFileBatch(
        prepared.course, prepared.context.sentinel, background_batches.sentinel_before, run
    )
