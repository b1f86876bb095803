"""Intake: what a folder of submissions becomes, and every way a file is
turned away, on real files, zips and links."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.coursedir import Course
from autograder.intake.collect import (
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBERS,
    collect,
    file_digest,
    place,
)

ASSIGNMENT = "a1_softmax"
NOTEBOOK = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))
LINK_REASON = "a symbolic link: submissions must be plain files or folders, links are not followed"


def _write(path: Path, text: str | bytes = NOTEBOOK) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


COURSE_ASSIGNMENTS = (ASSIGNMENT, "a2_rnn", "a3_lstm")


def _run(folder: Path, scratch: Path):
    """(students found, {file name: reason} of the rejections)."""
    submissions, rejections = collect(
        folder, ASSIGNMENT, scratch, other_assignments=COURSE_ASSIGNMENTS
    )
    return (
        {s.student: s for s in submissions},
        {r.origin.name: r.reason for r in rejections},
    )


# -- what is understood --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "student"),
    [
        (f"jdoe_{ASSIGNMENT}.ipynb", "jdoe"),
        (f"{ASSIGNMENT}-jdoe.ipynb", "jdoe"),
        (f"{ASSIGNMENT} - jdoe.ipynb", "jdoe"),
        (f"jdoe_12345_{ASSIGNMENT}.ipynb", "jdoe"),  # id then an LMS number
        (f"jdoe_LATE_12345_67890_{ASSIGNMENT}.ipynb", "jdoe"),  # Canvas, late
        (f"jane.doe@uni.edu_{ASSIGNMENT}.ipynb", "jane.doe@uni.edu"),
        (f"jdoe_{ASSIGNMENT} (1).ipynb", "jdoe"),  # a browser's second download
        ("jdoe.ipynb", "jdoe"),  # no assignment id in the name
    ],
)
def test_the_student_id_is_read_from_an_lms_file_name(folder, scratch, name, student):
    """Is the id the first word left once the assignment id and separators
    are taken out of the name?"""
    path = _write(folder / name)
    found, rejected = _run(folder, scratch)
    assert rejected == {}
    assert list(found) == [student]
    assert (found[student].notebook, found[student].origin) == (path, path)
    assert found[student].assignment == ASSIGNMENT


@pytest.mark.parametrize(
    "name", [f"{ASSIGNMENT}.ipynb", f"(1)_{ASSIGNMENT}.ipynb", f"_-_{ASSIGNMENT}.zip"]
)
def test_a_name_without_a_student_id_is_rejected_with_the_expected_naming(folder, scratch, name):
    """Is a file whose name holds no usable id rejected with what was read
    and what names are expected?"""
    _write(folder / name)
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected[name].startswith("cannot read a student id from the name (got ")
    assert "expected <student>_<assignment>.ipynb, <assignment> - <student>.zip" in rejected[name]


def test_nbgraders_own_layout_is_taken_as_it_is(folder, scratch):
    """Is <student>/<assignment>/<assignment>.ipynb taken, other files aside?"""
    notebook = _write(folder / "jdoe" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    _write(folder / "jdoe" / ASSIGNMENT / "notes.txt", "mine")
    found, rejected = _run(folder, scratch)
    assert rejected == {}
    assert (found["jdoe"].notebook, found["jdoe"].origin) == (notebook, folder / "jdoe")


def test_a_student_folder_without_the_assignment_folder_is_rejected(folder, scratch):
    _write(folder / "jdoe" / "homework" / f"{ASSIGNMENT}.ipynb")
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {"jdoe": f"no folder {ASSIGNMENT}/ inside jdoe/"}


def test_a_student_who_handed_in_only_other_assignments_is_not_rejected(folder, scratch):
    """nbgrader's submitted/ folder keeps every assignment of a student: is a
    student with only another assignment's folder left out without a
    rejection, while one with a stray folder beside it is still rejected?"""
    _write(folder / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    _write(folder / "jdoe" / "a2_rnn" / "a2_rnn.ipynb")
    _write(folder / "jdoe" / "a2_rnn" / "timestamp.txt", "2025-10-17 12:00:00")
    _write(folder / "kim" / "a2_rnn" / "a2_rnn.ipynb")
    _write(folder / "kim" / "homework" / f"{ASSIGNMENT}.ipynb")
    found, rejected = _run(folder, scratch)
    assert list(found) == ["alice"]
    assert rejected == {"kim": f"no folder {ASSIGNMENT}/ inside kim/"}


def test_a_misnamed_assignment_folder_is_rejected_not_passed_over(folder, scratch):
    """Is a folder in nbgrader's layout whose name is no assignment of the
    course (``a1/a1.ipynb``: this one misnamed, perhaps) rejected with its
    reason, and is every nbgrader-layout folder rejected when the course's
    other assignments are not known?"""
    _write(folder / "jdoe" / "a1" / "a1.ipynb")
    _write(folder / "kim" / "a2_rnn" / "a2_rnn.ipynb")
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {"jdoe": f"no folder {ASSIGNMENT}/ inside jdoe/"}
    _, unknown = collect(folder, ASSIGNMENT, scratch)
    assert {r.origin.name for r in unknown} == {"jdoe", "kim"}


def test_a_zip_with_extra_folders_and_junk_gives_its_notebook(folder, scratch):
    """Are __MACOSX and checkpoint copies ignored, and the notebook named
    after the assignment found however deep?"""
    _zip(
        folder / f"{ASSIGNMENT} - jdoe.zip",
        {
            f"Downloads/work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb": NOTEBOOK,
            f"__MACOSX/Downloads/work/{ASSIGNMENT}/._{ASSIGNMENT}.ipynb": b"\x00\x05\x16\x07",
            f"Downloads/work/.ipynb_checkpoints/{ASSIGNMENT}-checkpoint.ipynb": NOTEBOOK,
            "Downloads/draft.ipynb": NOTEBOOK,
            "Downloads/notes.txt": "notes",
        },
    )
    found, rejected = _run(folder, scratch)
    assert rejected == {}
    notebook = found["jdoe"].notebook
    assert notebook.is_relative_to(scratch)
    assert notebook.parts[-4:] == ("Downloads", "work", ASSIGNMENT, f"{ASSIGNMENT}.ipynb")
    assert found["jdoe"].origin == folder / f"{ASSIGNMENT} - jdoe.zip"


def test_a_renamed_notebook_alone_in_its_zip_is_taken(folder, scratch):
    _zip(folder / f"jdoe_{ASSIGNMENT}.zip", {"homework1 (final).ipynb": NOTEBOOK})
    found, rejected = _run(folder, scratch)
    assert rejected == {}
    assert found["jdoe"].notebook.name == "homework1 (final).ipynb"


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        (
            {"draft.ipynb": NOTEBOOK, "final.ipynb": NOTEBOOK},
            f"several notebooks and none named {ASSIGNMENT}.ipynb: draft.ipynb, final.ipynb",
        ),
        ({"notes.txt": "no notebook"}, "no notebook (.ipynb) inside"),
    ],
)
def test_a_zip_without_one_clear_notebook_is_rejected(folder, scratch, members, reason):
    _zip(folder / f"jdoe_{ASSIGNMENT}.zip", members)
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {f"jdoe_{ASSIGNMENT}.zip": reason}


def test_hidden_files_are_ignored(folder, scratch):
    _write(folder / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    _write(folder / f"jdoe_{ASSIGNMENT}.ipynb")
    found, rejected = _run(folder, scratch)
    assert (list(found), rejected) == (["jdoe"], {})


def test_a_missing_folder_is_an_error_naming_it(tmp_path, scratch):
    with pytest.raises(FileNotFoundError, match=r"submissions folder .*/nowhere does not exist"):
        collect(tmp_path / "nowhere", ASSIGNMENT, scratch)


# -- files that are not notebooks ---------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "is not a valid notebook (NotJSONError: "),
        ('{"nbformat": 4, "nbformat_minor": 5, "cells": "no"}', "is not a valid notebook ("),
        ("", "is not a valid notebook (NotJSONError: "),
        (NOTEBOOK.replace("1 + 1", "'été'").encode("latin-1"), "is not UTF-8 text"),
    ],
    ids=["not-json", "not-nbformat", "empty", "latin-1"],
)
def test_a_file_that_is_no_notebook_is_rejected_with_its_reason(folder, scratch, content, reason):
    name = f"jdoe_{ASSIGNMENT}.ipynb"
    _write(folder / name, content)
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {name: rejected[name]}
    assert rejected[name].startswith(f"{name} {reason}")


def test_other_kinds_of_file_are_rejected(folder, scratch):
    _write(folder / f"jdoe_{ASSIGNMENT}.py", "def softmax(x): ...")
    _write(folder / f"ann_{ASSIGNMENT}.zip", "this is no zip")
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {
        f"jdoe_{ASSIGNMENT}.py": "not a notebook, a zip or a student folder",
        f"ann_{ASSIGNMENT}.zip": "not a readable zip (File is not a zip file)",
    }


# -- one submission per student ---------------------------------------------------


def test_a_second_file_for_one_student_is_rejected_naming_the_first(folder, scratch):
    """Of two files for jdoe, is the first in name order graded and the
    other rejected with a reason that names both?"""
    _zip(folder / f"{ASSIGNMENT} - jdoe.zip", {f"{ASSIGNMENT}.ipynb": NOTEBOOK})
    _write(folder / f"jdoe_{ASSIGNMENT}.ipynb")
    found, rejected = _run(folder, scratch)
    assert found["jdoe"].origin.name == f"{ASSIGNMENT} - jdoe.zip"
    assert rejected == {
        f"jdoe_{ASSIGNMENT}.ipynb": "a second submission for student 'jdoe'; graded the first "
        f"one in name order ({ASSIGNMENT} - jdoe.zip) instead"
    }


def test_ids_that_differ_only_in_case_are_one_student(folder, scratch):
    """Are JDoe and jdoe (one folder on a case-insensitive disk) one student,
    with the second file rejected and both spellings named?"""
    _write(folder / f"JDoe_{ASSIGNMENT}.ipynb")
    _write(folder / "jdoe" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    found, rejected = _run(folder, scratch)
    assert list(found) == ["JDoe"]
    assert rejected == {
        "jdoe": "a second submission for student 'JDoe' (as 'jdoe'); graded the first one "
        f"in name order (JDoe_{ASSIGNMENT}.ipynb) instead"
    }


# -- hostile archives and links -------------------------------------------------


@pytest.mark.parametrize("member", ["../../escaped.txt", "/tmp/absolute-escape.txt"])
def test_a_zip_member_outside_its_folder_is_rejected_before_unpacking(
    folder, scratch, tmp_path, member
):
    """Zip slip: is a member path that leaves the unpacking folder refused,
    with nothing written anywhere?"""
    _zip(folder / f"jdoe_{ASSIGNMENT}.zip", {f"{ASSIGNMENT}.ipynb": NOTEBOOK, member: "x"})
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {f"jdoe_{ASSIGNMENT}.zip": f"unsafe path in zip: {member}"}
    assert not list(tmp_path.rglob(Path(member).name))
    assert [p for p in scratch.rglob("*") if p.is_file()] == []


def test_a_zip_bomb_is_rejected_by_its_declared_size(folder, scratch):
    """Is a zip that unpacks to more than the limit refused before unpacking?"""
    size = MAX_ZIP_BYTES + 1
    _zip(
        folder / f"jdoe_{ASSIGNMENT}.zip", {f"{ASSIGNMENT}.ipynb": NOTEBOOK, "zeros": bytes(size)}
    )
    found, rejected = _run(folder, scratch)
    assert found == {}
    total = size + len(NOTEBOOK.encode())
    assert rejected == {
        f"jdoe_{ASSIGNMENT}.zip": f"unpacks to {total} bytes, over the limit of "
        f"{MAX_ZIP_BYTES} bytes"
    }
    assert list(scratch.iterdir()) == []


def test_a_zip_that_understates_its_size_stops_at_the_stated_size(folder, scratch):
    """A bomb whose headers claim 100 bytes for 5 MB: is it rejected as
    unreadable, with no more than the claimed bytes written?"""
    path = _zip(folder / f"jdoe_{ASSIGNMENT}.zip", {f"{ASSIGNMENT}.ipynb": b"0" * 5_000_000})
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 22, 100)  # uncompressed size, local header
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)  # and in the central directory
    path.write_bytes(bytes(data))
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {
        path.name: f"not a readable zip (Bad CRC-32 for file '{ASSIGNMENT}.ipynb')"
    }
    assert sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file()) <= 100


def test_a_zip_of_many_empty_files_is_rejected(folder, scratch):
    members = {f"f{i}.txt": b"" for i in range(MAX_ZIP_MEMBERS + 1)}
    _zip(folder / f"jdoe_{ASSIGNMENT}.zip", {f"{ASSIGNMENT}.ipynb": NOTEBOOK, **members})
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {
        f"jdoe_{ASSIGNMENT}.zip": f"holds {MAX_ZIP_MEMBERS + 2} files, over the limit of "
        f"{MAX_ZIP_MEMBERS}"
    }


def test_links_in_the_export_are_never_followed(folder, scratch, tmp_path):
    """A linked notebook (to another student's file), a linked student
    folder and a linked notebook inside a student folder: is each rejected
    as a link, and nobody graded from it?"""
    elsewhere = _write(tmp_path / "other" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (folder / f"ann_{ASSIGNMENT}.ipynb").symlink_to(elsewhere)
    (folder / "bob").symlink_to(tmp_path / "other", target_is_directory=True)
    inner = folder / "cy" / ASSIGNMENT
    inner.mkdir(parents=True)
    (inner / f"{ASSIGNMENT}.ipynb").symlink_to(elsewhere)
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected == {
        f"ann_{ASSIGNMENT}.ipynb": LINK_REASON,
        "bob": LINK_REASON,
        "cy": f"{ASSIGNMENT}.ipynb is {LINK_REASON}",
    }


def test_a_link_stored_in_a_zip_unpacks_as_a_plain_file(folder, scratch):
    """A zip member marked as a symbolic link to the seed: is it unpacked as
    a plain file holding the target's name (no link made), and rejected?"""
    path = folder / f"jdoe_{ASSIGNMENT}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo(f"{ASSIGNMENT}.ipynb")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/course/.grading-seed")
    found, rejected = _run(folder, scratch)
    assert found == {}
    assert rejected[path.name].startswith(f"{ASSIGNMENT}.ipynb is not a valid notebook")
    unpacked = [p for p in scratch.rglob("*") if not p.is_dir()]
    assert [p.is_symlink() for p in unpacked] == [False]
    assert unpacked[0].read_text() == "/course/.grading-seed"


