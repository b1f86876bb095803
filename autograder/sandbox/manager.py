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
  the launcher only, after a loud warning; and, where the machine lets the grader
  make cgroups, it starts inside a cgroup of its own with a hard memory cap and a
  cap on processes (:mod:`autograder.sandbox.cgroup_guard`), else under rlimits
  only, after a warning;
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
from traitlets import Bool, CaselessStrEnum, Dict, Integer, List, TraitType, Unicode

from autograder.sandbox.bwrap import grader_is_root, sandbox_available
from autograder.sandbox.cgroup_guard import CgroupGuard
from autograder.sandbox.command import (
    inaccessible_reason,
    kernel_environment,
    sandboxed_command,
    unsafe_mount_reason,
    unsandboxed_command,
    working_dir_of,
)
from autograder.sandbox.config import (
    DEFAULT_CGROUP_ROOT,
    DEFAULT_LIMITS,
    LIMIT_NAMES,
    NOBODY_ID,
    RLIMIT_ONLY,
    SandboxConfig,
    SandboxLimits,
    limit_help,
)
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


def _limit_trait(name: str) -> TraitType:
    """The setting of limit `name`, with the default and help of DEFAULT_LIMITS."""
    return Integer(getattr(DEFAULT_LIMITS, name), help=limit_help(name)).tag(config=True)


