"""What a backward pass costs against its forward pass, measured from outside
the kernel.

Back-propagation costs a small multiple of the forward pass it
differentiates; finite differences cost one forward pass (two, centred) per
parameter, thousands of them for the timing inputs. So a backward pass that
costs far more than its forward did not back-propagate, and its gradients
earn nothing, however right their values.

The grader runs the timed calls in the student's kernel one cell at a time
and reads, between cells, the CPU time of every process and thread of the
kernel's sandbox from /proc (nanosecond run times from schedstat where the
kernel keeps them, else clock ticks). Nothing the notebook does to its own
clocks changes these figures, and work pushed into a thread or a child
process is counted where it runs.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from pathlib import Path

import psutil

from autograder.course_checks.specs import COST_MULTIPLES, ELEMENTWISE

MIN_BASELINE_SECONDS = 0.02
"""The baseline cell repeats its call so that its calls cost at least about
this much CPU, so that the scheduler's noise and the variation of the
kernel's own work per cell (a few milliseconds, measured on empty cells and
subtracted) are small against what is measured."""

FIRST_REPEATS = 4
"""Calls in the first baseline cell, from which the calls per cell are chosen."""

MAX_RESIZES = 2
"""Times the calls per cell are raised when a baseline cell turns out cheaper
than MIN_BASELINE_SECONDS."""

MAX_REPEATS = 200
RUNS = 3
"""Pairs of (baseline, timed) cells; their medians are compared."""


def repeats_for(one_call_seconds: float) -> int:
    """Calls per cell, from the CPU time of one call."""
    if one_call_seconds >= MIN_BASELINE_SECONDS:
        return 1
    return min(MAX_REPEATS, math.ceil(MIN_BASELINE_SECONDS / max(one_call_seconds, 1e-4)))


def _task_seconds(pid: int) -> float:
    """CPU seconds of all threads of one process (0 if it is gone)."""
    total = 0.0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0.0
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            try:
                times = psutil.Process(int(task.name)).cpu_times()
                total += times.user + times.system
            except (psutil.Error, ValueError):
                continue
    return total


def sandbox_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process `pid` and all its descendants
    (for a sandboxed kernel, pid is bubblewrap's: the whole sandbox)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for process in processes:
        total += _task_seconds(process.pid)
        try:
            reaped = process.cpu_times()
            total += reaped.children_user + reaped.children_system
        except psutil.Error:
            continue
    return total


@dataclass(frozen=True)
class CostVerdict:
    """The measured cost of one function against its baseline.

    baseline: "forward" name or ELEMENTWISE; repeats: calls per cell;
    baseline_seconds, timed_seconds: median CPU seconds per cell;
    ratio: timed / baseline; multiple: the largest ratio allowed.
    """

    function: str
    baseline: str
    repeats: int
    baseline_seconds: float
    timed_seconds: float
    multiple: float

    @property
    def ratio(self) -> float:
        return self.timed_seconds / max(self.baseline_seconds, 1e-9)

    @property
    def too_costly(self) -> bool:
        return self.ratio > self.multiple

    @property
    def far_too_costly(self) -> bool:
        """So far over the limit that measuring again cannot change the verdict."""
        return self.ratio > 3 * self.multiple

    def note(self) -> str:
        """The sentence the feedback shows when the gradients earn nothing."""
        against = (
            f"your {self.baseline}"
            if self.baseline != ELEMENTWISE
            else "one elementwise pass over its input"
        )
        return (
            f"Not credited: {self.function} cost {self.ratio:.0f} times as much CPU time as "
            f"{against} on a larger hidden input (at most {self.multiple:g} times is "
            "allowed). Back-propagation costs a small multiple of the forward pass; finite "
            "differences cost one forward pass per parameter. The gradients below are "
            "judged by their values, but earn no points until they are computed by "
            "back-propagation."
        )

    def record(self) -> dict:
        return {
            "baseline": self.baseline,
            "repeats": self.repeats,
            "baseline_seconds": self.baseline_seconds,
            "timed_seconds": self.timed_seconds,
            "ratio": self.ratio,
            "multiple": self.multiple,
        }


def summarise(
    function: str,
    baseline: str,
    repeats: int,
    baseline_runs: list[float],
    timed_runs: list[float],
) -> CostVerdict:
    """The verdict from the CPU seconds of each pair of cells."""
    multiple = COST_MULTIPLES[ELEMENTWISE if baseline == ELEMENTWISE else "forward"]
    return CostVerdict(
        function,
        baseline,
        repeats,
        statistics.median(baseline_runs),
        statistics.median(timed_runs),
        multiple,
    )
