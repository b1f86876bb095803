"""One sandbox uid per running kernel on a machine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from autograder.grading import uids


@pytest.fixture
def lock_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(uids, "LOCK_FOLDERS", (tmp_path,))
    return tmp_path / "course-sandbox-uids"


def test_kernels_running_at_once_get_different_uids(lock_folder):
    """Do three claims held at once get the configured uid and the two below it?"""
    with (
        uids.claim_uid(65534, root=True) as first,
        uids.claim_uid(65534, root=True) as second,
        uids.claim_uid(65534, root=True) as third,
    ):
        assert (first, second, third) == (65534, 65533, 65532)
    with uids.claim_uid(65534, root=True) as again:
        assert again == 65534  # released at the end of each block


def test_a_uid_held_by_another_process_is_skipped(lock_folder):
    """Is the lock machine-wide: a uid another process holds is not handed out?"""
    code = (
        "import pathlib, sys\n"
        "from autograder.grading import uids\n"
        f"uids.LOCK_FOLDERS = (pathlib.Path({str(lock_folder.parent)!r}),)\n"
        "with uids.claim_uid(1000, root=True) as uid:\n"
        "    print(uid, flush=True)\n"
        "    sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "1000"
        with uids.claim_uid(1000, root=True) as uid:
            assert uid == 999
    finally:
        holder.kill()
        holder.wait()
    with uids.claim_uid(1000, root=True) as uid:
        assert uid == 1000  # a dead holder's lock is gone with it


def test_without_root_no_uid_is_claimed(lock_folder):
    with uids.claim_uid(4242, root=False) as first, uids.claim_uid(4242, root=False) as second:
        assert first == second == 4242
    assert not lock_folder.exists()


def test_a_full_block_says_so(lock_folder, monkeypatch):
    monkeypatch.setattr(uids, "UID_BLOCK", 2)
    with uids.claim_uid(10, root=True), uids.claim_uid(10, root=True):
        with pytest.raises(uids.NoFreeUid, match="run fewer workers here"):
            with uids.claim_uid(10, root=True):
                pass
