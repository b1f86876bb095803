"""The bubblewrap command line around a kernel, and whether bubblewrap works here.

The sandbox starts from an empty root and gets, in this order:

* fresh network, PID, IPC, UTS and (if possible) cgroup namespaces; the sandbox dies
  with the grader (``--die-with-parent``) and has no controlling terminal
  (``--new-session``, so it cannot push keystrokes into the grader's terminal);
* read-only: /usr and the merged-/usr links (/bin, /lib, ...), a handful of files
  from /etc, the kernel's Python (its environment and base Python), any extra
  read-only paths, the launcher script and the notebook's folder;
* fresh /proc and a minimal /dev; a private, size-capped /tmp and /dev/shm;
* read-write: the scratch folder and the kernel's runtime folder (connection file,
  IPC sockets, home), each at its host path.

When the grader is root, bubblewrap runs without a user namespace and keeps only
CAP_SETUID and CAP_SETGID, which the launcher uses to become an unprivileged user
before the kernel starts. Otherwise bubblewrap creates a user namespace and forbids
nested ones.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from autograder.sandbox.kernel_python import SYSTEM_TREES, is_within

MERGED_USR_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/fonts",
)
"""The dynamic loader's cache, the time zone, user names and fontconfig's setup
(Matplotlib asks ``fc-list`` for system fonts): nothing else of /etc."""

LAUNCHER_PATH = Path(__file__).with_name("rlimit_launcher.py")
LAUNCHER_PATH_INSIDE = Path("/run/kernel-sandbox/rlimit_launcher.py")
PROBE_TMP_BYTES = 1024 * 1024


def grader_is_root() -> bool:
    """Whether the grader runs as root, so that the sandbox must drop to another user."""
    return os.geteuid() == 0


def find_bwrap(bwrap: str) -> str | None:
    """The full path of the bubblewrap executable `bwrap` (a name or a path), if any."""
    return shutil.which(bwrap)


class MountPlan:
    """bubblewrap's mount operations, in order.

    Before each mount point it creates the missing parent folders with mode 0755:
    bubblewrap itself would create them 0700, which the unprivileged kernel could not
    enter.
    """

    def __init__(self) -> None:
        self.args: list[str] = []
        self._made: set[Path] = {Path("/")}
        self._bound: list[Path] = []

    def _parents(self, dest: Path) -> None:
        for parent in reversed(dest.parents):
            if parent in self._made or any(is_within(parent, tree) for tree in self._bound):
                continue
            self.args += ["--perms", "0755", "--dir", str(parent)]
            self._made.add(parent)

    def bind(self, source: Path, *, writable: bool = False, optional: bool = False) -> None:
        """Bind a host path at the same path inside."""
        self._parents(source)
        option = "--bind" if writable else "--ro-bind"
        self.args += [option + ("-try" if optional else ""), str(source), str(source)]
        if source.is_dir():
            self._bound.append(source)

    def bind_file_at(self, source: Path, dest: Path) -> None:
        """Bind one host file read-only at another path inside."""
        self._parents(dest)
        self.args += ["--ro-bind", str(source), str(dest)]

    def symlink(self, target: str, dest: Path) -> None:
        """A symbolic link at `dest` pointing to `target`."""
        self._parents(dest)
        self.args += ["--symlink", target, str(dest)]

    def tmpfs(
        self, dest: Path, *, perms: str, size: int | None = None, readonly: bool = False
    ) -> None:
        """A fresh tmpfs with mode `perms`, of `size` bytes at most, optionally read-only."""
        self._parents(dest)
        self.args += ["--perms", perms]
        if size is not None:
            self.args += ["--size", str(size)]
        self.args += ["--tmpfs", str(dest)]
        if readonly:
            self.args += ["--remount-ro", str(dest)]
        self._made.add(dest)

    def special(self, option: str, dest: Path) -> None:
        """A fresh /proc (``--proc``) or /dev (``--dev``)."""
        self._parents(dest)
        self.args += [option, str(dest)]
        self._made.add(dest)


def namespace_args(as_root: bool) -> list[str]:
    """Namespaces, lifetime and privileges of the sandbox."""
    args = [
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "kernel-sandbox",
        "--die-with-parent",
        "--new-session",
    ]
    if as_root:
        # No user namespace: inside one, root's processes would still be counted as
        # host root's, for whom RLIMIT_NPROC is never enforced.
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user", "--disable-userns"]
    return args


def system_mounts(plan: MountPlan, tmp_bytes: int) -> None:
    """/usr, the merged-/usr links, a few /etc files, /proc, /dev, and a private /tmp
    and /dev/shm of `tmp_bytes` each."""
    for link in MERGED_USR_LINKS:
        path = Path(link)
        if path.is_symlink():
            plan.symlink(os.readlink(path), path)
        elif path.is_dir():
            plan.bind(path)
    for tree in SYSTEM_TREES:
        plan.bind(tree)
    for name in ETC_FILES:
        plan.bind(Path(name), optional=True)
    plan.special("--proc", Path("/proc"))
    plan.special("--dev", Path("/dev"))
    # multiprocessing's semaphores live in /dev/shm, which --dev leaves root's.
    plan.tmpfs(Path("/dev/shm"), perms="1777", size=tmp_bytes)
    plan.tmpfs(Path("/tmp"), perms="1777", size=tmp_bytes)


def bwrap_arguments(
    *,
    readonly: Iterable[Path],
    hidden: Iterable[Path],
    writable: Iterable[Path],
    env: Mapping[str, str],
    tmp_bytes: int,
    as_root: bool,
) -> list[str]:
    """bubblewrap's options (without the executable and without ``--``).

    `readonly` and `writable` are host folders mounted at the same path; `hidden`
    are folders inside read-only ones that get an empty read-only tmpfs instead.
    Folders are mounted shallowest first, so that a writable folder inside a
    read-only one stays writable.
    """
    plan = MountPlan()
    plan.args += namespace_args(as_root)
    system_mounts(plan, tmp_bytes)
    binds = [(path, False) for path in readonly] + [(path, True) for path in writable]
    for path, is_writable in sorted(binds, key=lambda item: len(item[0].parts)):
        plan.bind(path, writable=is_writable)
    for path in hidden:
        plan.tmpfs(path, perms="0555", readonly=True)
    plan.bind_file_at(LAUNCHER_PATH, LAUNCHER_PATH_INSIDE)
    # The launcher enters the working directory once it is the kernel's user:
    # bubblewrap, as root without CAP_DAC_OVERRIDE, may not be able to.
    plan.args += ["--chdir", "/", "--clearenv"]
    for name, value in env.items():
        plan.args += ["--setenv", name, value]
    return plan.args


def sandbox_available(bwrap: str = "bwrap") -> tuple[bool, str]:
    """Whether bubblewrap can build the kernel's sandbox here, and why (not).

    `bwrap` is a name looked up on PATH or a path. The first call for an executable
    really starts a sandbox, with the same namespaces and system mounts as a
    kernel's, and runs ``true`` in it; the answer is remembered per executable for
    the life of the process (``try_bwrap.cache_clear()`` forgets it).
    """
    executable = find_bwrap(bwrap)
    if executable is None:
        return False, (
            f"bubblewrap was not found ({bwrap!r} is not an executable on PATH); "
            "install the Debian package bubblewrap (scripts/install-system-packages.sh)"
        )
    return try_bwrap(executable)


@functools.lru_cache(maxsize=8)
def try_bwrap(executable: str) -> tuple[bool, str]:
    """Start one throw-away sandbox with bubblewrap `executable` (a full path)."""
    true = shutil.which("true", path="/usr/bin:/bin")
    if true is None:
        return False, "no `true` command in /usr/bin or /bin to test bubblewrap with"
    plan = MountPlan()
    plan.args += namespace_args(grader_is_root())
    system_mounts(plan, PROBE_TMP_BYTES)
    command = [executable, *plan.args, "--clearenv", "--", true]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"bubblewrap {executable} could not be run: {error}"
    if completed.returncode != 0:
        detail = completed.stderr.strip() or f"exit status {completed.returncode}"
        return False, (
            f"bubblewrap {executable} cannot create a sandbox here ({detail}); "
            "are user namespaces disabled (sysctl kernel.unprivileged_userns_clone, "
            "user.max_user_namespaces) or is this a container without CAP_SYS_ADMIN?"
        )
    return True, f"bubblewrap {executable} creates sandboxes"
