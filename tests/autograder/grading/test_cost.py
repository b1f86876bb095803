"""Tests of the cost measurement: CPU time read from outside a process."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.probe import Timing
from autograder.course_checks.specs import COST_MULTIPLES, REFERENCE
from autograder.grading import cost, verdict
from autograder.grading.verdict import read_arrays, write_for_kernel
from tests.autograder.integrity.honest_seeds import style_functions
from tests.autograder.integrity.students import STYLES
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS, grade_in_process

FORWARD = COST_MULTIPLES["forward"]


def _cpu_seconds_after(code: str, line: str) -> float:
    """Run `code` in a new Python process until it prints `line` (then it
    sleeps), and return the CPU seconds measured for it at that moment."""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == line
        return cost.sandbox_cpu_seconds(process.pid)
    finally:
        process.kill()
        process.wait()


def test_work_of_a_child_that_has_exited_is_still_counted():
    """Does the time of a child process that spun and exited (and was reaped
    by its parent) still count, through the parent's children's times?"""
    spin = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"
    parent_code = (
        "import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {spin!r}])\n"
        "print('child done', flush=True)\n"
        "time.sleep(30)\n"
    )
    assert _cpu_seconds_after(parent_code, "child done") >= 0.55


def test_a_thread_that_has_exited_still_counts():
    """Is the work of a thread that was started and joined (it has left
    /proc/<pid>/task) still counted, while its process lives on?"""
    spin = (
        "import threading, time\n"
        "def burn():\n"
        "    end = time.thread_time() + 0.6\n"
        "    while time.thread_time() < end: pass\n"
        "t = threading.Thread(target=burn); t.start(); t.join()\n"
        "print('joined', flush=True)\n"
        "time.sleep(30)\n"
    )
    assert _cpu_seconds_after(spin, "joined") >= 0.55


def test_a_running_tree_is_measured_with_its_threads():
    spin = (
        "import threading, time\n"
        "def burn():\n"
        "    end = time.process_time() + 1.0\n"
        "    while time.process_time() < end: pass\n"
        "t = threading.Thread(target=burn); t.start(); t.join(); time.sleep(5)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", spin])
    try:
        deadline = time.time() + 30
        spent = 0.0
        while time.time() < deadline and spent < 0.9:
            time.sleep(0.2)
            spent = cost.sandbox_cpu_seconds(process.pid)
        assert spent >= 0.9
    finally:
        process.kill()
        process.wait()


def test_a_gone_process_costs_nothing():
    assert cost.sandbox_cpu_seconds(2**22 + 12345) == 0.0


@pytest.mark.parametrize(
    ("timed_multiple", "too_costly"), [([1.0, 0.8, 0.9], False), ([1.2, 1.3, 1.25], True)]
)
def test_the_verdict_compares_medians_with_the_multiple(timed_multiple, too_costly):
    """Is a function too costly exactly when the median of its timed cells
    exceeds the multiple times the median of its baseline cells?"""
    baseline = [0.01, 0.012, 0.011]
    timed = [0.011 * FORWARD * share for share in timed_multiple]
    verdict = cost.summarise("rnn_backward", "rnn_forward", 8, baseline, timed)
    assert verdict.too_costly is too_costly
    assert verdict.multiple == FORWARD
    if too_costly:
        ratio = round(0.011 * FORWARD * 1.25 / 0.011)
        assert verdict.note().startswith(
            f"Not credited: rnn_backward cost {ratio} times as much CPU"
        )
        assert "finite differences cost one forward pass per parameter" in verdict.note()


def test_calls_per_cell_grow_to_the_minimum_without_passing_the_cap():
    """Do the calls per cell grow to what reaches MIN_BASELINE_SECONDS, at
    least double and at most eightfold each time (fourfold when the cell
    measured nothing), and stop at the cap?"""
    minimum = cost.MIN_BASELINE_SECONDS
    assert cost.more_repeats(4, minimum / 5) == 20
    assert cost.more_repeats(4, minimum * 0.6) == 8
    assert cost.more_repeats(4, -0.001) == 16
    assert cost.more_repeats(4, 1e-6) == 32
    assert cost.more_repeats(512, 1e-6) == cost.MAX_REPEATS


def test_a_measurement_near_the_limit_is_ambiguous():
    near = cost.summarise("f", "g", 8, [0.01], [0.01 * FORWARD * 0.6])
    assert near.ambiguous and not near.too_costly
    assert not cost.summarise("f", "g", 8, [0.01], [0.02]).ambiguous
    assert not cost.summarise("f", "g", 8, [0.01], [0.01 * FORWARD * 5]).ambiguous


def test_the_timed_cell_may_take_four_times_the_largest_allowed_ratio():
    assert cost.timed_cell_timeout(0.0) == cost.MIN_TIMED_CELL_TIMEOUT
    assert cost.timed_cell_timeout(0.05) == 4 * max(COST_MULTIPLES.values()) * 0.05


WHOLE = COST_MULTIPLES[REFERENCE]


def _verdict(**fields) -> cost.CostVerdict:
    figures = {"baseline_seconds": 0.01, "timed_seconds": 0.02, "multiple": FORWARD}
    return cost.CostVerdict("rnn_backward", "rnn_forward", 8, **{**figures, **fields})


@pytest.mark.parametrize(("whole", "too_costly"), [(0.5, False), (1.5, True)])
def test_the_whole_measurement_is_judged_against_the_solutions(whole, too_costly):
    """Is a function whose per-cell ratio is fine still too costly when the
    whole measurement (work moved into the baseline or into empty cells
    counts there) costs more than the multiple times the solutions?"""
    verdict = _verdict(window_seconds=WHOLE * whole, reference_seconds=1.0)
    assert verdict.ratio == pytest.approx(2.0)
    assert verdict.too_costly is too_costly
    if too_costly:
        assert f"cost {WHOLE * whole:.0f} times the CPU time that back-propagation" in (
            verdict.note()
        )


def test_a_baseline_too_cheap_to_compare_leaves_the_whole_measurement_to_judge():
    cheap = _verdict(baseline_seconds=None, timed_seconds=30.0)
    assert cheap.ratio is None and not cheap.too_costly
    assert _verdict(
        baseline_seconds=None, window_seconds=5 * WHOLE, reference_seconds=1.0
    ).too_costly


def test_a_failed_or_wrong_timed_call_earns_the_gradients_nothing():
    verdict = _verdict(failure="rnn_backward returned a wrong dW on one of its timed calls")
    assert verdict.too_costly
    assert verdict.note().startswith(
        "Not credited: on a larger hidden input, the one its cost is measured on, "
        "rnn_backward returned a wrong dW"
    )
    # A mistake that shows only on the larger input, not a charge of finite differences.
    assert "back-propagation" not in verdict.note() + verdict.reason
    assert verdict.reason == "not on the larger input its cost is measured on"
    assert _verdict(timed_seconds=500.0).reason == "not computed by back-propagation"


def _records(tmp_path, name: str, functions, calls: int = 6, seed: int = 11) -> tuple:
    """The timing input of `name` for `seed` and the records of `calls`
    timed calls of `functions`, as the kernel's Timing writes them."""
    timing = HIDDEN_TESTS[name].draw_timing(seed)
    path = tmp_path / f"{name}-{seed}-timing.npz"
    path.unlink(missing_ok=True)
    (tmp_path / "records.npz").unlink(missing_ok=True)
    write_for_kernel(timing.arrays(), path)
    probe = Timing(functions, str(path))
    for _ in range(calls):
        probe.run_baseline()
    for _ in range(calls):
        probe.run_timed()
    probe.write_records(str(tmp_path / "records.npz"))
    arrays, problem = read_arrays(tmp_path / "records.npz")
    assert problem == ""
    return timing, [arrays]


