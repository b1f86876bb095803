"""A jupyter_client kernel manager whose kernels run in the sandbox.

nbclient (and so nbgrader's Execute) creates its kernel manager as
``kernel_manager_class(kernel_name=..., config=...)`` and starts the kernel with
``start_kernel(cwd=<notebook folder>, extra_arguments=[...])``. This subclass of
``AsyncKernelManager`` keeps that interface and changes four things:

* the kernel is always the configured kernel Python running ipykernel; the
  notebook's kernelspec name is ignored, so a notebook cannot pick another kernel;
* transport is ``ipc``: the channels are Unix sockets in a per-kernel runtime
  folder that is mounted into the sandbox, because loopback TCP does not cross
  into a private network namespace;
* the command is wrapped in bubblewrap and the limits launcher
  (:mod:`autograder.sandbox.command`), or, when bubblewrap does not work here, in
  the launcher only, after a loud warning;
* interrupts are sent as messages (``interrupt_request``): the kernel sits in its
  own session inside a PID namespace, out of reach of a signal to bubblewrap's
  process group; and stopping a kernel by force kills the whole sandbox
  (:class:`~autograder.sandbox.provisioner.SandboxProvisioner`).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, CaselessStrEnum, Dict, Integer, List, Unicode

from autograder.sandbox.bwrap import grader_is_root, sandbox_available
from autograder.sandbox.command import (
    inaccessible_reason,
    kernel_environment,
    sandboxed_command,
    unsafe_mount_reason,
    unsandboxed_command,
    working_dir_of,
)
from autograder.sandbox.config import GIB, MIB, NOBODY_ID, SandboxConfig
from autograder.sandbox.kernel_python import inspect_kernel_python
from autograder.sandbox.provisioner import SandboxProvisioner, kill_sandbox

logger = logging.getLogger("autograder.sandbox")

# zmq's ipc endpoints are "<ip>-<port>"; a Unix socket path holds at most 107 bytes.
MAX_SOCKET_PATH = 100


def warn_unsandboxed(reason: str) -> None:
    """Say loudly, on the log and on stderr, that student code runs unsandboxed."""
    message = (
        "SANDBOX UNAVAILABLE: student code will run WITHOUT the sandbox (with the "
        "grader's network, files and gradebook access, limited only by rlimits): "
        f"{reason}"
    )
    logger.warning(message)
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


class SandboxedKernelManager(AsyncKernelManager):
    """Starts each kernel in a bubblewrap sandbox, reached over IPC sockets.

    Use with nbgrader's Execute (or any nbclient ``NotebookClient``)::

        c.Execute.kernel_manager_class = "autograder.sandbox.SandboxedKernelManager"
        c.SandboxedKernelManager.memory_limit = 2 * 1024**3

    Per kernel it creates a runtime folder (connection file, sockets, the kernel's
    home) and, unless ``scratch_dir`` is set, a scratch folder; both are removed when
    the kernel's resources are cleaned up.
    """

    transport = CaselessStrEnum(
        ["tcp", "ipc"],
        default_value="ipc",
        config=True,
        help="Transport of the kernel's channels. Keep 'ipc': the sandbox has no "
        "network, so the grader cannot reach a kernel over TCP.",
    )

    kernel_python = Unicode(
        "",
        help="Python that runs the kernel (an environment with ipykernel, numpy, "
        "matplotlib and nothing of the course). Default: the course's .venv-kernel "
        "(or $COURSE_KERNEL_PYTHON), as autograder.kernels.kernel_python() finds it.",
    ).tag(config=True)

    scratch_dir = Unicode(
        "",
        help="Host folder the kernel may write to (mounted read-write at the same "
        "path). Default: a fresh temporary folder per kernel, deleted afterwards.",
    ).tag(config=True)

    memory_limit = Integer(
        2 * GIB, help="Address-space limit of each sandboxed process, in bytes (RLIMIT_AS)."
    ).tag(config=True)

    cpu_time_limit = Integer(
        600,
        help="CPU seconds the kernel may use over its whole life (RLIMIT_CPU); "
        "it is killed beyond that.",
    ).tag(config=True)

    process_limit = Integer(
        64,
        help="Processes plus threads of the sandbox user (RLIMIT_NPROC): stops fork "
        "bombs. Leave room for the kernel's own threads (about 10).",
    ).tag(config=True)

    file_size_limit = Integer(
        64 * MIB, help="Largest file the kernel may write, in bytes (RLIMIT_FSIZE)."
    ).tag(config=True)

    open_files_limit = Integer(
        256, help="Open file descriptors per sandboxed process (RLIMIT_NOFILE)."
    ).tag(config=True)

    tmp_size = Integer(
        64 * MIB, help="Size of the sandbox's private, memory-backed /tmp, in bytes."
    ).tag(config=True)

    extra_readonly_paths = List(
        Unicode(),
        help="More host paths to mount read-only at the same path (e.g. shared "
        "libraries of a kernel Python that live outside /usr).",
    ).tag(config=True)

    sandbox_uid = Integer(
        NOBODY_ID,
        help="User the kernel runs as when the grader is root (RLIMIT_NPROC is not "
        "enforced for root). Give parallel graders different ones: the process limit "
        "counts all of this user's processes.",
    ).tag(config=True)

    sandbox_gid = Integer(
        NOBODY_ID,
        help="Group the kernel runs as when the grader is root.",
    ).tag(config=True)

    bwrap = Unicode(
        "bwrap", help="The bubblewrap executable: a name looked up on PATH, or a path."
    ).tag(config=True)

    require_sandbox = Bool(
        False,
        help="Refuse to start a kernel when bubblewrap does not work here, instead of "
        "warning and running it unsandboxed.",
    ).tag(config=True)

    notebook_timeout = Integer(
        0,
        help="Wall-clock seconds a kernel may live (0: no limit). When they are up the "
        "sandbox is killed and the running cell fails with nbclient's DeadKernelError.",
    ).tag(config=True)

    blas_threads = Integer(
        1,
        help="Threads NumPy's BLAS may start in the kernel (each counts against process_limit).",
    ).tag(config=True)

    kernel_env = Dict(
        {"MPLBACKEND": "Agg"},
        help="Extra environment variables of the kernel. Nothing else is passed on "
        "from the grader's environment.",
    ).tag(config=True)

    runtime_root = Unicode(
        "",
        help="Folder for the per-kernel runtime folders (connection file, IPC sockets). "
        "Default: the system's temporary folder. Keep the path short: socket paths "
        "are limited to about 100 bytes.",
    ).tag(config=True)

    _runtime_dir: Path | None = None
    _made_scratch: Path | None = None
    _scratch_owner: tuple[Path, int, int] | None = None
    _deadline: threading.Timer | None = None
    config_in_use: SandboxConfig | None = None
    """The limits and folders of the running kernel (set when it starts)."""
    sandboxed: bool | None = None
    """Whether the running kernel is in the sandbox (None before the first start)."""

    # -- what nbclient asks before starting ---------------------------------------

    @property
    def kernel_spec(self) -> KernelSpec:
        """ipykernel on the kernel Python, whatever kernel the notebook names."""
        return KernelSpec(
            argv=[
                str(self._kernel_python()),
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
            ],
            display_name="Python 3 (sandboxed grading kernel)",
            language="python",
            interrupt_mode="message",
        )

    @property
    def ipykernel(self) -> bool:
        return True

    def _kernel_python(self) -> Path:
        if self.kernel_python:
            return Path(self.kernel_python)
        from autograder.kernels import kernel_python

        return kernel_python()

    # -- starting ------------------------------------------------------------------

    async def _async_start_kernel(self, **kw: Any) -> None:
        try:
            await super()._async_start_kernel(**kw)
        except BaseException:
            # nbclient does not clean up after a failed start.
            await self._stop_leftover_sandbox()
            self._release_folders()
            raise

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self._runtime_dir is None:  # a restart reuses the first start's folders
            self._prepare(kw.get("cwd"))
        assert self.config_in_use is not None
        kw["cwd"] = str(working_dir_of(self.config_in_use))
        if self.sandboxed and self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = SandboxProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    def _prepare(self, cwd: str | None) -> None:
        available, reason = sandbox_available(self.bwrap)
        if not available:
            if self.require_sandbox:
                raise RuntimeError(f"the grading sandbox is required but unavailable: {reason}")
            warn_unsandboxed(reason)
        self.sandboxed = available
        working_dir = Path(cwd).resolve() if cwd else None
        scratch = Path(self.scratch_dir).resolve() if self.scratch_dir else None
        if available:
            self._check_folders(scratch, working_dir)
        self._runtime_dir = Path(
            tempfile.mkdtemp(prefix="kernel-sandbox-", dir=self.runtime_root or None)
        ).resolve()
        (self._runtime_dir / "home").mkdir()
        if scratch is None:
            scratch = Path(tempfile.mkdtemp(prefix="kernel-scratch-")).resolve()
            self._made_scratch = scratch
        self.config_in_use = SandboxConfig(
            kernel_python=self._kernel_python(),
            scratch_dir=scratch,
            working_dir=working_dir,
            memory_bytes=self.memory_limit,
            cpu_seconds=self.cpu_time_limit,
            max_processes=self.process_limit,
            max_file_bytes=self.file_size_limit,
            max_open_files=self.open_files_limit,
            tmp_bytes=self.tmp_size,
            extra_readonly_paths=tuple(Path(p) for p in self.extra_readonly_paths),
            sandbox_uid=self.sandbox_uid,
            sandbox_gid=self.sandbox_gid,
            bwrap=self.bwrap,
            blas_threads=self.blas_threads,
        )
        self.connection_file = str(self._runtime_dir / "kernel.json")
        self.ip = str(self._runtime_dir / "ipc")
        if len(self.ip) > MAX_SOCKET_PATH:
            raise ValueError(
                f"IPC socket path {self.ip} is too long for a Unix socket: "
                "set SandboxedKernelManager.runtime_root to a shorter folder"
            )
        if self.sandboxed and grader_is_root():
            self._hand_scratch_to_sandbox(scratch)

    def _check_folders(self, scratch: Path | None, working_dir: Path | None) -> None:
        """Refuse, before anything is created or handed over, folders that must not
        be mounted, and a working directory the kernel's user could not enter."""
        layout = inspect_kernel_python(str(self._kernel_python()))
        for role, folder in (("scratch folder", scratch), ("working directory", working_dir)):
            reason = None if folder is None else unsafe_mount_reason(folder, layout)
            if reason is not None:
                raise ValueError(f"refusing to mount the kernel's {role}: {reason}")
        if working_dir is not None and grader_is_root():
            reason = inaccessible_reason(working_dir, self.sandbox_uid, self.sandbox_gid)
            if reason is not None:
                raise ValueError(f"the kernel could not start in its working directory: {reason}")

    def _hand_scratch_to_sandbox(self, scratch: Path) -> None:
        """Make the scratch folder (not its contents) the sandbox user's while the
        kernel lives; files the grader put there keep their owner and mode."""
        info = scratch.stat()
        self._scratch_owner = (scratch, info.st_uid, info.st_gid)
        os.chown(scratch, self.sandbox_uid, self.sandbox_gid)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel_argv = super().format_kernel_cmd(extra_arguments)
        config = self.config_in_use
        assert config is not None and self._runtime_dir is not None
        if not self.sandboxed:
            return unsandboxed_command(config, kernel_argv)
        layout = inspect_kernel_python(str(config.kernel_python))
        return sandboxed_command(
            config, layout, self._runtime_dir, kernel_argv, self._environment()
        )

    def _environment(self) -> dict[str, str]:
        assert self.config_in_use is not None and self._runtime_dir is not None
        return kernel_environment(
            self.config_in_use,
            self._runtime_dir / "home",
            sandboxed=bool(self.sandboxed),
            extra={str(k): str(v) for k, v in self.kernel_env.items()},
        )

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        kw["env"] = self._environment()
        if self.sandboxed and grader_is_root():
            # The kernel, as the sandbox user, reads the connection file and
            # creates its sockets and home files here.
            assert self._runtime_dir is not None
            for path in [self._runtime_dir, *self._runtime_dir.rglob("*")]:
                os.lchown(path, self.sandbox_uid, self.sandbox_gid)
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if self.notebook_timeout > 0 and self._deadline is None:
            self._deadline = threading.Timer(self.notebook_timeout, self._on_deadline)
            self._deadline.daemon = True
            self._deadline.start()

    def _on_deadline(self) -> None:
        """Runs in the timer's thread: kill without waiting; nbclient notices."""
        provisioner = self.provisioner
        pid = getattr(provisioner, "pid", None)
        if not pid:
            return
        message = (
            f"the kernel used up its {self.notebook_timeout} s wall-clock budget "
            "(SandboxedKernelManager.notebook_timeout): killing it"
        )
        logger.warning(message)
        print(f"WARNING: {message}", file=sys.stderr, flush=True)
        if self.sandboxed and kill_sandbox(pid):
            return
        try:
            os.killpg(getattr(provisioner, "pgid", None) or pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    # -- stopping ------------------------------------------------------------------

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if not restart:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            await self._stop_leftover_sandbox()
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._release_folders()

    async def _stop_leftover_sandbox(self) -> None:
        """Kill bubblewrap if it still runs (the kernel died but was not reaped, or
        cleanup came without a shutdown); with it go all processes in the sandbox."""
        provisioner = self.provisioner
        if provisioner is None or not provisioner.has_process:
            return
        if await provisioner.poll() is None:
            await provisioner.kill()
        await provisioner.wait()

    def _release_folders(self) -> None:
        """Give the scratch folder back and delete what this manager created.
        Safe to call more than once (nbclient cleans up twice)."""
        if self._scratch_owner is not None:
            scratch, uid, gid = self._scratch_owner
            if scratch.exists():
                os.chown(scratch, uid, gid)
            self._scratch_owner = None
        for folder in (self._runtime_dir, self._made_scratch):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self._runtime_dir = None
        self._made_scratch = None

    # AsyncKernelManager binds its public coroutine methods to KernelManager's
    # functions, so overriding the private ones alone would not reach callers such
    # as nbclient, which calls cleanup_resources() after a kernel died by itself.
    start_kernel = _async_start_kernel
    pre_start_kernel = _async_pre_start_kernel
    cleanup_resources = _async_cleanup_resources
