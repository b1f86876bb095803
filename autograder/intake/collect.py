"""Find the submissions in a folder and copy them into nbgrader's layout.

Two layouts are understood:

- nbgrader's own: ``<folder>/<student>/<assignment>/<assignment>.ipynb``
  (plus any other files);
- what a learning-management system exports: flat files or zips whose
  names hold the student id, e.g. ``jdoe_a2_rnn.ipynb``,
  ``a2_rnn - jdoe.zip`` or ``jdoe_12345_a2_rnn.zip``. The student id is the
  file name with the assignment id and separators removed (its first
  remaining word).

A submission that cannot be understood is returned as a rejection with its
reason; it never stops the others. Symbolic links are never followed: a
link in an export could make one student's file (or the grading seed)
another's submission.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.coursedir import Course

MAX_ZIP_BYTES = 50 * 1024 * 1024
"""A zip that unpacks to more than this is rejected (zip bombs). A zip that
declares less than it holds fails its CRC check while unpacking."""

MAX_ZIP_MEMBERS = 1000
"""A zip with more files than this is rejected (a bomb of empty files)."""

NAMING = "<student>_<assignment>.ipynb, <assignment> - <student>.zip or <student>/<assignment>/"

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True)
class Submission:
    """One student's files for one assignment, ready to copy."""

    student: str
    assignment: str
    notebook: Path
    origin: Path


@dataclass(frozen=True)
class Rejection:
    """A file or folder that could not be taken, and why."""

    origin: Path
    reason: str


def collect(
    folder: Path, assignment: str, scratch: Path
) -> tuple[list[Submission], list[Rejection]]:
    """Find every submission of `assignment` under `folder`. Zips are
    unpacked into `scratch`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"submissions folder {folder} does not exist")
    submissions: list[Submission] = []
    rejections: list[Rejection] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            rejections.append(Rejection(entry, _LINK))
        elif entry.is_dir():
            _from_student_folder(entry, assignment, submissions, rejections)
        elif entry.suffix == ".ipynb":
            _from_flat_notebook(entry, assignment, submissions, rejections)
        elif entry.suffix == ".zip":
            _from_zip(entry, assignment, scratch, submissions, rejections)
        else:
            rejections.append(Rejection(entry, "not a notebook, a zip or a student folder"))
    return _one_per_student(submissions, rejections), rejections


_LINK = "a symbolic link: submissions must be plain files or folders, links are not followed"


def _one_per_student(submissions: list[Submission], rejections: list[Rejection]):
    """The first submission of each student in name order; the others are
    rejected. Ids that differ only in case are one student: a
    case-insensitive file system would put both in one submitted/ folder."""
    kept: dict[str, Submission] = {}
    for submission in submissions:
        first = kept.setdefault(submission.student.casefold(), submission)
        if first is submission:
            continue
        spelled = "" if first.student == submission.student else f" (as {submission.student!r})"
        rejections.append(
            Rejection(
                submission.origin,
                f"a second submission for student {first.student!r}{spelled}; "
                f"graded the first one in name order ({first.origin.name}) instead",
            )
        )
    return list(kept.values())


def _valid_student(student: str, origin: Path, rejections: list[Rejection]) -> bool:
    if STUDENT_ID.match(student):
        return True
    rejections.append(
        Rejection(
            origin,
            f"cannot read a student id from the name (got {student!r}; expected {NAMING}, "
            "the id made of letters, digits and . _ @ -)",
        )
    )
    return False


def _from_student_folder(folder, assignment, submissions, rejections) -> None:
    student = folder.name
    inner = folder / assignment
    if not inner.is_dir():
        rejections.append(Rejection(folder, f"no folder {assignment}/ inside {folder.name}/"))
        return
    notebook = _pick_notebook(inner, assignment)
    if isinstance(notebook, str):
        rejections.append(Rejection(folder, notebook))
    elif _valid_student(student, folder, rejections):
        submissions.append(Submission(student, assignment, notebook, folder))


def _student_from_name(name: str, assignment: str) -> str:
    """jdoe_a2_rnn.ipynb, a2_rnn-jdoe.zip, jdoe_12345_a2_rnn.zip -> jdoe."""
    rest = Path(name).stem.replace(assignment, " ").strip(" _-.")
    words = re.split(r"[\s_]+", rest)
    return words[0] if words and words[0] else ""


def _from_flat_notebook(path, assignment, submissions, rejections) -> None:
    student = _student_from_name(path.name, assignment)
    if not _valid_student(student, path, rejections):
        return
    notebook = _readable(path)
    if isinstance(notebook, str):
        rejections.append(Rejection(path, notebook))
    else:
        submissions.append(Submission(student, assignment, notebook, path))


def _readable(path: Path) -> Path | str:
    """`path` if it is a valid notebook, else the reason it is not."""
    if path.is_symlink():
        return f"{path.name} is {_LINK}"
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except UnicodeDecodeError:
        return f"{path.name} is not UTF-8 text"
    except Exception as error:  # nbformat raises several kinds for broken files
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        return f"{path.name} is not a valid notebook ({type(error).__name__}: {first})"
    return path


def _from_zip(path, assignment, scratch, submissions, rejections) -> None:
    student = _student_from_name(path.name, assignment)
    if not _valid_student(student, path, rejections):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                rejections.append(
                    Rejection(
                        path, f"holds {len(members)} files, over the limit of {MAX_ZIP_MEMBERS}"
                    )
                )
                return
            total = sum(info.file_size for info in members)
            if total > MAX_ZIP_BYTES:
                rejections.append(
                    Rejection(
                        path, f"unpacks to {total} bytes, over the limit of {MAX_ZIP_BYTES} bytes"
                    )
                )
                return
            target = Path(tempfile.mkdtemp(prefix=f"{student}-", dir=scratch))
            for info in members:
                destination = (target / info.filename).resolve()
                if not destination.is_relative_to(target.resolve()):
                    rejections.append(Rejection(path, f"unsafe path in zip: {info.filename}"))
                    return
            archive.extractall(target)
    except (zipfile.BadZipFile, OSError) as error:
        rejections.append(Rejection(path, f"not a readable zip ({error})"))
        return
    notebook = _pick_notebook(target, assignment)
    if isinstance(notebook, str):
        rejections.append(Rejection(path, notebook))
    else:
        submissions.append(Submission(student, assignment, notebook, path))


def _pick_notebook(folder: Path, assignment: str) -> Path | str:
    """The notebook of the assignment inside `folder` (searched recursively,
    so zips with extra folders work), or the reason there is none."""
    candidates = [
        p
        for p in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts
    ]
    exact = [p for p in candidates if p.name == f"{assignment}.ipynb"]
    if len(exact) == 1:
        return _readable(exact[0])
    if len(candidates) == 1:
        return _readable(candidates[0])  # renamed notebook: the only one there
    if not candidates:
        return "no notebook (.ipynb) inside"
    names = ", ".join(sorted(p.name for p in candidates)[:5])
    return f"several notebooks and none named {assignment}.ipynb: {names}"


def file_digest(path: Path) -> str:
    """SHA-256 of a file, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def place(submission: Submission, course: Course) -> Path:
    """Copy a submission to the course's submitted/<student>/<assignment>/
    as <assignment>.ipynb (replacing an earlier copy) and return that folder."""
    target = course.submitted_dir(submission.student, submission.assignment)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(
        submission.notebook, course.submitted_notebook(submission.student, submission.assignment)
    )
    return target
