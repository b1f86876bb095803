"""The names Canvas and Moodle give the files of a submissions download.

**Canvas** ("Download Submissions" of an assignment; its ContentZipper,
``app/models/content_zipper.rb``): each file is named
``<name>[_LATE]_<user id>_<file id>_<file name>``, where ``<name>`` is the
student's sortable name ("Doe, John") stripped of everything but letters,
digits and underscores and lower-cased (``doejohn``), ``LATE`` is there when
Canvas counts the submission late, the user id is the student's Canvas id
and the file id the uploaded file's. Canvas writes no submission time:
its zip entries carry the time the zip was made, not the time of the
submission. Example: ``doejohn_late_12345_67890_a1_softmax.ipynb``.

**Moodle** ("Download all submissions"; ``mod/assign/locallib.php``):
``<Full Name>_<participant id>_assignsubmission_file_`` is a folder holding
the student's files (the default since Moodle 3.1) or, with "download
submissions in folders" off, the prefix of each file name. The participant
id is Moodle's per-assignment identifier, not a user id; the times are in
Moodle's grading worksheet (see times.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CANVAS_NAME = re.compile(
    r"^(?:(?P<name>\w*?)_)?(?:(?P<late>late)_)?(?P<user>\d+)_(?P<file_id>\d+)_(?P<file>.+)$",
    re.IGNORECASE,
)
MOODLE_NAME = re.compile(
    r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)$"
)


@dataclass(frozen=True)
class LmsFileName:
    """What an LMS's file or folder name says about the submission."""

    lms: str
    """"Canvas" or "Moodle"."""
    name: str
    """Canvas's name slug ("doejohn") or Moodle's full name ("John Doe")."""
    lms_id: str
    """Canvas's user id, or Moodle's participant id."""
    late: bool | None
    """Canvas's LATE mark (True/False); None where the LMS marks nothing (Moodle)."""
    file: str
    """The student's own file name ("" for a Moodle folder)."""
    plugin: str = "file"
    """Moodle's submission plugin: "file" for uploads, "onlinetext" for typed text."""


def parse_lms_name(name: str) -> LmsFileName | None:
    """What `name` (a file or folder name) says, if Canvas or Moodle made it."""
    moodle = MOODLE_NAME.match(name)
    if moodle:
        return LmsFileName(
            "Moodle",
            moodle["name"].strip(),
            moodle["participant"],
            None,
            moodle["file"],
            moodle["plugin"],
        )
    canvas = CANVAS_NAME.match(name)
    if canvas:
        return LmsFileName(
            "Canvas", canvas["name"] or "", canvas["user"], bool(canvas["late"]), canvas["file"]
        )
    return None


def name_slug(name: str) -> str:
    """A student id made of a name, as Canvas makes its slug: letters and
    digits only, lower case ("John Doe" -> "johndoe")."""
    return re.sub(r"[\W_]+", "", name).lower()
