"""What a kernel's cgroup costs, and how fast a memory cap kills.

    .venv/bin/python benchmarks/sandbox_cgroups.py [--repeat 5] [--cap-mib 256]

Prints, on this machine:

* the one-off cost per grader process of finding where cgroups go (and testing
  that a process can join one);
* the cost per kernel of making its cgroup with its caps and removing it;
* the cost of the cgroup launcher (one more short Python start before bubblewrap);
* a sandboxed kernel's start-to-first-result time with and without a cgroup;
* the time from the start of a fork-and-allocate cell (six processes of 96 MiB
  against the cap) to nbclient's DeadKernelError.

Medians of `--repeat` runs. Needs the rights ``course check-worker`` checks.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from nbclient.exceptions import DeadKernelError

from autograder.sandbox.cgroup_guard import CgroupGuard
from autograder.sandbox.cgroup_launcher import launcher_command
from autograder.sandbox.cgroup_setup import cgroup_place_or_reason
from autograder.sandbox.config import DEFAULT_CGROUP_ROOT, DEFAULT_LIMITS, MIB
from tests.autograder.sandbox.notebook_runs import make_notebook, manager_config, notebook_client
from tests.autograder.sandbox.test_cgroups import FORK_AND_ALLOCATE


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cgroup_round_trip() -> None:
    guard = CgroupGuard(DEFAULT_CGROUP_ROOT, DEFAULT_LIMITS)
    assert guard.cgroup is not None, "no cgroup: run `course check-worker`"
    guard.close()


def launcher_round_trip() -> None:
    guard = CgroupGuard(DEFAULT_CGROUP_ROOT, DEFAULT_LIMITS)
    assert guard.cgroup is not None
    try:
        subprocess.run(launcher_command(guard.cgroup.procs_files, ["/bin/true"]), check=True)
    finally:
        guard.close()


def first_result(folder: Path, cgroup_root: str) -> None:
    notebook = make_notebook("print(1)")
    notebook_client(notebook, folder, manager_config(cgroup_root=cgroup_root)).execute()
    assert notebook.cells[0].outputs, notebook.cells[0]


def cap_kill(folder: Path, cap: int) -> float:
    """Seconds from the start of the fork-and-allocate cell to the dead kernel."""
    client = notebook_client(
        make_notebook(FORK_AND_ALLOCATE), folder, manager_config(memory_cap=cap), timeout=120
    )
    started = {}
    client.on_cell_start = lambda cell, cell_index: started.setdefault("t", time.perf_counter())
    try:
        client.execute()
    except DeadKernelError:
        elapsed = time.perf_counter() - started["t"]
        assert client.manager.killed_for_memory()
        return elapsed
    raise AssertionError("the kernel was not killed at the cap")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cap-mib", type=int, default=256)
    args = parser.parse_args()

    started = time.perf_counter()
    place, reason = cgroup_place_or_reason(DEFAULT_CGROUP_ROOT)
    print(f"cgroups: {reason}")
    if place is None:
        raise SystemExit(1)
    print(f"find + test cgroups, once per process: {time.perf_counter() - started:.3f} s")
    print(f"make + remove a kernel's cgroup:      {median_seconds(cgroup_round_trip, 20):.4f} s")
    alone = median_seconds(lambda: subprocess.run(["/bin/true"], check=True), 20)
    launched = median_seconds(launcher_round_trip, 20) - median_seconds(cgroup_round_trip, 20)
    print(f"/bin/true: alone {alone:.4f} s, through the cgroup launcher {launched:.4f} s")
    with tempfile.TemporaryDirectory(prefix="bench-cgroups-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        roots = {"with a cgroup": DEFAULT_CGROUP_ROOT, "without (rlimits)": ""}
        starts: dict[str, list[float]] = {label: [] for label in roots}
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits both
            for label, root in roots.items():
                starts[label].append(median_seconds(lambda r=root: first_result(folder, r), 1))
        for label, seconds in starts.items():
            print(f"kernel start to first result, {label}: {statistics.median(seconds):.3f} s")
        kills = [cap_kill(folder, args.cap_mib * MIB) for _ in range(args.repeat)]
        print(
            f"fork-and-allocate cell to dead kernel at a {args.cap_mib} MiB cap: median "
            f"{statistics.median(kills):.3f} s (min {min(kills):.3f}, max {max(kills):.3f})"
        )


if __name__ == "__main__":
    main()
