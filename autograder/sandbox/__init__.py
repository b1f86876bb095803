"""Running a student's kernel isolated and within limits.

A kernel started by :class:`SandboxedKernelManager` runs in a bubblewrap sandbox:
no network (private network namespace), its own PID/IPC/UTS namespaces, an empty
root with only /usr, a few /etc files, the kernel's Python (read-only), the
notebook's folder (read-only), a private /tmp and one writable scratch folder. The
grader talks to it over Unix sockets in a per-kernel runtime folder. Before the
kernel starts, a launcher sets its resource limits (address space, CPU time,
processes, file size, open files) and, when the grader is root, drops to an
unprivileged user so that the process limit holds.

When bubblewrap is missing or cannot create namespaces here, the kernel runs
without the sandbox (limits still applied) after a warning on the
``autograder.sandbox`` logger and on stderr; ``require_sandbox`` turns that into an
error.

Wiring it into nbgrader (``nbgrader_config.py``)::

    c.Execute.kernel_manager_class = "autograder.sandbox.SandboxedKernelManager"
    c.SandboxedKernelManager.memory_limit = 2 * 1024**3
    c.SandboxedKernelManager.notebook_timeout = 900

A preprocessor that exchanges files with the kernel through a per-notebook folder
hands it over by overriding ``create_kernel_manager`` (nbclient calls it before each
kernel starts)::

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        manager.scratch_dir = str(self._scratch)
        return manager

Public API: :class:`SandboxConfig`, :class:`SandboxedKernelManager`,
:func:`sandbox_available`.
"""

from autograder.sandbox.bwrap import sandbox_available
from autograder.sandbox.config import SandboxConfig
from autograder.sandbox.manager import SandboxedKernelManager

__all__ = ["SandboxConfig", "SandboxedKernelManager", "sandbox_available"]
