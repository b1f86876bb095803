"""Running a student's kernel isolated and within limits.

A kernel started by :class:`SandboxedKernelManager` runs in a bubblewrap sandbox:
no network (private network namespace), its own PID/IPC/UTS namespaces, an empty
root with only /usr, a few /etc files, the kernel's Python (read-only), the
notebook's folder (read-only), a private /tmp and one writable scratch folder. The
grader talks to it over Unix sockets in a per-kernel runtime folder.

The whole sandbox (bubblewrap and everything under it) runs in a cgroup of its own,
v2 or v1 as the machine mounts them, with a hard memory cap and a cap on processes;
going over the memory cap kills the whole sandbox. Before the kernel starts, a
launcher sets its resource limits (address space, CPU time, file size, open files,
and processes where there is no cgroup) and, when the grader is root, drops to an
unprivileged user.

When bubblewrap is missing or cannot create namespaces here, the kernel runs
without the sandbox (limits still applied) after a warning on the
``autograder.sandbox`` logger and on stderr; ``require_sandbox`` turns that into an
error. Where no cgroup can be made, kernels get the rlimits only, after one warning
per process. ``course check-worker`` (:mod:`~autograder.sandbox.readiness`) says
which of these this machine can do.

Wiring it into nbgrader (``nbgrader_config.py``; every limit has its default in
``config.DEFAULT_LIMITS``)::

    c.Execute.kernel_manager_class = "autograder.sandbox.SandboxedKernelManager"
    c.SandboxedKernelManager.memory_cap = 2 * 1024**3

A preprocessor that exchanges files with the kernel through a per-notebook folder
hands it over by overriding ``create_kernel_manager`` (nbclient calls it before each
kernel starts)::

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        manager.scratch_dir = str(self._scratch)
        return manager

Public API: :class:`SandboxedKernelManager`, :data:`DEFAULT_LIMITS`,
:class:`SandboxConfig`, :func:`sandbox_available` and :func:`admit_kernels` (how
many kernels fit in memory at once); :func:`autograder.sandbox.readiness.worker_checks`
(can this machine grade) is imported from its module: it needs nbclient, whose
import takes seconds.
"""

from autograder.sandbox.admission import admit_kernels
from autograder.sandbox.bwrap import sandbox_available
from autograder.sandbox.config import DEFAULT_LIMITS, SandboxConfig
from autograder.sandbox.manager import SandboxedKernelManager

__all__ = [
    "DEFAULT_LIMITS",
    "SandboxConfig",
    "SandboxedKernelManager",
    "admit_kernels",
    "sandbox_available",
]
