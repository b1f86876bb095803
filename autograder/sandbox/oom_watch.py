"""Turning one OOM kill into the death of the whole sandbox: :class:`OomWatch`.

When a cgroup goes over its memory cap, Linux's OOM killer kills one process in
it, the one using most memory. Under cgroup v2 with ``memory.oom.group`` it kills
them all; under v1 it does not, and the victim may be a child the notebook forked
while the kernel lives on, runs the next cell and gets graded on whatever the
children left behind. The grader wants one clear outcome instead: the kernel dead,
and :meth:`SandboxedKernelManager.killed_for_memory` saying why.
"""

from __future__ import annotations

import logging
import threading

from autograder.sandbox.kernel_cgroup import KernelCgroup

logger = logging.getLogger("autograder.sandbox")

POLL_SECONDS = 0.1
"""How often the OOM counter is read: a small file read, ten times a second."""


class OomWatch(threading.Thread):
    """A daemon thread that kills every process of `cgroup` as soon as its OOM
    counter moves, until :meth:`stop` is called.

    Attributes:
        fired: whether it saw an OOM kill (and killed the rest).
    """

    def __init__(self, cgroup: KernelCgroup) -> None:
        super().__init__(name=f"oom-watch-{cgroup.memory_folder.name}", daemon=True)
        self.cgroup = cgroup
        self.fired = False
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(POLL_SECONDS):
            if self.cgroup.oom_kills() > 0:
                self.fired = True
                logger.warning(
                    "the kernel's sandbox went over its memory cap (%s): killing it",
                    self.cgroup.memory_folder,
                )
                self.cgroup.kill()
                return

    def stop(self) -> None:
        """Stop watching (and wait for the thread, which is at most one poll away)."""
        self._stopped.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()
