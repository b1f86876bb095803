"""Where this machine lets the grader make kernels' cgroups: :func:`find_cgroup_place`.

Machines mount cgroups in one of three ways: one cgroup v2 hierarchy (current
distributions), v1 hierarchies per controller (older ones, many containers), or both,
with the controllers split between them ("hybrid": this course's grading machine
has memory and pids in v1 and only hugetlb in v2). A kernel's cgroup needs the memory
and the pids controllers from one version.

The kernels' cgroups go below the grader's own cgroup in that hierarchy (read from
/proc/self/cgroup), so that they stay inside whatever limits the grader itself runs
under. In cgroup v2 that only works where the grader's cgroup may give controllers to
children, which the no-internal-processes rule forbids to a cgroup holding processes
(the grader itself) unless it is the hierarchy's root; elsewhere ``cgroup_root`` must
name a cgroup delegated to the grader, and kernels' cgroups go directly below it.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.config import CGROUP_V1, CGROUP_V2
from autograder.sandbox.kernel_python import is_within

CONTROLLERS = ("memory", "pids")

FIX_DELEGATE = (
    "as root, make a cgroup for the kernels at the top of the v2 hierarchy "
    "(mkdir /sys/fs/cgroup/course-kernels; echo '+memory +pids' > "
    "/sys/fs/cgroup/cgroup.subtree_control) and set "
    "c.SandboxedKernelManager.cgroup_root = '/sys/fs/cgroup/course-kernels'; or run the "
    "grader under systemd with Delegate=yes and point cgroup_root at a delegated cgroup "
    "that holds no process"
)


class CgroupUnavailable(Exception):
    """No cgroup with memory and pids controllers can be made here; the message says
    why and, where it can, what to do."""


@dataclass(frozen=True)
class Mount:
    """One cgroup file system from /proc/self/mountinfo.

    Attributes:
        point: where it is mounted.
        root: which cgroup of its hierarchy appears at `point` ("/" unless a
            container bind-mounted a subtree).
        version: CGROUP_V1 or CGROUP_V2.
        controllers: the v1 controllers of the hierarchy (empty for v2).
    """

    point: Path
    root: str
    version: str
    controllers: frozenset[str]


@dataclass(frozen=True)
class CgroupPlace:
    """The folders under which a kernel's cgroups are made.

    Attributes:
        version: CGROUP_V2 (one folder) or CGROUP_V1 (the memory folder, then the
            pids folder).
        parents: those folders.
    """

    version: str
    parents: tuple[Path, ...]


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def cgroup_mounts(mountinfo: str) -> list[Mount]:
    """The cgroup file systems listed in the text of /proc/self/mountinfo."""
    mounts = []
    for line in mountinfo.splitlines():
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        version = CGROUP_V2 if tail[0] == "cgroup2" else CGROUP_V1
        options = frozenset(tail[2].split(",")) if version == CGROUP_V1 else frozenset()
        mounts.append(Mount(Path(_unescape(fields[4])), _unescape(fields[3]), version, options))
    return mounts


def own_cgroups(proc_self_cgroup: str) -> dict[str, str]:
    """The grader's cgroup per hierarchy, from the text of /proc/self/cgroup: keyed by
    v1 controller name, and by "" for the v2 hierarchy."""
    own: dict[str, str] = {}
    for line in proc_self_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        for controller in controllers.split(",") if controllers else [""]:
            own[controller] = path
    return own


def folder_of(mount: Mount, cgroup: str) -> Path | None:
    """The folder of cgroup `cgroup` (a path in the hierarchy) under `mount`, or None
    when the mount does not show it."""
    root = mount.root.rstrip("/")
    if cgroup != mount.root and not cgroup.startswith(root + "/"):
        return None
    return mount.point / cgroup[len(root) :].lstrip("/")


def _v2_controllers(folder: Path) -> set[str]:
    try:
        return set((folder / "cgroup.controllers").read_text(encoding="ascii").split())
    except OSError:
        return set()


def _v2_place(folder: Path, why: str) -> CgroupPlace:
    """`folder` as the parent of kernels' v2 cgroups, if it offers both controllers."""
    if not folder.is_dir():
        raise CgroupUnavailable(f"the cgroup v2 folder {folder} ({why}) does not exist")
    offered = _v2_controllers(folder)
    missing = [name for name in CONTROLLERS if name not in offered]
    if missing:
        raise CgroupUnavailable(
            f"the cgroup v2 folder {folder} ({why}) offers {sorted(offered) or 'no controllers'}"
            f", not {' and '.join(missing)}"
        )
    return CgroupPlace(CGROUP_V2, (folder,))


