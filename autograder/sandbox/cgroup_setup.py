"""Whether kernels get cgroups here, found once per grader process:
:func:`cgroup_place_or_reason`."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from autograder.sandbox.cgroup_launcher import launcher_command
from autograder.sandbox.cgroup_place import (
    CgroupPlace,
    CgroupUnavailable,
    delegate_v2_controllers,
    find_cgroup_place,
)
from autograder.sandbox.config import CGROUP_V2, MIB
from autograder.sandbox.kernel_cgroup import KernelCgroup, sweep_stale

PROBE_MEMORY_CAP = 128 * MIB
PROBE_PIDS_CAP = 8


def probe_joining(place: CgroupPlace) -> None:
    """Make a small cgroup below `place`, start `true` in it through the launcher,
    and remove it: what every kernel will do.

    Raises:
        CgroupUnavailable: any step failed; the message says which.
    """
    true = shutil.which("true", path="/usr/bin:/bin")
    if true is None:
        raise CgroupUnavailable("no `true` command in /usr/bin or /bin to test cgroups with")
    try:
        cgroup = KernelCgroup.create(place, PROBE_MEMORY_CAP, PROBE_PIDS_CAP)
    except OSError as error:
        parents = ", ".join(str(parent) for parent in place.parents)
        raise CgroupUnavailable(
            f"cannot make a cgroup ({place.version}) below {parents}: {error}"
        ) from None
    try:
        command = launcher_command(cgroup.procs_files, [true])
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
    finally:
        cgroup.kill()
        cgroup.remove()
    if completed.returncode != 0:
        raise CgroupUnavailable(
            completed.stderr.strip() or f"the cgroup launcher exited with {completed.returncode}"
        )


@functools.lru_cache(maxsize=8)
def cgroup_place_or_reason(root: str) -> tuple[CgroupPlace | None, str]:
    """Where kernels' cgroups go for the setting ``cgroup_root`` = `root`, or None;
    and a sentence saying where, or why not.

    The first call for a root finds the place, lets it give controllers to children
    (v2), removes cgroups left by dead graders and starts one process in a test
    cgroup; the answer is kept for the life of the process
    (``cgroup_place_or_reason.cache_clear()`` forgets it).
    """
    try:
        place = find_cgroup_place(
            root,
            Path("/proc/self/mountinfo").read_text(encoding="utf-8"),
            Path("/proc/self/cgroup").read_text(encoding="utf-8"),
        )
        if place.version == CGROUP_V2:
            delegate_v2_controllers(place.parents[0])
        sweep_stale(place)
        probe_joining(place)
    except CgroupUnavailable as error:
        return None, str(error)
    parents = ", ".join(str(parent) for parent in place.parents)
    return place, f"each kernel gets a cgroup of its own ({place.version}) below {parents}"