def test_right_timed_calls_pass_the_check_of_their_values(tmp_path):
    timing, records = _records(tmp_path, "lstm_step_backward", REFERENCE_FUNCTIONS)
    assert cost.wrong_records(timing, records, np.random.default_rng(0)) == ("", {})


def test_zeros_or_one_remembered_answer_fail_the_check_of_their_values(tmp_path):
    """Zeros returned when timed, or the gradients of the first call returned
    again for every later input, are found (the check draws its calls)."""
    reference = REFERENCE_FUNCTIONS["rnn_backward"]
    first = []

    def remembering(dh, cache):
        first.append(first[0] if first else reference(dh, cache))
        return first[-1]

    def zeros(dh, cache):
        return tuple(np.zeros_like(g) for g in reference(dh, cache))

    for backward in (remembering, zeros):
        folder = tmp_path / backward.__name__
        folder.mkdir()
        timing, records = _records(folder, "rnn_backward",
                                   {**REFERENCE_FUNCTIONS, "rnn_backward": backward})  # fmt: skip
        failure, wrong = cost.wrong_records(timing, records, np.random.default_rng(0))
        assert failure == ""
        assert set(wrong) == {"dx", "dh0", "dU", "dW", "db"}, wrong
        assert all(w.startswith("rnn_backward returned a wrong d") for w in wrong.values())


