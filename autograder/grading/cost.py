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

Whatever the notebook does inside the kernel can shift CPU time between
the cells it is measured in, so the per-cell ratio alone can be gamed (by
differentiating inside the forward pass, or by making the baseline or the
subtracted overhead costlier). Three rules close that:

- the whole measurement, from the moment the timing input first exists in
  the kernel to the moment the last results are read, is also compared
  with what the solutions' forward and backward passes cost for the same
  calls, timed here in the grader where the notebook cannot reach
  (:func:`reference_cost`): everything the notebook does meanwhile counts;
- every timed call must return the right values on its own input
  (autograder/cases/timing.py), checked here against the solutions;
- a baseline or timed call that fails earns the gradients nothing: a
  gradient is credited only when it is shown to be back-propagated.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil

from autograder.cases.analytic import ANALYTIC_FUNCTIONS
from autograder.cases.timing import TimingInput
from autograder.course_checks.calls import arguments
from autograder.course_checks.compare import relative_error
from autograder.course_checks.probe import call_baseline
from autograder.course_checks.specs import ABSOLUTE_FLOOR, COST_MULTIPLES, ELEMENTWISE, REFERENCE

MIN_BASELINE_SECONDS = 0.03
"""The baseline cell repeats its call until its calls cost at least this
much CPU, so that the scheduler's noise and the variation of the kernel's
own work per cell (a few milliseconds, measured on empty cells and
subtracted) are small against what is measured. A baseline that stays
below half of it even at MAX_REPEATS is not measured at all: no verdict
rather than a wrong one. It was 0.05 s; at 0.03 s the largest honest
ratios measured stay 6.5 times (per cell) and 4.5 times (whole
measurement) below their limits, and the kernel's CPU in an a2 grading's
measurements fell by 40 % (README, "Grading a large class")."""

FIRST_REPEATS = 4
"""Fewest calls in the first baseline cell."""

MAX_REPEATS = 1024
"""Most calls per cell (each keeps a cache alive until its backward runs)."""

RUNS = 3
"""At most this many pairs of (baseline, timed) cells, whose medians are
compared; a first pair far from the limit either way is enough."""


MAX_OVERHEAD_SECONDS = 0.01
"""Most CPU seconds of the kernel's own work per cell that are subtracted
from a measurement (a few milliseconds, measured on empty cells): a
notebook that makes empty cells costly gains nothing beyond this."""

CHECKED_CALLS = 8
"""Recorded timed calls per timed cell whose values the grader checks."""

MIN_TIMED_CELL_TIMEOUT = 5.0
"""Wall-clock seconds a timed cell may always take, whatever its baseline."""


def timed_cell_timeout(baseline_seconds: float) -> float:
    """Wall-clock seconds the timed cell may take: four times what the
    largest allowed ratio gives for its baseline, and never less than
    MIN_TIMED_CELL_TIMEOUT. A cell still running then is far over the limit."""
    largest = max(COST_MULTIPLES.values())
    return max(MIN_TIMED_CELL_TIMEOUT, 4 * largest * max(baseline_seconds, 0.0))


def first_repeats(reference_seconds: float) -> int:
    """Calls in the first baseline cell: as many as the solutions' baseline,
    taking `reference_seconds` each, needs to reach MIN_BASELINE_SECONDS
    (an honest forward costs about as much, so one cell is usually enough),
    between FIRST_REPEATS and MAX_REPEATS."""
    if reference_seconds <= 0:
        return FIRST_REPEATS
    wanted = math.ceil(MIN_BASELINE_SECONDS / reference_seconds)
    return max(FIRST_REPEATS, min(MAX_REPEATS, wanted))


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


