"""The cgroup side of one kernel's life, as the kernel manager sees it:
:class:`CgroupGuard`.

Made before the kernel starts (or, where this machine allows no cgroup, the
reason, said once per process), watched while the kernel runs, asked whether
memory killed it, emptied and removed when the kernel is cleaned up.
"""

from __future__ import annotations

import logging
import sys
import threading

from autograder.sandbox.cgroup_setup import cgroup_place_or_reason
from autograder.sandbox.config import RLIMIT_ONLY, SandboxLimits
from autograder.sandbox.kernel_cgroup import KernelCgroup
from autograder.sandbox.oom_watch import OomWatch

logger = logging.getLogger("autograder.sandbox")

_warning_lock = threading.Lock()
_warned = False


def warn_rlimit_only(reason: str, limits: SandboxLimits) -> None:
    """Say once per process, on the log and on stderr, that kernels get no memory
    cgroup: the same cause would otherwise repeat for every notebook of a batch."""
    global _warned
    with _warning_lock:
        if _warned:
            return
        _warned = True
    message = (
        "NO MEMORY CGROUP: kernels run without a hard cap on the sandbox's memory and "
        f"processes, under rlimits only ({limits.memory_limit} bytes of address space "
        f"per process, {limits.process_limit} processes of the sandbox user), so a "
        f"notebook's total memory can reach processes x limit: {reason}"
    )
    logger.warning(message)
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


class CgroupGuard:
    """One kernel's cgroup, or the record that it has none.

    Attributes:
        enforcement: CGROUP_V2, CGROUP_V1 or RLIMIT_ONLY (see config.MEMORY_ENFORCEMENTS).
        cgroup: the kernel's cgroup while it exists (None without, or after close()).
    """

    def __init__(self, cgroup_root: str, limits: SandboxLimits) -> None:
        self.cgroup: KernelCgroup | None = None
        self.enforcement = RLIMIT_ONLY
        self._watch: OomWatch | None = None
        self._oom_kills = 0
        place, reason = cgroup_place_or_reason(cgroup_root)
        if place is not None:
            try:
                self.cgroup = KernelCgroup.create(place, limits.memory_cap, limits.pids_cap)
                self.enforcement = place.version
            except OSError as error:
                parents = ", ".join(str(parent) for parent in place.parents)
                reason = f"the kernel's cgroup could not be made below {parents}: {error}"
        if self.cgroup is None:
            warn_rlimit_only(reason, limits)

    def watch(self) -> None:
        """Once the kernel runs: make an OOM kill kill the whole sandbox, where the
        OOM killer would kill only one process (see :mod:`~autograder.sandbox.oom_watch`)."""
        if self.cgroup is not None and self._watch is None and not self.cgroup.kills_group_on_oom:
            self._watch = OomWatch(self.cgroup)
            self._watch.start()

    def kill(self) -> bool:
        """SIGKILL every process of the sandbox. Returns whether there was a cgroup
        to do it with."""
        if self.cgroup is None:
            return False
        self.cgroup.kill()
        return True

    def killed_for_memory(self) -> bool:
        """Whether the OOM killer killed a process of this kernel for going over its
        memory cap (always False without a cgroup, where memory_limit raises
        MemoryError instead of killing). Still answers after :meth:`close`."""
        if self._watch is not None and self._watch.fired:
            return True
        current = self.cgroup.oom_kills() if self.cgroup is not None else 0
        return max(current, self._oom_kills) > 0

    def close(self) -> None:
        """Stop watching, kill what is left in the cgroup and remove it, keeping its
        OOM count. Safe to call more than once."""
        if self._watch is not None:
            self._watch.stop()
        cgroup, self.cgroup = self.cgroup, None
        if cgroup is None:
            return
        self._oom_kills = max(self._oom_kills, cgroup.oom_kills())
        if not (cgroup.kill() and cgroup.remove()):
            logger.warning(
                "the kernel's cgroup %s could not be emptied and removed; the next grader "
                "run removes it",
                ", ".join(str(folder) for folder in cgroup.folders),
            )
