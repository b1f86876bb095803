"""What one sandboxed kernel may see and use.

:data:`DEFAULT_LIMITS` is the one place where the sandbox's limits get their
default values and their descriptions: :class:`SandboxedKernelManager`'s
settings are made from it, and ``course/nbgrader_config.py`` sets only what a
course wants to differ from it. :class:`SandboxConfig` is everything one kernel
starts with.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

GIB = 1024**3
MIB = 1024**2

NOBODY_ID = 65534
"""uid and gid of Debian's ``nobody``/``nogroup``: the kernel's user when the grader is
root. The kernel needs no passwd entry; the number only has to own no files that matter."""

DEFAULT_CGROUP_ROOT = "/sys/fs/cgroup"
"""Where Linux distributions mount the cgroup file systems."""

CGROUP_V2 = "cgroup v2"
CGROUP_V1 = "cgroup v1"
RLIMIT_ONLY = "rlimit"
MEMORY_ENFORCEMENTS = (CGROUP_V2, CGROUP_V1, RLIMIT_ONLY)
"""How a kernel's memory is bounded (``SandboxedKernelManager.memory_enforcement``): by
a cgroup of either version (a hard cap on the whole sandbox, plus the per-process
rlimits), or by per-process rlimits alone."""


def _limit(default: int, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class SandboxLimits:
    """The limits of one sandboxed kernel. Each field is also a setting of
    ``SandboxedKernelManager`` with the same name, default and help.

    Every value is a whole number, at least 0 where 0 means "none" (only
    ``notebook_timeout``) and at least 1 otherwise.
    """

    memory_cap: int = _limit(
        2 * GIB,
        "Hard cap, in bytes, on the memory of the whole sandbox (every process in it, "
        "their page cache and the private /tmp), enforced by a memory cgroup "
        "(memory.max in v2, memory.limit_in_bytes and memory.memsw.limit_in_bytes in "
        "v1). Going over it kills the whole sandbox: the notebook stops with a dead "
        "kernel and SandboxedKernelManager.killed_for_memory() says why. Not enforced "
        "when no cgroup can be made (see cgroup_root).",
    )
    pids_cap: int = _limit(
        96,
        "Processes plus threads the whole sandbox may have at once, whatever their user, "
        "enforced by a pids cgroup (pids.max) and counting no other kernel. Keep it above "
        "process_limit plus bubblewrap's 2 processes: then RLIMIT_NPROC, which refuses a "
        "fork before the kernel copies the process, stops a fork loop first (a fork the "
        "pids cap refuses costs about 4 times as much), and the pids cap is the backstop "
        "that holds whatever the user.",
    )
    memory_limit: int = _limit(
        2 * GIB,
        "Address space of each process in the sandbox, in bytes (RLIMIT_AS): a larger "
        "allocation raises MemoryError and the kernel goes on. Set with or without a "
        "cgroup. Address space is not memory: NumPy, BLAS and each thread's malloc "
        "arena reserve more than they touch (a kernel with NumPy and Matplotlib "
        "imported holds about 875 MiB of it for 100 MiB resident), so it is no cap on "
        "the sandbox's memory (memory_cap is) and must stay well above that.",
    )
    cpu_time_limit: int = _limit(
        600,
        "CPU seconds the kernel may use over its whole life (RLIMIT_CPU); it is killed "
        "beyond that.",
    )
    process_limit: int = _limit(
        64,
        "Processes plus threads of the sandbox user (RLIMIT_NPROC), with or without a "
        "cgroup: it refuses a fork before the kernel copies the process, where pids_cap "
        "refuses it after (a fork loop then takes about 5 times longer). It counts every "
        "process of the user: kernels that run at the same time as the same "
        "sandbox_uid share it.",
    )
    file_size_limit: int = _limit(
        64 * MIB, "Largest file the kernel may write, in bytes (RLIMIT_FSIZE)."
    )
    open_files_limit: int = _limit(
        256, "Open file descriptors per sandboxed process (RLIMIT_NOFILE)."
    )
    tmp_size: int = _limit(
        64 * MIB, "Size of the sandbox's private, memory-backed /tmp and /dev/shm, in bytes."
    )
    notebook_timeout: int = _limit(
        900,
        "Wall-clock seconds a kernel may live (0: no limit). When they are up the sandbox "
        "is killed and the running cell fails with nbclient's DeadKernelError.",
    )
    blas_threads: int = _limit(
        1,
        "Threads NumPy's BLAS may start in the kernel (each counts against pids_cap and "
        "process_limit): BLAS must not start one per host core.",
    )

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            lowest = 0 if spec.name == "notebook_timeout" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
                raise ValueError(
                    f"SandboxedKernelManager.{spec.name} must be a whole number "
                    f">= {lowest}, got {value!r}"
                )

    def resource_limits(self) -> dict[str, tuple[int, int]]:
        """The (soft, hard) resource limits the kernel starts under, keyed by the
        name of the ``resource.RLIMIT_*`` constant: the same with or without a
        cgroup, whose caps bound the sandbox as a whole on top of them."""
        return {
            "RLIMIT_AS": (self.memory_limit, self.memory_limit),
            # The soft limit sends SIGXCPU (which code could ignore); the hard one
            # kills for certain a little later.
            "RLIMIT_CPU": (self.cpu_time_limit, self.cpu_time_limit + 2),
            "RLIMIT_NPROC": (self.process_limit, self.process_limit),
            "RLIMIT_FSIZE": (self.file_size_limit, self.file_size_limit),
            "RLIMIT_NOFILE": (self.open_files_limit, self.open_files_limit),
            # SIGXCPU and SIGXFSZ dump core by default, into a folder we do not read.
            "RLIMIT_CORE": (0, 0),
        }


DEFAULT_LIMITS = SandboxLimits()
LIMIT_NAMES = tuple(spec.name for spec in fields(SandboxLimits))


def limit_help(name: str) -> str:
    """The description of limit `name` (a field of :class:`SandboxLimits`)."""
    return next(spec.metadata["help"] for spec in fields(SandboxLimits) if spec.name == name)


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that decides what a sandboxed kernel can read, write and spend.

    Paths are host paths; every folder the kernel sees appears inside the sandbox at
    the same path, so paths in messages, tracebacks and the connection file mean the
    same thing on both sides.

    Attributes:
        kernel_python: the interpreter that runs the kernel (a virtual environment's
            ``bin/python``). Its environment and the base Python it links to are
            mounted read-only; nothing else of the host's Python is.
        scratch_dir: the only host folder the kernel may write to, bound read-write.
        working_dir: the kernel's working directory (the notebook's folder), bound
            read-only so that the notebook can import or read files shipped next to
            it. ``None``: the kernel starts in ``scratch_dir``.
        limits: what the kernel may spend (see :class:`SandboxLimits`).
        cgroup_procs: the ``cgroup.procs`` files the kernel's launcher joins before
            anything else starts (empty without a cgroup).
        extra_readonly_paths: more host paths to mount read-only at the same path
            (for a kernel Python whose shared libraries live outside /usr).
        sandbox_uid: user the kernel runs as when the grader runs as root.
        sandbox_gid: group the kernel runs as when the grader runs as root.
        bwrap: the bubblewrap executable (a name looked up on PATH, or a path).
    """

    kernel_python: Path
    scratch_dir: Path
    working_dir: Path | None = None
    limits: SandboxLimits = DEFAULT_LIMITS
    cgroup_procs: tuple[Path, ...] = ()
    extra_readonly_paths: tuple[Path, ...] = field(default_factory=tuple)
    sandbox_uid: int = NOBODY_ID
    sandbox_gid: int = NOBODY_ID
    bwrap: str = "bwrap"
