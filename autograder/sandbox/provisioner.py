"""Stopping a sandbox as a whole: :class:`SandboxProvisioner`.

jupyter_client stops a kernel it cannot shut down politely by signalling the
process group of the process it started, which here is bubblewrap's outer
process. Killing that process makes the sandbox's init die too, but only
asynchronously: the grader could see the kernel gone while the sandbox's processes
(a fork bomb's, say) still run for a moment. Killing the sandbox's init instead
tears the whole PID namespace down first (the kernel kills every process in a PID
namespace when its init dies), and bubblewrap's outer process exits only after
that.
"""

from __future__ import annotations

import asyncio
import os
import signal

import psutil
from jupyter_client.provisioning import LocalProvisioner

STOP_SIGNALS = (signal.SIGTERM, signal.SIGKILL)
SANDBOX_EXIT_WAIT = 5.0


def child_pids(pid: int) -> list[int]:
    """Host PIDs of the processes whose parent is `pid` (none if it is gone)."""
    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


def kill_sandbox(bwrap_pid: int) -> bool:
    """SIGKILL the init of the sandbox that bubblewrap process `bwrap_pid` runs
    (its only child). Returns whether there was one to kill."""
    killed = False
    for child in child_pids(bwrap_pid):
        try:
            os.kill(child, signal.SIGKILL)
            killed = True
        except ProcessLookupError:
            pass
    return killed


class SandboxProvisioner(LocalProvisioner):
    """LocalProvisioner whose SIGTERM and SIGKILL stop the whole sandbox, and return
    only once every process in it is gone (or after a few seconds)."""

    async def send_signal(self, signum: int) -> None:
        process = self.process
        if signum in STOP_SIGNALS and process is not None and process.poll() is None:
            if kill_sandbox(process.pid):
                deadline = asyncio.get_running_loop().time() + SANDBOX_EXIT_WAIT
                while process.poll() is None and asyncio.get_running_loop().time() < deadline:
                    await asyncio.sleep(0.05)
                if process.poll() is not None:
                    return
        await super().send_signal(signum)