# -- into the course ------------------------------------------------------------


def test_place_copies_into_nbgraders_submitted_folder_replacing_the_old_copy(
    folder, scratch, tmp_path
):
    """Does a submission land as submitted/<student>/<assignment>/<assignment>.ipynb,
    with its time (the zip's) in nbgrader's timestamp.txt and whatever an
    earlier import left there gone?"""
    course = Course(tmp_path / "course")
    stale = course.submitted_dir("jdoe", ASSIGNMENT) / "stale.txt"
    _write(stale, "from an earlier import")
    archive = _zip(folder / f"jdoe_{ASSIGNMENT}.zip", {"renamed.ipynb": NOTEBOOK})
    os.utime(archive, (1_700_000_000, 1_700_000_000))
    found, _ = _run(folder, scratch)
    target = place(found["jdoe"], course)
    assert target == course.submitted_dir("jdoe", ASSIGNMENT)
    assert sorted(os.listdir(target)) == [f"{ASSIGNMENT}.ipynb", "timestamp.txt"]
    assert course.submitted_notebook("jdoe", ASSIGNMENT).read_text(encoding="utf-8") == NOTEBOOK
    stamp = course.submitted_timestamp("jdoe", ASSIGNMENT).read_text(encoding="utf-8")
    assert stamp == "2023-11-14 22:13:20.000000 UTC\n"


def test_place_writes_no_timestamp_for_a_submission_without_a_time(folder, scratch, tmp_path):
    """A Canvas file carries no time: is no timestamp.txt written (so nbgrader
    records none, rather than one made up)?"""
    course = Course(tmp_path / "course")
    _write(folder / f"doejane_12345_67890_{ASSIGNMENT}.ipynb")
    found, _ = _run(folder, scratch)
    assert found["doejane"].submitted_at is None
    place(found["doejane"], course)
    assert not course.submitted_timestamp("doejane", ASSIGNMENT).exists()


def test_file_digest_is_the_sha256_of_the_bytes(tmp_path):
    path = _write(tmp_path / "x.ipynb", b"\x00abc\xff")
    assert file_digest(path) == hashlib.sha256(b"\x00abc\xff").hexdigest()
