"""A real Dask cluster on localhost for the tests: `dask scheduler` and
`dask worker` processes started as subprocesses on free ports, stopped by pid.

The workers run without a nanny (``--no-nanny``), so a worker killed by a
test stays dead and its work must go to another one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.autograder.servers import free_port

DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT_S = 120.0


@dataclass
class LocalDaskCluster:
    """A scheduler's address and the worker processes this test started."""

    address: str
    scheduler: subprocess.Popen
    start_worker: Callable[[str], subprocess.Popen]
    workers: list[subprocess.Popen] = field(default_factory=list)

    def add_worker(self, wait: bool = True) -> int:
        """Start one more worker (named worker0, worker1, ... in order);
        wait until the scheduler lists it by name unless told not to. Its pid."""
        name = f"worker{len(self.workers)}"
        process = self.start_worker(name)
        self.workers.append(process)
        if wait:
            _wait_for_workers(self, [name])
        return process.pid

    def client(self):
        from dask.distributed import Client

        return Client(self.address, timeout=30)

    def worker_pids(self) -> set[int]:
        return {worker.pid for worker in self.workers if worker.poll() is None}

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one of this cluster's workers (refuses any other pid)."""
        if pid not in self.worker_pids():
            raise ValueError(f"pid {pid} is not a running worker of this test's cluster")
        os.kill(pid, signal.SIGKILL)
        next(worker for worker in self.workers if worker.pid == pid).wait()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[LocalDaskCluster]:
    """Start a scheduler and `workers` single-threaded workers on 127.0.0.1,
    logs and worker folders in `folder`; stop them all by pid at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    # The workers' own temporary folder (a killed worker leaves its private
    # course directory there), short: the kernels' sockets are made below it.
    temporary = Path(tempfile.mkdtemp(prefix="dask-tmp-", dir="/tmp"))
    environment = {**os.environ, "TMPDIR": str(temporary)}

    def start(name: str, *args: str) -> subprocess.Popen:
        log = (folder / f"{name}.log").open("wb")
        try:
            return subprocess.Popen(
                [str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, env=environment
            )
        finally:
            log.close()

    def start_worker(name: str) -> subprocess.Popen:
        return start(
            name,
            "worker",
            address,
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
            "--host",
            "127.0.0.1",
            "--name",
            name,
            "--local-directory",
            str(folder / name),
        )

    scheduler = start(
        "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"
    )
    cluster = LocalDaskCluster(address, scheduler, start_worker)
    try:
        for _ in range(workers):
            cluster.add_worker(wait=False)
        _wait_for_workers(cluster, [f"worker{index}" for index in range(workers)])
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            _stop(process)
        shutil.rmtree(temporary, ignore_errors=True)


def _wait_for_workers(cluster: LocalDaskCluster, names: list[str]) -> None:
    """Until the scheduler lists a worker by each of `names` (by name, not a
    count: a worker just killed may still be counted for a moment)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            client = cluster.client()
            break
        except OSError:
            if time.monotonic() > deadline or cluster.scheduler.poll() is not None:
                raise
            time.sleep(0.5)
    try:
        while True:
            joined = {info.get("name") for info in client.scheduler_info()["workers"].values()}
            missing = [name for name in names if name not in joined]
            if not missing:
                return
            if time.monotonic() > deadline or cluster.scheduler.poll() is not None:
                logs = ", ".join(f"{name}.log" for name in missing)
                raise RuntimeError(f"Dask workers {missing} did not join (see {logs})")
            time.sleep(0.2)
    finally:
        client.close()
