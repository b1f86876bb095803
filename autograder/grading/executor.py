"""Where a batch's submissions are graded: Dask, on this machine or a cluster.

:class:`DaskExecutor` sends every :class:`~autograder.grading.worker.Job` to
:func:`autograder.grading.worker.grade` on a Dask worker and gives the
outcomes back in the order they finish. Two ways to get the workers:

- :meth:`DaskExecutor.local`: Dask's ``LocalCluster`` on this machine, one
  process per worker with one thread each (a worker grades one submission at
  a time; processes, not threads, because nbgrader changes the working
  directory and a crash must cost one worker only). Nothing to start by hand.
- :meth:`DaskExecutor.connect`: an existing cluster, by its scheduler's
  address (``tcp://HOST:PORT``), started by the instructor with
  ``dask scheduler`` and ``dask worker`` (README, "Grading on a Dask cluster").

Every task carries the template course (about 50 KB) and its own
submission; the outcome carries the graded files back. A task depends on no
data held by a worker, so a worker that dies mid-submission (killed, out of
memory) costs nothing but its own task: the scheduler runs that submission
again on another worker, or on the next one to join, up to Dask's
``distributed.scheduler.allowed-failures`` times (3 by default); then the
submission fails with ``KilledWorker`` and the batch goes on.

Why not scatter the template once to every worker: Dask's active memory
manager keeps one replica of scattered data that no queued task needs, and
when the worker holding it dies, data that cannot be recomputed is gone and
every task needing it is cancelled ("already forgotten"). Sending 50 KB
with each task costs far less than that risk.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from autograder.grading import worker
from autograder.grading.worker import Job, Outcome

CONNECT_TIMEOUT_S = 10
"""Seconds to reach a scheduler before saying it cannot be reached."""

WORKERS_TIMEOUT_S = 30
"""Seconds to wait for a scheduler to have at least one worker."""

SCHEMES = ("tcp", "tls")

IN_FLIGHT_PER_WORKER = 2
"""Jobs queued per worker: one grading, one ready to start the moment it ends."""


class ExecutorError(RuntimeError):
    """The workers cannot be had: the message says what was wrong and what to do."""


def check_scheduler_address(address: str) -> str:
    """`address` if it reads as a Dask scheduler's address (tcp://HOST:PORT).

    Raises:
        ExecutorError: it does not, with what was expected.
    """
    expected = "expected tcp://HOST:PORT, the address `dask scheduler` prints"
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError as error:
        raise ExecutorError(f"bad scheduler address {address!r}: {error}; {expected}") from None
    if parts.scheme not in SCHEMES or not parts.hostname or port is None:
        raise ExecutorError(f"bad scheduler address {address!r}: {expected}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ExecutorError(f"bad scheduler address {address!r}: {expected}")
    return address


class DaskExecutor:
    """Grades jobs on Dask workers (see the module's docstring)."""

    def __init__(self, client, cluster=None, scratch: Path | None = None):
        self.client = client
        self.cluster = cluster
        self.scratch = scratch
        self._warming: list = []

    def _on_every_worker(self, function, wait: bool = True) -> list:
        """Run `function` as a task on every worker (in the thread that
        grades, unlike Client.run); wait for them unless told not to."""
        futures = [
            self.client.submit(
                function,
                key=f"{function.__name__}-{uuid.uuid4().hex}",
                workers=[address],
                allow_other_workers=False,
                pure=False,
            )
            for address in self.client.scheduler_info().get("workers", {})
        ]
        if wait:
            self.client.gather(futures)
        return futures

    def warm_up(self) -> None:
        """Have every worker import nbgrader and try its sandbox now, while
        the coordinator builds the template: one task per worker, not waited
        for (the first jobs queue behind them)."""
        self._warming = self._on_every_worker(worker.warm_up, wait=False)

    @classmethod
    def local(cls, workers: int) -> DaskExecutor:
        """A LocalCluster of `workers` processes with one thread each, on the
        loopback interface, without a dashboard. Dask's own memory limit is
        off: each kernel has its own hard cap (its cgroup), and the
        batch admits only as many workers as memory allows."""
        import dask
        from dask.distributed import Client, LocalCluster

        # Dask's worker folders, removed at the end (never left in the grader's
        # TMPDIR). local_directory covers the workers' folders; the
        # temporary-directory setting also the lock files Dask's shared
        # workspace makes while the cluster starts.
        scratch = Path(tempfile.mkdtemp(prefix="course-dask-"))
        try:
            with dask.config.set({"temporary-directory": str(scratch)}):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    # Dask's HTTP server (health, metrics) on a free loopback
                    # port: never the default 8787, which another cluster may
                    # hold (and then Dask warns on the instructor's console).
                    dashboard_address="127.0.0.1:0",
                    memory_limit=0,
                    local_directory=str(scratch),
                    silence_logs=logging.ERROR,
                )
                client = Client(cluster)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        executor = cls(client, cluster, scratch)
        executor.warm_up()
        return executor

    @classmethod
    def connect(cls, address: str) -> DaskExecutor:
        """A client of the running Dask scheduler at `address`, which must have
        a worker.

        Raises:
            ExecutorError: a bad address, no scheduler there, or no worker.
        """
        from dask.distributed import Client

        check_scheduler_address(address)
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as error:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {address} ({type(error).__name__}: "
                f"{error}); start one there with `dask scheduler`, or check the address"
            ) from None
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except (TimeoutError, OSError):
            client.close()
            raise ExecutorError(
                f"the Dask scheduler at {address} has no worker after {WORKERS_TIMEOUT_S} s: "
                f"start one on each grading machine with `dask worker {address} --nthreads 1`"
            ) from None
        executor = cls(client)
        executor.warm_up()
        return executor

    @property
    def workers(self) -> int:
        """How many workers the scheduler knows now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def grade(
        self, template: bytes, jobs: Iterable[Job]
    ) -> Iterator[tuple[Job, Outcome | BaseException]]:
        """Grade every job; yield (job, its outcome) as each finishes, or
        (job, the exception) when it could not be graded at all (a refusing
        worker, KilledWorker after repeated worker deaths).

        Jobs are submitted as workers free up, at most IN_FLIGHT_PER_WORKER
        per worker at a time, so that neither this process nor the scheduler
        holds a whole large class's submissions at once. Closing the
        iterator cancels what is still queued."""
        from dask.distributed import as_completed

        queue = iter(jobs)
        futures: dict = {}
        finished = as_completed()

        def submit_more() -> None:
            window = IN_FLIGHT_PER_WORKER * max(self.workers, 1)
            while len(futures) < window:
                job = next(queue, None)
                if job is None:
                    return
                key = f"grade-{job.student}-{job.sha256[:12]}-{uuid.uuid4().hex[:8]}"
                future = self.client.submit(worker.grade, template, job, key=key, pure=False)
                futures[future] = job
                finished.add(future)

        try:
            submit_more()
            for future in finished:
                job = futures.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # the job's failure, never the batch's
                    result = error
                future.release()
                submit_more()
                yield job, result
        finally:
            if futures:
                self.client.cancel(list(futures))

    def close(self) -> None:
        """Stop the kernels the workers launched ahead, close the client and,
        for a local cluster, stop its workers."""
        self._warming.clear()
        try:
            self._on_every_worker(worker.release_kernels)
        except Exception:  # a worker that is gone has no kernel left to stop
            pass
        try:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