def test_the_solutions_cost_is_measured_once_per_function():
    timing = HIDDEN_TESTS["rnn_step_backward"].draw_timing(1)
    first = cost.reference_cost(timing)
    assert all(0 < seconds < 0.1 for seconds in first)
    assert cost.reference_cost(HIDDEN_TESTS["rnn_step_backward"].draw_timing(2)) == first


def test_a_gradient_wrong_on_the_hidden_cases_is_not_checked_again(tmp_path):
    """A gradient already wrong on the hidden cases earns nothing there; the
    timed calls' check looks only at those that were right, so an honest
    student with one wrong gradient keeps the others' points."""
    reference = REFERENCE_FUNCTIONS["rnn_step_backward"]

    def wrong_db(dh, cache):
        dx, dh_prev, dU, dW, db = reference(dh, cache)
        return dx, dh_prev, dU, dW, 2 * db

    functions = {**REFERENCE_FUNCTIONS, "rnn_step_backward": wrong_db}
    timing, records = _records(tmp_path, "rnn_step_backward", functions)
    rng = np.random.default_rng(0)
    assert cost.wrong_records(timing, records, rng, {"dx", "dh_prev", "dU", "dW"}) == ("", {})
    failure, wrong = cost.wrong_records(timing, records, rng)
    assert failure == "" and list(wrong) == ["db"] and "wrong db" in wrong["db"]


def test_only_the_gradients_wrong_on_a_timed_call_lose_their_points(tmp_path):
    """A step backward whose db is wrong only on the larger timed input (it
    drops rows past the eighth example): does db alone lose its point, with
    the note saying why, while dx, dh_prev, dU and dW keep theirs?"""
    reference = REFERENCE_FUNCTIONS["rnn_step_backward"]

    def db_wrong_past_eight(dh, cache):
        dx, dh_prev, dU, dW, db = reference(dh, cache)
        return dx, dh_prev, dU, dW, db - dh[8:].sum(axis=0) if len(dh) > 8 else db

    functions = {**REFERENCE_FUNCTIONS, "rnn_step_backward": db_wrong_past_eight}
    timing, records = _records(tmp_path, "rnn_step_backward", functions)
    failure, wrong = cost.wrong_records(timing, records, np.random.default_rng(0))
    assert (failure, list(wrong)) == ("", ["db"])
    measured = cost.CostVerdict(
        "rnn_step_backward", "rnn_step_forward", 1, 1.0, 2.0, 100.0, wrong_outputs=wrong
    )
    assert not measured.too_costly
    result = grade_in_process(tmp_path, "rnn_step_backward", functions, 0, points=5)
    assert result.score == 5  # the hidden cases have N <= 3
    verdict.withhold_gradients(result, measured.note(), measured.reason, only=set(wrong))
    assert result.score == 4
    assert [v.output.name for v in result.outputs if not v.passed] == ["db"]
    assert "returned a wrong db on one of its timed calls" in measured.note()
    assert measured.reason == "not on the larger input its cost is measured on"


def test_the_first_baseline_cell_makes_as_many_calls_as_the_solutions_need():
    assert cost.first_repeats(cost.MIN_BASELINE_SECONDS / 50) == 50
    assert cost.first_repeats(1.0) == cost.FIRST_REPEATS
    assert cost.first_repeats(1e-9) == cost.MAX_REPEATS
    assert cost.first_repeats(0.0) == cost.FIRST_REPEATS


HONEST = [(assignment, style) for assignment, styles in STYLES.items() for style in styles]


@pytest.mark.slow  # minutes: every honest style, every timed function, 8 seeds
@pytest.mark.parametrize(("assignment", "style"), HONEST, ids=[f"{a}-{s}" for a, s in HONEST])
def test_honest_styles_pass_the_check_of_timed_values_on_every_seed(tmp_path, assignment, style):
    """Does every honest style (vectorised, a loop over the batch, einsum,
    recomputing, preallocated) return, on every timed call of 8 seeds'
    timing inputs, gradients the check of timed values accepts? A tolerance
    too tight for the larger, shifted inputs would take honest points."""
    own = style_functions(assignment, style)
    functions = {**REFERENCE_FUNCTIONS, **own}
    timed = [name for name, test in HIDDEN_TESTS.items() if test.timing and name in own]
    assert timed, f"{assignment}_{style} defines no timed function"
    for seed in range(8):
        for name in timed:
            timing, records = _records(tmp_path, name, functions, calls=3, seed=seed)
            found = cost.wrong_records(timing, records, np.random.default_rng(seed))
            assert found == ("", {}), (seed, name, found)
