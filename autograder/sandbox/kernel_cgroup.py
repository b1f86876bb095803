"""One kernel's cgroup: :class:`KernelCgroup`.

It is made with its caps before the kernel starts, joined by the kernel's launcher
(:mod:`autograder.sandbox.cgroup_launcher`) before bubblewrap starts, asked after
OOM kills, and emptied and removed when the kernel is cleaned up.

Its name, ``course-kernel-<grader pid>-<random>``, says which grader made it, so
that the cgroups of a grader that was killed before it could clean up are removed
by the next one (:func:`sweep_stale`) and never those of a grader still running.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import time
import uuid
from pathlib import Path

import psutil

from autograder.sandbox.cgroup_place import CgroupPlace
from autograder.sandbox.config import CGROUP_V2

PREFIX = "course-kernel-"
STALE_NAME = re.compile(rf"^{PREFIX}(\d+)-[0-9a-f]+$")
EMPTY_WAIT = 5.0
"""Seconds to wait for killed processes to leave the cgroup before giving up."""


def _write(path: Path, value: str) -> None:
    path.write_text(value, encoding="ascii")


def _counter(text: str, name: str) -> int:
    """The value of line ``<name> <number>`` in a flat-keyed cgroup file (0 if absent)."""
    match = re.search(rf"^{name} (\d+)$", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


class KernelCgroup:
    """The cgroup (v2) or pair of cgroups (v1 memory and pids) of one kernel.

    Attributes:
        place: where it was made.
        folders: its folders: one for v2; the memory one, then the pids one, for v1.
    """

    def __init__(self, place: CgroupPlace, name: str) -> None:
        self.place = place
        self.folders = tuple(parent / name for parent in place.parents)

    @property
    def memory_folder(self) -> Path:
        return self.folders[0]

    @property
    def pids_folder(self) -> Path:
        return self.folders[-1]

    @property
    def procs_files(self) -> tuple[Path, ...]:
        """The files a process writes its PID to in order to join."""
        return tuple(folder / "cgroup.procs" for folder in self.folders)

    @property
    def kills_group_on_oom(self) -> bool:
        """Whether the kernel itself kills every process of the cgroup at an OOM kill
        (cgroup v2's memory.oom.group); otherwise it kills one process and
        :class:`~autograder.sandbox.oom_watch.OomWatch` kills the rest."""
        return (self.memory_folder / "memory.oom.group").exists()

    @classmethod
    def create(cls, place: CgroupPlace, memory_cap: int, pids_cap: int) -> KernelCgroup:
        """Make a new cgroup below `place` with a hard memory cap (bytes, swap
        included) and a cap on processes plus threads.

        Raises:
            OSError: it could not be made or capped; nothing is left behind.
        """
        cgroup = cls(place, f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}")
        try:
            for folder in cgroup.folders:
                folder.mkdir()
            cgroup._set_caps(memory_cap, pids_cap)
        except OSError:
            cgroup.remove()
            raise
        return cgroup

    def _set_caps(self, memory_cap: int, pids_cap: int) -> None:
        memory = self.memory_folder
        if self.place.version == CGROUP_V2:
            _write(memory / "memory.max", str(memory_cap))
            # Swap would let the sandbox hold more than the cap.
            if (memory / "memory.swap.max").exists():
                _write(memory / "memory.swap.max", "0")
            if (memory / "memory.oom.group").exists():
                _write(memory / "memory.oom.group", "1")
        else:
            _write(memory / "memory.limit_in_bytes", str(memory_cap))
            # memory+swap; must be set after the memory limit, never below it.
            if (memory / "memory.memsw.limit_in_bytes").exists():
                _write(memory / "memory.memsw.limit_in_bytes", str(memory_cap))
        _write(self.pids_folder / "pids.max", str(pids_cap))

    def oom_kills(self) -> int:
        """How many processes the kernel's OOM killer has killed in this cgroup for
        going over its memory cap (0 once the cgroup is gone)."""
        name = "memory.events" if self.place.version == CGROUP_V2 else "memory.oom_control"
        try:
            return _counter((self.memory_folder / name).read_text(encoding="ascii"), "oom_kill")
        except OSError:
            return 0

    def pids(self) -> set[int]:
        """Host PIDs of the processes in the cgroup (empty once it is gone)."""
        found: set[int] = set()
        for procs in self.procs_files:
            with contextlib.suppress(OSError):
                found.update(int(pid) for pid in procs.read_text(encoding="ascii").split())
        return found

    def kill(self) -> bool:
        """SIGKILL every process in the cgroup, again until none is left (a process
        may fork between the listing and the kill) or EMPTY_WAIT seconds have passed.
        Returns whether it is empty."""
        kill_file = self.memory_folder / "cgroup.kill"
        if kill_file.exists():  # cgroup v2 since Linux 5.14: atomic, no race with fork
            with contextlib.suppress(OSError):
                _write(kill_file, "1")
        deadline = time.monotonic() + EMPTY_WAIT
        while True:
            pids = self.pids()
            if not pids:
                return True
            if time.monotonic() > deadline:
                return False
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def remove(self) -> bool:
        """Remove the cgroup's folders (they must be empty of processes: see
        :meth:`kill`). Returns whether they are all gone."""
        deadline = time.monotonic() + EMPTY_WAIT
        for folder in reversed(self.folders):
            while folder.exists():
                try:
                    folder.rmdir()
                except FileNotFoundError:
                    break
                except OSError as error:
                    # EBUSY: a killed process has not quite left it yet.
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        return False
                    time.sleep(0.02)
        return True


def sweep_stale(place: CgroupPlace) -> list[Path]:
    """Kill and remove the kernels' cgroups below `place` whose grader no longer
    runs (it was killed before it could clean up). Returns the folders removed."""
    names = set()
    for parent in place.parents:
        with contextlib.suppress(OSError):
            names.update(entry.name for entry in parent.iterdir() if entry.is_dir())
    removed = []
    for name in sorted(names):
        match = STALE_NAME.match(name)
        if match is None or psutil.pid_exists(int(match.group(1))):
            continue
        cgroup = KernelCgroup(place, name)
        if cgroup.kill() and cgroup.remove():
            removed.extend(cgroup.folders)
    return removed
