"""Find the submissions in a folder and copy them into nbgrader's layout.

Two layouts are understood:

- nbgrader's own: ``<folder>/<student>/<assignment>/<assignment>.ipynb``
  (plus any other files);
- what a learning-management system exports: flat files or zips whose
  names hold the student id, e.g. ``jdoe_a2_rnn.ipynb``,
  ``a2_rnn - jdoe.zip`` or ``jdoe_12345_a2_rnn.zip``. The student id is the
  file name with the assignment id and separators removed (its first
  remaining word);
- Canvas's and Moodle's own naming (lms.py): the student is found in the
  roster by Canvas's user id or Moodle's full name, else named by the LMS's
  name (a note says so); Canvas's LATE mark is kept.

Each submission carries its time when the export tells it (times.py), and
`place` writes it as nbgrader's timestamp.txt, from which nbgrader's
autograde computes lateness against the assignment's due date.

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
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import nbformat

from autograder.coursedir import Course
from autograder.intake.lms import LmsFileName, name_slug, parse_lms_name
from autograder.intake.times import (
    Sidecars,
    TimeError,
    modification_time,
    nbgrader_timestamp,
    read_sidecars,
    read_timestamp_file,
)
from autograder.roster import Roster

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
    submitted_at: datetime | None = None
    """When it was handed in (aware), None when the export does not say."""
    time_source: str = ""
    """Where submitted_at comes from, or why there is none."""
    late_mark: bool | None = None
    """The LMS's own verdict (Canvas's LATE), None where the LMS gives none."""
    notes: tuple[str, ...] = ()
    """What the instructor should know about how it was read (not on the roster, ...)."""


@dataclass(frozen=True)
class Rejection:
    """A file or folder that could not be taken, and why."""

    origin: Path
    reason: str


@dataclass(frozen=True)
class _Export:
    """What every submission of one export is read with."""

    roster: Roster | None
    sidecars: Sidecars
    other_assignments: frozenset[str]


def collect(
    folder: Path,
    assignment: str,
    scratch: Path,
    roster: Roster | None = None,
    zone: tzinfo = UTC,
    other_assignments: Collection[str] = (),
) -> tuple[list[Submission], list[Rejection]]:
    """Find every submission of `assignment` under `folder`. Zips are
    unpacked into `scratch`; students named by an LMS are looked up in
    `roster`; sidecar times without an offset are read in `zone`
    (times.TimeError if a sidecar cannot be read). A student folder that
    holds only `other_assignments` (the course's other assignment ids) in
    nbgrader's layout is no submission; any other folder without
    `assignment` is rejected with its reason."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"submissions folder {folder} does not exist")
    export = _Export(
        roster, read_sidecars(folder, zone), frozenset(other_assignments) - {assignment}
    )
    submissions: list[Submission] = []
    rejections: list[Rejection] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in export.sidecars.files:
            continue
        found = len(submissions)
        if entry.is_symlink():
            rejections.append(Rejection(entry, _LINK))
        elif entry.is_dir():
            _from_student_folder(entry, assignment, submissions, rejections, export)
        elif entry.suffix == ".ipynb":
            _from_flat_notebook(entry, assignment, submissions, rejections, export)
        elif entry.suffix == ".zip":
            _from_zip(entry, assignment, scratch, submissions, rejections, export)
        else:
            rejections.append(Rejection(entry, "not a notebook, a zip or a student folder"))
        submissions[found:] = [_timed(s, export) for s in submissions[found:]]
    return _one_per_student(submissions, rejections), rejections


def _timed(submission: Submission, export: _Export) -> Submission:
    """`submission` with its time, from the first source that knows it (times.py)."""
    origin = submission.origin
    lms = parse_lms_name(origin.name)
    if origin.name in export.sidecars.by_file:
        when, source = export.sidecars.by_file[origin.name], "timestamps.csv"
    elif lms and lms.lms == "Moodle" and lms.lms_id in export.sidecars.by_participant:
        when = export.sidecars.by_participant[lms.lms_id]
        source = "Moodle's grading worksheet" if when else "Moodle's grading worksheet has none"
    elif origin.is_dir() and (stamp := _timestamp_file(submission.notebook.parent)):
        when, source = stamp
    elif lms is None:
        # A folder's own time changes with any file put in it: the notebook's is meant.
        when = modification_time(submission.notebook if origin.is_dir() else origin)
        source = "file modification time"
    else:
        when, source = None, f"{lms.lms} writes no submission time in its file names"
    return replace(submission, submitted_at=when, time_source=source)


def _timestamp_file(folder: Path) -> tuple[datetime | None, str] | None:
    """(time, source) from nbgrader's timestamp.txt in `folder`, None without one."""
    try:
        stamp = read_timestamp_file(folder)
    except TimeError as error:  # one bad file costs its own time, not the batch
        return None, f"unreadable: {error}"
    return (stamp, "timestamp.txt") if stamp else None


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


def _from_student_folder(folder, assignment, submissions, rejections, export) -> None:
    lms = parse_lms_name(folder.name)
    if lms is not None and lms.lms == "Moodle":
        _from_lms_file(folder, folder, lms, assignment, submissions, rejections, export)
        return
    student = folder.name
    inner = folder / assignment
    if not inner.is_dir():
        if not _holds_other_assignments_only(folder, export.other_assignments):
            rejections.append(Rejection(folder, f"no folder {assignment}/ inside {folder.name}/"))
        return
    notebook = _pick_notebook(inner, assignment)
    if isinstance(notebook, str):
        rejections.append(Rejection(folder, notebook))
    elif _valid_student(student, folder, rejections):
        submissions.append(Submission(student, assignment, notebook, folder))


def _holds_other_assignments_only(folder: Path, others: frozenset[str]) -> bool:
    """Does a student's folder hold nothing but the course's other
    assignments, in nbgrader's layout (``<id>/<id>.ipynb``)? nbgrader's
    submitted/ folder keeps every assignment of a student: one who has not
    handed this one in has nothing to grade, and nothing wrong. A folder of
    any other name (``a3/a3.ipynb`` for a3_lstm, say) may be this assignment
    misnamed, so it is not passed over."""
    children = [child for child in folder.iterdir() if not child.name.startswith(".")]
    return bool(children) and all(
        child.name in others
        and child.is_dir()
        and not child.is_symlink()
        and (child / f"{child.name}.ipynb").is_file()
        for child in children
    )


def _student_from_name(name: str, assignment: str) -> str:
    """jdoe_a2_rnn.ipynb, a2_rnn-jdoe.zip, jdoe_12345_a2_rnn.zip -> jdoe."""
    rest = Path(name).stem.replace(assignment, " ").strip(" _-.")
    words = re.split(r"[\s_]+", rest)
    return words[0] if words and words[0] else ""


def _from_lms_file(path, where, lms, assignment, submissions, rejections, export) -> None:
    """A submission named by Canvas or Moodle: `where` is the notebook
    itself or the folder (unpacked zip, Moodle folder) to find it in."""
    if lms.plugin != "file":
        rejections.append(
            Rejection(path, f"a Moodle {lms.plugin} submission (typed text), not a notebook")
        )
        return
    student, notes = _lms_student(lms, export.roster)
    if isinstance(student, Rejection):
        rejections.append(Rejection(path, student.reason))
        return
    if not _valid_student(student, path, rejections):
        return
    notebook = _pick_notebook(where, assignment) if where.is_dir() else _readable(where)
    if isinstance(notebook, str):
        rejections.append(Rejection(path, notebook))
        return
    submissions.append(
        Submission(student, assignment, notebook, path, late_mark=lms.late, notes=notes)
    )


def _lms_student(lms: LmsFileName, roster: Roster | None):
    """(student id, notes) of an LMS-named submission, or (Rejection, ()).
    Canvas is matched by user id, Moodle by full name; a student the roster
    does not hold is named by the LMS's name, with a note."""
    if roster is not None:
        if lms.lms == "Canvas":
            found = roster.by_lms_id(lms.lms_id)
            matches = [found] if found else []
        else:
            matches = roster.by_full_name(lms.name)
        if len(matches) == 1:
            return matches[0].student_id, ()
        if len(matches) > 1:
            ids = ", ".join(s.student_id for s in matches)
            return Rejection(Path(), f"{lms.name!r} matches several roster students ({ids})"), ()
    fallback = name_slug(lms.name) or lms.lms_id
    who = f"{lms.lms} user {lms.lms_id}" if lms.lms == "Canvas" else f"{lms.name!r}"
    where = f"not on the roster {roster.path}" if roster is not None else "no roster"
    return fallback, (f"{who}: {where}; graded as {fallback!r}",)


def _from_flat_notebook(path, assignment, submissions, rejections, export) -> None:
    lms = parse_lms_name(path.name)
    if lms is not None:
        _from_lms_file(path, path, lms, assignment, submissions, rejections, export)
        return
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


def _from_zip(path, assignment, scratch, submissions, rejections, export) -> None:
    lms = parse_lms_name(path.name)
    if lms is not None:  # the roster names the student once the notebook is found
        student = name_slug(lms.name) or lms.lms_id
    else:
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
    if lms is not None:
        _from_lms_file(path, target, lms, assignment, submissions, rejections, export)
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
    as <assignment>.ipynb (replacing an earlier copy), with its time in
    nbgrader's timestamp.txt when it has one, and return that folder."""
    student, assignment = submission.student, submission.assignment
    target = course.submitted_dir(student, assignment)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(submission.notebook, course.submitted_notebook(student, assignment))
    if submission.submitted_at is not None:
        course.submitted_timestamp(student, assignment).write_text(
            nbgrader_timestamp(submission.submitted_at) + "\n", encoding="utf-8"
        )
    return target
