"""Tests of the cost measurement: CPU time read from outside a process."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder.course_checks.specs import COST_MULTIPLES
from autograder.grading import cost

FORWARD = COST_MULTIPLES["forward"]


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
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout.readline().strip() == "child done"
        assert cost.sandbox_cpu_seconds(parent.pid) >= 0.55
    finally:
        parent.kill()
        parent.wait()


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
    assert cost.more_repeats(4, 0.01) == 20
    assert cost.more_repeats(4, 0.03) == 8
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
