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

MIN_BASELINE_SECONDS = 0.05
"""The baseline cell repeats its call until its calls cost at least this
much CPU, so that the scheduler's noise and the variation of the kernel's
own work per cell (a few milliseconds, measured on empty cells and
subtracted) are small against what is measured. A baseline that stays
below half of it even at MAX_REPEATS is not measured at all: no verdict
rather than a wrong one."""

FIRST_REPEATS = 4
"""Calls in the first baseline cell."""

MAX_REPEATS = 1024
"""Most calls per cell (each keeps a cache alive until its backward runs)."""

RUNS = 3
"""At most this many pairs of (baseline, timed) cells, whose medians are
compared; a first pair far from the limit either way is enough."""


MIN_TIMED_CELL_TIMEOUT = 5.0
"""Wall-clock seconds a timed cell may always take, whatever its baseline."""


def timed_cell_timeout(baseline_seconds: float) -> float:
    """Wall-clock seconds the timed cell may take: four times what the
    largest allowed ratio gives for its baseline, and never less than
    MIN_TIMED_CELL_TIMEOUT. A cell still running then is far over the limit."""
    largest = max(COST_MULTIPLES.values())
    return max(MIN_TIMED_CELL_TIMEOUT, 4 * largest * max(baseline_seconds, 0.0))


def more_repeats(repeats: int, spent: float) -> int:
    """Calls per cell for the next try, after `repeats` calls cost `spent`
    CPU seconds (too few): enough to reach MIN_BASELINE_SECONDS, at least
    twice as many, at most eight times as many, four times as many when
    the measurement is lost in noise."""
    if spent <= 0:
        return min(MAX_REPEATS, 4 * repeats)
    wanted = math.ceil(repeats * MIN_BASELINE_SECONDS / spent - 1e-9)
    # A small `spent` is mostly noise: grow at most eightfold per try.
    return min(MAX_REPEATS, 8 * repeats, max(2 * repeats, wanted))


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
    def ambiguous(self) -> bool:
        """Close enough to the limit that another pair of cells could change
        the verdict (within a factor of 3 of it)."""
        return self.multiple / 3 < self.ratio < 3 * self.multiple

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
