"""Join the kernel's cgroup, then become the sandbox: :func:`launcher_command`.

The first link of a kernel's command is a POSIX shell that writes its own PID
into each ``cgroup.procs`` file of the kernel's cgroup (one for cgroup v2; the
memory and the pids cgroup for v1) and then execs the real command (bubblewrap,
or the limits launcher without the sandbox), which keeps the PID.

Why this way: the process is in the cgroup before the first instruction of the
command, so bubblewrap, the kernel and every process the notebook starts are born
inside it and inherit it. Moving the kernel from the grader after it started
would race with the notebook: a child forked before the move stays outside.
Why a shell and not a Python script: once per kernel, it costs about 10 ms where
a start of the grader's Python cost about 45 ms (benchmarks/sandbox_cgroups.py on
the 2-core grading machine).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SHELL = "/bin/sh"

JOIN_THEN_EXEC = """
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
    echo $$ > "$1" || { echo "cgroup launcher: could not join the cgroup $1" >&2; exit 1; }
    shift
done
[ "$#" -gt 1 ] || { echo "cgroup launcher: no '--' and command after the cgroups" >&2; exit 1; }
shift
exec "$@"
"""
"""The shell script: arguments are the cgroup.procs files, ``--``, the command."""


def launcher_command(procs_files: Iterable[Path], command: list[str]) -> list[str]:
    """`command`, started in the cgroups whose ``cgroup.procs`` files are
    `procs_files`. If one cannot be joined, it exits 1 with the file's name on
    stderr and `command` never starts."""
    procs = [str(path) for path in procs_files]
    return [SHELL, "-c", JOIN_THEN_EXEC, "cgroup-launcher", *procs, "--", *command]
