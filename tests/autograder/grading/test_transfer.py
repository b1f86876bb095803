"""Folders packed to bytes and back: what travels between coordinator and workers."""

from __future__ import annotations

import io
import tarfile

import pytest

from autograder.grading import transfer


def test_a_folder_comes_back_with_its_files_and_modes(tmp_path):
    source = tmp_path / "source"
    (source / "sub").mkdir(parents=True)
    (source / "a.ipynb").write_text("{}", encoding="utf-8")
    (source / "sub" / "data.npz").write_bytes(b"\x00\x01")
    (source / "sub" / "data.npz").chmod(0o444)
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "x.pyc").write_bytes(b"stale")
    packed = transfer.pack(source)
    assert transfer.members(packed) == {"a.ipynb": b"{}", "sub/data.npz": b"\x00\x01"}
    target = tmp_path / "target"
    transfer.unpack(packed, target)
    assert (target / "a.ipynb").read_text(encoding="utf-8") == "{}"
    assert (target / "sub" / "data.npz").stat().st_mode & 0o222 in (0, 0o200)
    assert not (target / "__pycache__").exists()


def test_an_archive_that_leaves_its_folder_is_refused(tmp_path):
    """Does unpacking refuse a member whose path climbs out of the target?"""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(tarfile.OutsideDestinationError):
        transfer.unpack(buffer.getvalue(), tmp_path / "target")
    assert not (tmp_path / "escaped.txt").exists()


def test_links_are_not_packed(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "real.txt").write_text("real", encoding="utf-8")
    (source / "link.txt").symlink_to(tmp_path / "elsewhere")
    assert transfer.members(transfer.pack(source)) == {"real.txt": b"real"}
