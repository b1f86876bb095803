"""One sandbox user per running kernel on a machine.

RLIMIT_NPROC (``SandboxedKernelManager.process_limit``) counts every process
of the sandbox's user, so two kernels that run at the same time as the same
user share one budget: one notebook's fork bomb would stop the other's
threads. A worker therefore runs each kernel as a user no other kernel on
the machine holds at that moment: it claims one of a block of uids, counting
down from the configured ``sandbox_uid`` (by default 65534, ``nobody``; the
uids just below it are unassigned on Debian), with an exclusive lock file
per uid. The lock is released when the grading ends, or by the kernel of
the operating system when the worker dies, so a killed worker never keeps
a uid. Batches and Dask workers on one machine share the locks.

Only a grader that runs as root drops the kernel to another user; otherwise
the uid is not used and nothing is claimed.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UID_BLOCK = 256
"""How many uids below the configured one a machine's kernels may take."""

LOCK_FOLDERS = (Path("/run/lock"), Path(tempfile.gettempdir()))
"""Where the locks live: the machine's lock folder, so that every grader on the
machine sees the same locks whatever its TMPDIR (else the temporary folder)."""


class NoFreeUid(RuntimeError):
    """Every uid of the block is held by another kernel on this machine."""


def lock_folder() -> Path:
    """The folder of the uid locks (made on first use, shared by every grader)."""
    for base in LOCK_FOLDERS:
        if base.is_dir() and os.access(base, os.W_OK):
            folder = base / "course-sandbox-uids"
            folder.mkdir(mode=0o755, exist_ok=True)
            return folder
    raise NoFreeUid("no writable folder for the sandbox uid locks (/run/lock or the temp folder)")


@contextmanager
def claim_uid(base: int, root: bool | None = None) -> Iterator[int]:
    """A uid that no other kernel on this machine runs as while the block
    lasts: `base`, or the first free one below it. Without root (`root`
    defaults to whether this process is root), `base` itself: no user is
    switched, so there is nothing to share."""
    if not (os.geteuid() == 0 if root is None else root):
        yield base
        return
    folder = lock_folder()
    for uid in range(base, max(base - UID_BLOCK, 0), -1):
        handle = open(folder / f"{uid}.lock", "a")  # held while the kernel runs
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield uid
        finally:
            handle.close()  # closing the file releases the lock
        return
    raise NoFreeUid(
        f"all {UID_BLOCK} sandbox uids from {base} down are held by running kernels on this "
        "machine: run fewer workers here"
    )