def find_cgroup_place(root: str, mountinfo: str, proc_self_cgroup: str) -> CgroupPlace:
    """Where kernels' cgroups go, given the setting `root` (``cgroup_root``) and the
    texts of /proc/self/mountinfo and /proc/self/cgroup.

    `root` is either a folder where cgroup hierarchies are mounted (then: the v2
    hierarchy below it if it offers memory and pids to the grader's cgroup, else the
    v1 memory and pids hierarchies below it, each at the grader's cgroup) or a folder
    inside a cgroup v2 mount (then: that folder, delegated to the grader).

    Raises:
        CgroupUnavailable: neither; the message says what was found.
    """
    if not root:
        raise CgroupUnavailable(
            "cgroups are turned off (SandboxedKernelManager.cgroup_root is '')"
        )
    place = Path(root)
    if not place.is_absolute():
        raise CgroupUnavailable(
            f"SandboxedKernelManager.cgroup_root must be an absolute path, got {root!r}"
        )
    mounts = cgroup_mounts(mountinfo)
    own = own_cgroups(proc_self_cgroup)
    v2_mounts = [m for m in mounts if m.version == CGROUP_V2]
    if any(place != m.point and is_within(place, m.point) for m in v2_mounts):
        return _v2_place(place, "cgroup_root, delegated to the grader")
    below = [m for m in mounts if is_within(m.point, place)]
    if not below:
        raise CgroupUnavailable(f"no cgroup file system is mounted at or below {place}")
    reasons = []
    for mount in (m for m in below if m.version == CGROUP_V2):
        folder = folder_of(mount, own.get("", "/"))
        if folder is None:
            reasons.append(f"the grader's cgroup v2 is not visible under {mount.point}")
            continue
        try:
            return _v2_place(folder, "the grader's own cgroup")
        except CgroupUnavailable as error:
            reasons.append(str(error))
    folders = []
    for controller in CONTROLLERS:
        mount = next((m for m in below if controller in m.controllers), None)
        folder = None if mount is None else folder_of(mount, own.get(controller, "/"))
        if folder is None:
            reasons.append(f"no cgroup v1 {controller} hierarchy showing the grader's cgroup")
        folders.append(folder)
    if all(folder is not None for folder in folders):
        return CgroupPlace(CGROUP_V1, tuple(folders))
    raise CgroupUnavailable(f"below {place}: " + "; ".join(reasons))


def delegate_v2_controllers(parent: Path) -> None:
    """Let cgroup v2 folder `parent` give the memory and pids controllers to the
    cgroups made below it (its ``cgroup.subtree_control``).

    Raises:
        CgroupUnavailable: it cannot (it holds processes, or no permission).
    """
    control = parent / "cgroup.subtree_control"
    try:
        enabled = set(control.read_text(encoding="ascii").split())
        missing = [name for name in CONTROLLERS if name not in enabled]
        if missing:
            control.write_text(" ".join(f"+{name}" for name in missing), encoding="ascii")
    except OSError as error:
        if error.errno == errno.EBUSY:
            raise CgroupUnavailable(
                f"the cgroup v2 folder {parent} holds processes (the grader's own), so it "
                f"may not give the memory and pids controllers to children: {FIX_DELEGATE}"
            ) from None
        raise CgroupUnavailable(
            f"cannot enable the memory and pids controllers in {control}: {error}"
        ) from None
