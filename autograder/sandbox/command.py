"""The full command line and environment that start one kernel.

Sandboxed::

    bwrap <namespaces> <mounts> --chdir / --clearenv --setenv ... --
        <kernel python> -I -S /run/kernel-sandbox/rlimit_launcher.py <spec>
            -> limits set, user dropped, working directory entered, then
               exec <kernel python> -m ipykernel_launcher -f <connection file>

Unsandboxed (the fallback) is the same without bubblewrap: limits still apply, the
user stays the grader's.

With a cgroup, either command is started by the cgroup launcher, which joins the
kernel's cgroup and then execs it (:mod:`autograder.sandbox.cgroup_launcher`)::

    /bin/sh -c <join, then exec> cgroup-launcher <cgroup.procs files> -- bwrap ...
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.sandbox.bwrap import (
    LAUNCHER_PATH,
    LAUNCHER_PATH_INSIDE,
    bwrap_arguments,
    find_bwrap,
    grader_is_root,
)
from autograder.sandbox.cgroup_launcher import launcher_command
from autograder.sandbox.config import SandboxConfig
from autograder.sandbox.kernel_python import SYSTEM_TREES, KernelPythonLayout, is_within

BLAS_THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def kernel_environment(
    config: SandboxConfig, home: Path, *, sandboxed: bool, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The kernel's whole environment. Nothing is inherited from the grader, whose
    variables may hold tokens, paths or the grading seed."""
    env = {
        "PATH": f"{Path(config.kernel_python).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # ipykernel's debugger warns on stderr about frozen modules otherwise.
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    env.update(dict.fromkeys(BLAS_THREAD_VARIABLES, str(config.limits.blas_threads)))
    if sandboxed:
        env["TMPDIR"] = "/tmp"
        # The kernel's parent inside the PID namespace is bubblewrap's init, PID 1.
        # ipykernel then neither polls for a parent (whose host PID it cannot see)
        # nor prints its "connect another client" banner to the grader's terminal.
        env["JPY_PARENT_PID"] = "1"
    env.update(extra or {})
    return env


def working_dir_of(config: SandboxConfig) -> Path:
    """Where the kernel starts: the notebook's folder, else the scratch folder."""
    return config.working_dir or config.scratch_dir


def launcher_spec(config: SandboxConfig, kernel_argv: list[str], *, drop_user: bool) -> str:
    """The JSON argument of rlimit_launcher.py."""
    return json.dumps(
        {
            "limits": config.limits.resource_limits(),
            "uid": config.sandbox_uid if drop_user else None,
            "gid": config.sandbox_gid if drop_user else None,
            "cwd": str(working_dir_of(config)),
            "argv": kernel_argv,
        }
    )


def unsafe_mount_reason(path: Path, layout: KernelPythonLayout) -> str | None:
    """Why host folder `path` must not be mounted into the sandbox, or None.

    It must be an existing folder that neither contains the grader's working
    directory (the course directory while autograding) or home, nor overlaps the
    read-only trees of the kernel's Python and of the system.
    """
    if not path.is_absolute() or not path.is_dir():
        return f"{path} is not an existing folder given by an absolute path"
    protected = [Path.cwd().resolve(), Path.home().resolve(), *layout.readonly_roots]
    for other in protected:
        if is_within(other, path):
            return f"{path} contains {other}"
    for tree in (*SYSTEM_TREES, *layout.readonly_roots):
        if is_within(path, tree):
            return f"{path} lies inside the read-only tree {tree}"
    return None


def inaccessible_reason(path: Path, uid: int, gid: int) -> str | None:
    """Why user `uid` (group `gid`, no other groups) could not list and enter folder
    `path`, or None. The sandboxed kernel runs as that user when the grader is root."""
    info = path.stat()
    if info.st_uid == uid:
        granted = info.st_mode >> 6
    elif info.st_gid == gid:
        granted = info.st_mode >> 3
    else:
        granted = info.st_mode
    if granted & 0o5 == 0o5:
        return None
    return (
        f"{path} (mode {info.st_mode & 0o7777:04o}, owner {info.st_uid}:{info.st_gid}) "
        f"cannot be listed and entered by the sandbox user {uid}:{gid}; make it "
        "world-readable (chmod o+rx) or run the grader as a non-root user"
    )


def sandboxed_command(
    config: SandboxConfig,
    layout: KernelPythonLayout,
    runtime_dir: Path,
    kernel_argv: list[str],
    env: dict[str, str],
) -> list[str]:
    """bubblewrap around the launcher around the kernel.

    Raises:
        ValueError: the scratch folder or the working directory may not be mounted.
        FileNotFoundError: bubblewrap is missing.
    """
    folders = [("scratch folder", config.scratch_dir)]
    if config.working_dir is not None:
        folders.append(("working directory", config.working_dir))
    for role, folder in folders:
        reason = unsafe_mount_reason(folder, layout)
        if reason is not None:
            raise ValueError(f"refusing to mount the kernel's {role}: {reason}")
    bwrap = find_bwrap(config.bwrap)
    if bwrap is None:
        raise FileNotFoundError(f"bubblewrap {config.bwrap!r} not found")
    readonly = [*layout.readonly_roots, *config.extra_readonly_paths]
    if config.working_dir is not None and not is_within(config.working_dir, config.scratch_dir):
        readonly.append(config.working_dir)
    as_root = grader_is_root()
    options = bwrap_arguments(
        readonly=readonly,
        hidden=layout.hidden_dirs,
        writable=[config.scratch_dir, runtime_dir],
        env=env,
        tmp_bytes=config.limits.tmp_size,
        as_root=as_root,
    )
    launcher = [str(config.kernel_python), "-I", "-S", str(LAUNCHER_PATH_INSIDE)]
    spec = launcher_spec(config, kernel_argv, drop_user=as_root)
    return in_cgroup(config, [bwrap, *options, "--", *launcher, spec])


def unsandboxed_command(config: SandboxConfig, kernel_argv: list[str]) -> list[str]:
    """The launcher around the kernel, without bubblewrap: limits only."""
    spec = launcher_spec(config, kernel_argv, drop_user=False)
    return in_cgroup(config, [str(config.kernel_python), "-I", "-S", str(LAUNCHER_PATH), spec])


def in_cgroup(config: SandboxConfig, command: list[str]) -> list[str]:
    """`command`, started by the cgroup launcher when the kernel has a cgroup."""
    if not config.cgroup_procs:
        return command
    return launcher_command(config.cgroup_procs, command)
