"""The next notebook's kernel, started while the current one is judged.

A sandboxed kernel takes about a second to boot (bubblewrap, a Python,
ipykernel), most of it in the kernel's own process. A worker grades one
notebook after another, so :class:`KernelPool` launches the next kernel as
soon as the current notebook's kernel is shut down: it boots while the
worker judges and files the current notebook (feedback HTML, packing, the
coordinator's turn) and prepares the next one (unpacking, sanitizing).

A kernel is never reused: each one serves exactly one notebook and is shut
down after it. A pre-started kernel runs in a fresh scratch folder whose
working copy holds the assignment's files from the template; the notebook
it is given to adds its own files there (what the preprocessor would have
copied) before its first cell runs. A kernel that died or waited longer
than MAX_WAIT_S is discarded and a fresh one started the usual way.

Only one kernel per worker exists at any time: the next is launched after
the previous is gone, so admission (workers x memory cap) still holds.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from jupyter_core.utils import run_sync

from autograder.grading.scratch import fill_working_copy, hand_scratch, make_scratch

MAX_WAIT_S = 60.0
"""A pre-started kernel older than this is discarded rather than used: its
wall-clock budget (SandboxedKernelManager.notebook_timeout) started at launch."""


@dataclass
class Prestarted:
    """A launched kernel and the scratch folders it runs in."""

    scratch: Path
    manager: object
    launched: float

    def stop(self) -> None:
        """Shut the kernel down and delete its scratch folder."""
        try:
            if run_sync(self.manager.is_alive)():
                run_sync(self.manager.shutdown_kernel)(now=True)
        except RuntimeError:
            pass  # already gone
        finally:
            run_sync(self.manager.cleanup_resources)()
            shutil.rmtree(self.scratch, ignore_errors=True)


_POOLS: dict[str, KernelPool] = {}
"""Every pool of this process by name: a configuration names its pool
(``TrustedExecute.prestarted_kernels``), as traitlets copies the values it
loads from a configuration and a copied pool would lose its kernel."""


def find_pool(name: str) -> KernelPool | None:
    return _POOLS.get(name)


class KernelPool:
    """At most one kernel launched ahead, for the next notebook of this worker.

    `source_dir`: the assignment's folder in the template course, whose files
    (not its notebooks) the kernel's working copy starts with. `name`: what
    ``TrustedExecute.prestarted_kernels`` is set to for this pool.
    """

    def __init__(self, source_dir: Path):
        self.source_dir = source_dir
        self._next: Prestarted | None = None
        self.name = f"pool-{id(self)}"
        _POOLS[self.name] = self

    def launch_next(self, execute) -> None:
        """Launch the next notebook's kernel like `execute` (a TrustedExecute)
        launches its own, without waiting for it to be ready. Never raises:
        when it cannot, the next notebook starts its kernel itself (and says
        why that fails, if it does)."""
        self.close()
        scratch = None
        try:
            scratch = make_scratch(execute.scratch_root or None)
            work = fill_working_copy(scratch, self.source_dir)
            manager = execute.kernel_manager_class(
                kernel_name=execute.kernel_name, config=execute.config
            )
            hand_scratch(manager, scratch)
            arguments = list(execute.extra_arguments)
            if execute.ipython_hist_file and not any(
                argument.startswith("--HistoryManager.hist_file") for argument in arguments
            ):
                arguments.append(f"--HistoryManager.hist_file={execute.ipython_hist_file}")
            run_sync(manager.start_kernel)(extra_arguments=arguments, cwd=str(work))
        except Exception:
            if scratch is not None:
                shutil.rmtree(scratch.root, ignore_errors=True)
            return
        self._next = Prestarted(scratch.root, manager, time.monotonic())

    def take(self) -> Prestarted | None:
        """The launched kernel, if it is alive and fresh (else None)."""
        prestarted, self._next = self._next, None
        if prestarted is None:
            return None
        fresh = time.monotonic() - prestarted.launched < MAX_WAIT_S
        if fresh and run_sync(prestarted.manager.is_alive)():
            return prestarted
        prestarted.stop()
        return None

    def close(self) -> None:
        """Stop the launched kernel, if any."""
        prestarted, self._next = self._next, None
        if prestarted is not None:
            prestarted.stop()

    def forget(self) -> None:
        """Stop the launched kernel and drop this pool from the process's pools."""
        self.close()
        _POOLS.pop(self.name, None)
