"""The class list the instructor gives: who each student is in the LMS.

A CSV file (``course/roster.csv`` by default, or ``--roster FILE``), one
row per student, with a header naming its columns::

    student_id,lms_id,first_name,last_name,email
    jdoe,12345,Jane,Doe,jdoe@uni.example

- ``student_id``: the id in this course's gradebook (letters, digits and
  . _ @ -), required and unique;
- ``lms_id``: the student's id in the LMS: Canvas's user id (the ``ID``
  column of its gradebook export, and the number in its submission file
  names) or Moodle's ``ID number``; unique when given;
- ``first_name``, ``last_name``: as the LMS shows them (Moodle names
  submissions "First Last", Canvas's grade file "Last, First");
- ``email``: the address the LMS knows (Moodle's grade import matches on it).

Optional columns, copied into Canvas's grade file: ``sis_user_id``,
``sis_login_id``, ``section``. Excel's UTF-8 byte-order mark is accepted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

REQUIRED_COLUMNS = ("student_id", "lms_id", "first_name", "last_name", "email")
OPTIONAL_COLUMNS = ("sis_user_id", "sis_login_id", "section")
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class RosterError(ValueError):
    """A roster file that cannot be used, with what is wrong and what is expected."""


@dataclass(frozen=True)
class RosterStudent:
    """One row of the roster."""

    student_id: str
    lms_id: str
    first_name: str
    last_name: str
    email: str
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def full_name(self) -> str:
        """ "First Last", as Moodle names a submission."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def sortable_name(self) -> str:
        """ "Last, First", as Canvas's gradebook lists a student."""
        return ", ".join(part for part in (self.last_name, self.first_name) if part)


def name_key(name: str) -> str:
    """A name compared without case, accents' case or spacing differences."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Roster:
    """Every student of the roster file, in its order."""

    path: Path
    students: tuple[RosterStudent, ...]

    def by_student_id(self, student_id: str) -> RosterStudent | None:
        return next((s for s in self.students if s.student_id == student_id), None)

    def by_lms_id(self, lms_id: str) -> RosterStudent | None:
        return next((s for s in self.students if s.lms_id and s.lms_id == lms_id), None)

    def by_full_name(self, name: str) -> list[RosterStudent]:
        """Every student whose "First Last" is `name` (ignoring case and spacing)."""
        return [s for s in self.students if name_key(s.full_name) == name_key(name)]


def read_roster(path: Path) -> Roster:
    """Read and check a roster file; RosterError says what is wrong where."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"roster {path} does not exist") from None
    except UnicodeDecodeError:
        raise RosterError(f"roster {path} is not UTF-8 text (save it as CSV UTF-8)") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        header = ",".join(REQUIRED_COLUMNS)
        raise RosterError(f"roster {path} is empty: expected a header {header}")
    header = [name.strip() for name in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise RosterError(
            f"roster {path} has no column {', '.join(missing)} (its header: {','.join(header)}; "
            f"expected {','.join(REQUIRED_COLUMNS)}, optionally {','.join(OPTIONAL_COLUMNS)})"
        )
    students = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise RosterError(
                f"roster {path}, line {line}: {len(row)} fields where the header has {len(header)}"
            )
        values = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        students.append(_student(values, path, line))
    _check_unique(students, path)
    return Roster(path, tuple(students))


def _student(values: dict[str, str], path: Path, line: int) -> RosterStudent:
    student_id = values["student_id"]
    if not STUDENT_ID.match(student_id):
        raise RosterError(
            f"roster {path}, line {line}: student_id {student_id!r} is not an id "
            "(expected letters, digits and . _ @ -, starting with a letter or digit)"
        )
    fields = {name: values.get(name, "") for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    return RosterStudent(**fields)


def _check_unique(students: list[RosterStudent], path: Path) -> None:
    for field in ("student_id", "lms_id"):
        seen: dict[str, str] = {}
        for student in students:
            value = getattr(student, field)
            if not value:
                continue
            if value in seen:
                raise RosterError(
                    f"roster {path}: {field} {value!r} appears twice "
                    f"(students {seen[value]!r} and {student.student_id!r}); each must be unique"
                )
            seen[value] = student.student_id