class SandboxedKernelManager(AsyncKernelManager):
    """Starts each kernel in a bubblewrap sandbox, reached over IPC sockets.

    Use with nbgrader's Execute (or any nbclient ``NotebookClient``)::

        c.Execute.kernel_manager_class = "autograder.sandbox.SandboxedKernelManager"
        c.SandboxedKernelManager.memory_cap = 2 * 1024**3

    Per kernel it creates a runtime folder (connection file, sockets, the kernel's
    home), unless ``scratch_dir`` is set a scratch folder, and where it can a cgroup;
    all are removed when the kernel's resources are cleaned up.

    For the grader: :attr:`memory_enforcement` says how the kernel's memory was
    bounded, :meth:`killed_for_memory` whether going over the cap killed it, and
    :meth:`limits_record` gives the limits in force for a results record.
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

    # The limits: defaults and descriptions come from config.DEFAULT_LIMITS.
    memory_cap = _limit_trait("memory_cap")
    pids_cap = _limit_trait("pids_cap")
    memory_limit = _limit_trait("memory_limit")
    cpu_time_limit = _limit_trait("cpu_time_limit")
    process_limit = _limit_trait("process_limit")
    file_size_limit = _limit_trait("file_size_limit")
    open_files_limit = _limit_trait("open_files_limit")
    tmp_size = _limit_trait("tmp_size")
    notebook_timeout = _limit_trait("notebook_timeout")
    blas_threads = _limit_trait("blas_threads")

    cgroup_root = Unicode(
        DEFAULT_CGROUP_ROOT,
        help="Where each kernel's cgroup (memory_cap, pids_cap) is made. A folder where "
        "cgroup file systems are mounted (the default): below the grader's own cgroup, in "
        "the v2 hierarchy if it offers the memory and pids controllers there, else in the "
        "v1 memory and pids hierarchies. Or a cgroup v2 folder delegated to the grader: "
        "directly below it. Where no cgroup can be made (not a cgroup mount, read-only, "
        "no permission, or '' to turn cgroups off) kernels get rlimits only, after one "
        "warning per process.",
    ).tag(config=True)

    extra_readonly_paths = List(
        Unicode(),
        help="More host paths to mount read-only at the same path (e.g. shared "
        "libraries of a kernel Python that live outside /usr).",
    ).tag(config=True)

    sandbox_uid = Integer(
        NOBODY_ID,
        help="User the kernel runs as when the grader is root (RLIMIT_NPROC is not "
        "enforced for root). Give kernels that run at the same time different ones: "
        "process_limit counts all of this user's processes.",
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
    _cgroup: CgroupGuard | None = None
    config_in_use: SandboxConfig | None = None
    """The limits and folders of the running kernel (set when it starts)."""
    sandboxed: bool | None = None
    """Whether the running kernel is in the sandbox (None before the first start)."""
    memory_enforcement: str | None = None
    """How the last kernel's memory was bounded: "cgroup v2" or "cgroup v1" (a hard
    cap on the whole sandbox, memory_cap, plus the rlimits) or "rlimit" (per-process
    rlimits only). None before the first start; kept after cleanup."""

    # -- what nbclient asks before starting ---------------------------------------

    @property
    def kernel_spec(self) -> KernelSpec:
        """ipykernel on the kernel Python, whatever kernel the notebook names."""
        return KernelSpec(
            argv=[
                str(self.kernel_python_path()),
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

    def kernel_python_path(self) -> Path:
        """The kernel's interpreter: the kernel_python setting, else the course's.

        Raises:
            FileNotFoundError: the course's kernel environment does not exist.
        """
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
            self._release_cgroup()
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

    def limits(self) -> SandboxLimits:
        """The configured limits, checked.

        Raises:
            ValueError: a limit is not a whole number in its range; names the setting.
        """
        return SandboxLimits(**{name: getattr(self, name) for name in LIMIT_NAMES})

    def _prepare(self, cwd: str | None) -> None:
        limits = self.limits()
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
        self.connection_file = str(self._runtime_dir / "kernel.json")
        self.ip = str(self._runtime_dir / "ipc")
        if len(self.ip) > MAX_SOCKET_PATH:
            raise ValueError(
                f"IPC socket path {self.ip} is too long for a Unix socket: "
                "set SandboxedKernelManager.runtime_root to a shorter folder"
            )
        self._cgroup = CgroupGuard(self.cgroup_root, limits)
        self.memory_enforcement = self._cgroup.enforcement
        cgroup = self._cgroup.cgroup
        self.config_in_use = SandboxConfig(
            kernel_python=self.kernel_python_path(),
            scratch_dir=scratch,
            working_dir=working_dir,
            limits=limits,
            cgroup_procs=cgroup.procs_files if cgroup is not None else (),
            extra_readonly_paths=tuple(Path(p) for p in self.extra_readonly_paths),
            sandbox_uid=self.sandbox_uid,
            sandbox_gid=self.sandbox_gid,
            bwrap=self.bwrap,
        )
        if self.sandboxed and grader_is_root():
            self._hand_scratch_to_sandbox(scratch)

    def _check_folders(self, scratch: Path | None, working_dir: Path | None) -> None:
        """Refuse, before anything is created or handed over, folders that must not
        be mounted, and a working directory the kernel's user could not enter."""
        layout = inspect_kernel_python(str(self.kernel_python_path()))
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
        if self._cgroup is not None:
            self._cgroup.watch()
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
        if self._cgroup is not None and self._cgroup.kill():
            return
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
            self._release_cgroup()
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

    def _release_cgroup(self) -> None:
        """Kill what is left in the kernel's cgroup and remove it (its OOM count is
        kept for killed_for_memory). Safe to call more than once."""
        if self._cgroup is not None:
            self._cgroup.close()

    # -- what the grader asks afterwards -------------------------------------------

    @property
    def cgroup_folders(self) -> tuple[Path, ...]:
        """The folders of the running kernel's cgroup (v2: one; v1: memory, pids);
        empty without a cgroup or after cleanup."""
        cgroup = self._cgroup.cgroup if self._cgroup is not None else None
        return cgroup.folders if cgroup is not None else ()

    def killed_for_memory(self) -> bool:
        """Whether the last kernel (or a process of its sandbox) was killed for going
        over memory_cap: the OOM counter of its cgroup. Also right after the kernel
        died and after cleanup; False without a cgroup (then memory_limit raises
        MemoryError in the notebook instead)."""
        return self._cgroup is not None and self._cgroup.killed_for_memory()

    def limits_record(self) -> dict[str, Any]:
        """The limits the last kernel ran under, for a results record: which ones
        were in force depends on :attr:`memory_enforcement` (None: not in force)."""
        limits = self.config_in_use.limits if self.config_in_use else self.limits()
        capped = self.memory_enforcement not in (None, RLIMIT_ONLY)
        return {
            "sandboxed": bool(self.sandboxed),
            "memory_enforcement": self.memory_enforcement,
            "memory_cap_bytes": limits.memory_cap if capped else None,
            "pids_cap": limits.pids_cap if capped else None,
            "memory_bytes": limits.memory_limit,
            "cpu_seconds": limits.cpu_time_limit,
            "processes": limits.process_limit,
            "file_bytes": limits.file_size_limit,
            "notebook_timeout_s": limits.notebook_timeout,
            "killed_for_memory": self.killed_for_memory(),
        }

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