def _task_seconds(process: psutil.Process) -> float:
    """CPU seconds of one process, all its threads, those that have exited
    included (0 if it is gone).

    The live threads' schedstat gives nanoseconds, but a thread that has
    exited leaves /proc/<pid>/task and takes its time with it; the
    process's own utime and stime (clock ticks) keep the time of every
    thread it ever had. So the larger of the two: a notebook cannot hide
    work in a thread it starts and joins within a cell."""
    live = 0.0
    try:
        tasks = list(Path(f"/proc/{process.pid}/task").iterdir())
    except OSError:
        tasks = []
    for task in tasks:
        try:
            live += int((task / "schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            continue
    try:
        times = process.cpu_times()
        whole = times.user + times.system
    except psutil.Error:
        whole = 0.0
    return max(live, whole)


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
        total += _task_seconds(process)
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
    baseline_seconds, timed_seconds: median CPU seconds per cell (baseline
        None: too cheap to compare with, the ratio is not judged);
    multiple: the largest ratio allowed.
    window_seconds: CPU seconds of the whole measurement in the kernel;
    reference_seconds: what the solutions' baseline and timed calls cost for
        the same number of calls (0: not measured, not judged).
    failure: why the timed calls cannot be credited at all (a call failed
        or recorded nothing), or "".
    call_failed: the failure is a cell that raised or ran out of time.
    wrong_outputs: {output: what was wrong} for the gradients that some
        checked timed call returned wrong: only those earn nothing (a
        right dU keeps its point when db is wrong on the larger input).
    """

    function: str
    baseline: str
    repeats: int
    baseline_seconds: float | None
    timed_seconds: float
    multiple: float
    window_seconds: float = 0.0
    reference_seconds: float = 0.0
    failure: str = ""
    call_failed: bool = False
    wrong_outputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline_seconds is None:
            return None
        return self.timed_seconds / max(self.baseline_seconds, 1e-9)

    @property
    def window_ratio(self) -> float | None:
        if self.reference_seconds <= 0:
            return None
        return self.window_seconds / self.reference_seconds

    @property
    def too_costly(self) -> bool:
        ratio, window = self.ratio, self.window_ratio
        return bool(
            self.failure
            or (ratio is not None and ratio > self.multiple)
            or (window is not None and window > COST_MULTIPLES[REFERENCE])
        )

    @property
    def ambiguous(self) -> bool:
        """Close enough to the limit that another pair of cells could change
        the verdict (within a factor of 3 of it)."""
        ratio = self.ratio
        return ratio is not None and self.multiple / 3 < ratio < 3 * self.multiple

    @property
    def reason(self) -> str:
        """Why a gradient right on the hidden cases earns nothing, as each
        output's line says it: a wrong or failed timed call is a mistake
        that shows only on the larger input (truncated back-propagation
        shows only on long sequences), not evidence of finite differences."""
        if self.failure or (self.wrong_outputs and not self.too_costly):
            return "not on the larger input its cost is measured on"
        return "not computed by back-propagation"

    def note(self) -> str:
        """The sentence the feedback shows when the gradients earn nothing."""
        judged = (
            "The gradients below are judged by their values, but earn no points until they "
            "are computed by back-propagation."
        )
        failure = self.failure or (
            "; ".join(self.wrong_outputs.values()) if not self.too_costly else ""
        )
        if failure:
            return (
                f"Not credited: on a larger hidden input, the one its cost is measured on, "
                f"{failure}. A gradient is credited only when every timed call returns "
                f"it right, computed on that call's own input: the gradients below were right "
                f"on the hidden cases, which are smaller and called one at a time (a mistake "
                f"that shows only on longer sequences, larger sizes, or when several forward "
                f"passes run before their backward passes, is still a mistake)."
            )
        why = (
            "Back-propagation costs a small multiple of the forward pass; finite "
            "differences cost one forward pass per parameter, and building a full Jacobian "
            "for every example costs about one per class or unit: use the short formula."
        )
        ratio = self.ratio
        if ratio is not None and ratio > self.multiple:
            against = (
                f"your {self.baseline}"
                if self.baseline != ELEMENTWISE
                else "one elementwise pass over its input"
            )
            return (
                f"Not credited: {self.function} cost {ratio:.0f} times as much CPU time as "
                f"{against} on a larger hidden input (at most {self.multiple:g} times is "
                f"allowed). {why} {judged}"
            )
        return (
            f"Not credited: timing {self.function} and its baseline on a larger hidden input "
            f"cost {self.window_ratio:.0f} times the CPU time that back-propagation takes "
            f"for the same calls (at most {COST_MULTIPLES[REFERENCE]:g} times is allowed). "
            f"{why} {judged}"
        )

    def record(self) -> dict:
        return {
            "baseline": self.baseline,
            "repeats": self.repeats,
            "baseline_seconds": self.baseline_seconds,
            "timed_seconds": self.timed_seconds,
            "ratio": self.ratio,
            "multiple": self.multiple,
            "window_seconds": self.window_seconds,
            "reference_seconds": self.reference_seconds,
            "window_ratio": self.window_ratio,
            "failure": self.failure,
            "wrong_outputs": sorted(self.wrong_outputs),
        }


def summarise(
    function: str,
    baseline: str,
    repeats: int,
    baseline_runs: list[float] | None,
    timed_runs: list[float],
) -> CostVerdict:
    """The verdict from the CPU seconds of each pair of cells (baseline_runs
    None: the baseline was too cheap to compare with)."""
    multiple = COST_MULTIPLES[ELEMENTWISE if baseline == ELEMENTWISE else "forward"]
    return CostVerdict(
        function,
        baseline,
        repeats,
        None if baseline_runs is None else statistics.median(baseline_runs),
        statistics.median(timed_runs),
        multiple,
    )


_REFERENCE_COSTS: dict[str, tuple[float, float]] = {}


def reference_cost(timing: TimingInput) -> tuple[float, float]:
    """CPU seconds per call of the solutions' baseline and of their timed
    function on the timing input, measured in this process (where no
    notebook runs) once per function: the timing input's sizes are fixed,
    and back-propagation's cost does not depend on the values."""
    name = timing.spec.name
    if name not in _REFERENCE_COSTS:
        _REFERENCE_COSTS[name] = _measure_reference(timing)
    return _REFERENCE_COSTS[name]


def _cheapest_per_call(calls: Callable[[int], float], rounds: int = 5) -> float:
    """Smallest CPU seconds per call over `rounds` rounds of calls(n), which
    returns the CPU seconds of n calls; n grows until a round costs 20 ms."""
    n = 1
    while (spent := calls(n)) < 0.02 and n < 4096:
        n *= 4
    per_call = [spent / n]
    per_call += [calls(n) / n for _ in range(rounds - 1)]
    return min(per_call)


def _measure_reference(timing: TimingInput) -> tuple[float, float]:
    spec = timing.spec
    inputs = timing.inputs(0)
    function, names = spec.cost_baseline

    def baseline():
        return call_baseline(function, names, ANALYTIC_FUNCTIONS, inputs)

    def baseline_calls(n: int) -> float:
        start = time.process_time()
        for _ in range(n):
            baseline()
        return time.process_time() - start

    def timed_calls(n: int) -> float:
        if spec.kind == "backward":
            upstream = [inputs[arg.name] for arg in spec.upstream]
            caches = [baseline()[-1] for _ in range(n)]  # a backward may consume its cache
            start = time.process_time()
            for cache in caches:
                ANALYTIC_FUNCTIONS[spec.name](*upstream, cache)
            return time.process_time() - start
        positional, keywords = arguments(spec, inputs)
        start = time.process_time()
        for _ in range(n):
            ANALYTIC_FUNCTIONS[spec.name](*positional, **keywords)
        return time.process_time() - start

    return _cheapest_per_call(baseline_calls), _cheapest_per_call(timed_calls)


def wrong_records(
    timing: TimingInput,
    records: list[dict[str, np.ndarray]],
    rng: np.random.Generator,
    right: set[str] | None = None,
) -> tuple[str, dict[str, str]]:
    """What the recorded entries of CHECKED_CALLS calls of each timed cell
    (picked by `rng`) show against the solutions' values for those calls'
    inputs: ("", {}) if they are all right; (failure, {}) if the records
    cannot be read, so that nothing can be credited; ("", {output: what
    was wrong}) for the outputs that some checked call returned wrong.

    right: the gradients to check, those that were right on the hidden
    cases (default: all); a gradient wrong there already earns nothing,
    and the others keep their points.

    records: one dict per timed cell, as the probe's Timing.write_records
    wrote it: "calls" (the input number of each call) and, per recorded
    output, an array with one row of entries per call.
    """
    spec = timing.spec
    wrong: dict[str, str] = {}
    for cell in records:
        calls = cell.get("calls")
        if calls is None or calls.ndim != 1 or len(calls) == 0:
            return "its timed calls recorded no values", {}
        rows = rng.choice(len(calls), size=min(CHECKED_CALLS, len(calls)), replace=False)
        for row in sorted(int(r) for r in rows):
            call = int(calls[row])
            for name, expected in timing.expected(call).items():
                if (right is not None and name not in right) or name in wrong:
                    continue
                recorded = cell.get(name)
                if recorded is None or recorded.shape != (len(calls), *expected.shape):
                    wrong[name] = f"{spec.name} recorded no {name} for one of its timed calls"
                    continue
                value = np.asarray(recorded[row], dtype=np.float64)
                tolerance = next(o.tolerance for o in spec.outputs if o.name == name)
                error = relative_error(value, expected)
                close = float(np.max(np.abs(value - expected), initial=0.0)) <= ABSOLUTE_FLOOR
                if not error <= tolerance and not close:
                    wrong[name] = (
                        f"{spec.name} returned a wrong {name} on one of its timed calls "
                        f"(relative error {error:.1e}; it was right on the checked inputs)"
                    )
    return "", wrong
