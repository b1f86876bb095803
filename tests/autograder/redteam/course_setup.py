"""Building a batch: the context the cases are made from, the sentinel
student and the honest students' files."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.coursedir import REPOSITORY
from autograder.kernels import kernel_python
from tests.autograder.redteam.cases import Context
from tests.autograder.redteam.honest import HONEST_STUDENTS
from tests.autograder.redteam.notebooks import ASSIGNMENT, dumps


@dataclass
class Listener:
    """A TCP port on 127.0.0.1 and an abstract Unix socket, in the test's own
    network namespace, that record every connection they accept."""

    port: int
    abstract_name: str
    connections: list[str] = field(default_factory=list)


def site_packages(python_prefix: Path) -> tuple[Path, ...]:
    return tuple(sorted(python_prefix.glob("lib/python3*/site-packages")))


def sentinel_student(course: Path) -> Path:
    """Put another student's submitted folder in `course` (an honest notebook and
    a sentinel file) and return the sentinel file."""
    folder = course / "submitted" / "sentinel" / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", folder)
    sentinel = folder / "sentinel.txt"
    sentinel.write_text(f"sentinel {secrets.token_hex(16)}\n", encoding="utf-8")
    sentinel.chmod(0o600)
    return sentinel


def make_context(course: Path, listener: Listener, sentinel: Path) -> Context:
    """What the cases of one batch are built from."""
    return Context(
        source=nbformat.read(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4),
        release=nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4),
        course=course,
        repository=REPOSITORY,
        kernel_site_packages=site_packages(kernel_python().parent.parent),
        grader_site_packages=site_packages(REPOSITORY / ".venv"),
        sentinel=sentinel,
        port=listener.port,
        abstract_socket=listener.abstract_name,
        marker=f"redteam-{secrets.token_hex(6)}",
    )


def write_honest_students(context: Context, folder: Path, students=HONEST_STUDENTS) -> None:
    """The honest submissions, as flat files <student>_a1_softmax.ipynb."""
    for honest in students:
        notebook = honest.build(context.source, context.release)
        (folder / f"{honest.student}_{ASSIGNMENT}.ipynb").write_bytes(dumps(notebook))
