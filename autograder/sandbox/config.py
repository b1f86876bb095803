"""What one sandboxed kernel may see and use: :class:`SandboxConfig`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

GIB = 1024**3
MIB = 1024**2

NOBODY_ID = 65534
"""uid and gid of Debian's ``nobody``/``nogroup``: the kernel's user when the grader is
root. The kernel needs no passwd entry; the number only has to own no files that matter."""


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
        memory_bytes: address-space limit of every process in the sandbox
            (RLIMIT_AS); an allocation beyond it raises ``MemoryError``.
        cpu_seconds: CPU time of the kernel process over its whole life (RLIMIT_CPU);
            the kernel is killed (SIGXCPU, then SIGKILL 2 s later) when it runs out.
        max_processes: processes and threads the sandbox user may have (RLIMIT_NPROC);
            stops fork bombs. Counted per user, so only enforced for a non-root user.
        max_file_bytes: largest file the kernel may write (RLIMIT_FSIZE); a write
            beyond it fails with ``OSError: [Errno 27] File too large``.
        max_open_files: file descriptors per process (RLIMIT_NOFILE).
        tmp_bytes: size of the sandbox's private, memory-backed ``/tmp``.
        extra_readonly_paths: more host paths to mount read-only at the same path
            (for a kernel Python whose shared libraries live outside /usr).
        sandbox_uid: user the kernel runs as when the grader runs as root.
        sandbox_gid: group the kernel runs as when the grader runs as root.
        bwrap: the bubblewrap executable (a name looked up on PATH, or a path).
        blas_threads: threads NumPy's BLAS may start; every thread counts against
            ``max_processes``, so BLAS must not start one per host core.
    """

    kernel_python: Path
    scratch_dir: Path
    working_dir: Path | None = None
    memory_bytes: int = 2 * GIB
    cpu_seconds: int = 600
    max_processes: int = 64
    max_file_bytes: int = 64 * MIB
    max_open_files: int = 256
    tmp_bytes: int = 64 * MIB
    extra_readonly_paths: tuple[Path, ...] = field(default_factory=tuple)
    sandbox_uid: int = NOBODY_ID
    sandbox_gid: int = NOBODY_ID
    bwrap: str = "bwrap"
    blas_threads: int = 1

    def resource_limits(self) -> dict[str, tuple[int, int]]:
        """The (soft, hard) resource limits the kernel starts under, keyed by the
        name of the ``resource.RLIMIT_*`` constant."""
        return {
            "RLIMIT_AS": (self.memory_bytes, self.memory_bytes),
            # The soft limit sends SIGXCPU (which code could ignore); the hard one
            # kills for certain a little later.
            "RLIMIT_CPU": (self.cpu_seconds, self.cpu_seconds + 2),
            "RLIMIT_NPROC": (self.max_processes, self.max_processes),
            "RLIMIT_FSIZE": (self.max_file_bytes, self.max_file_bytes),
            "RLIMIT_NOFILE": (self.max_open_files, self.max_open_files),
            # SIGXCPU and SIGXFSZ dump core by default, into a folder we do not read.
            "RLIMIT_CORE": (0, 0),
        }
