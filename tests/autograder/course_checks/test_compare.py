"""Tests of how a returned array is compared with its reference."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.course_checks.compare import compare, locate, relative_error, worst_entry
from autograder.course_checks.specs import SPECS
from solutions import gradcheck


def test_a_wrong_gate_block_is_named():
    """Does compare() name the gate block of dU that differs, and only it?"""
    reference = np.arange(1.0, 1 + 8 * 3).reshape(8, 3)  # H = 2
    value = reference.copy()
    value[2:4] *= 1.5  # the forget-gate rows
    output = SPECS["lstm_backward"].output("dU")
    verdict = compare(output, value, reference, ("4H", "D"))
    assert not verdict.passed
    assert verdict.where == (
        "wrong in gate block(s) f (rows in the order i, f, g, o); blocks i, g, o are right"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (np.zeros((2, 3), dtype=np.float32), "has dtype float32, expected float64"),
        (np.zeros((3, 2)), "has shape (3, 2), expected (2, 3)"),
        (np.full((2, 3), np.nan), "contains NaN or infinity"),
        ([[0.0] * 3] * 2, "is a list, expected a float64 NumPy array"),
    ],
)
def test_values_that_cannot_be_compared_fail_with_the_reason(value, problem):
    """Are wrong dtypes, shapes, NaN and non-arrays failures that say why?"""
    verdict = compare(SPECS["softmax"].output("S"), value, np.zeros((2, 3)), ("N", "K"))
    assert not verdict.passed
    assert verdict.problem == problem
    assert verdict.error == np.inf


def test_an_always_equal_object_is_not_an_array():
    """Does an object whose == is always True fail instead of passing?"""

    class AlwaysEqual:
        def __eq__(self, other):
            return True

        __hash__ = None

    verdict = compare(SPECS["softmax"].output("S"), AlwaysEqual(), np.zeros((2, 3)), ("N", "K"))
    assert not verdict.passed
    assert verdict.problem == "is a AlwaysEqual, expected a float64 NumPy array"


def test_the_shipped_measure_is_not_the_graded_rel_error(rng):
    """Does the package's relative error differ from the exercise's rel_error
    (so that importing it answers nothing), while agreeing within a factor 2?"""
    a = np.array([3.0, 0.5])
    b = np.array([1.0, 2.5])
    assert relative_error(a, b) == pytest.approx(2 / 5.5)
    assert gradcheck.rel_error(a, b) == pytest.approx(2 / 4)
    for _ in range(50):
        a = rng.standard_normal((3, 4))
        b = a + rng.standard_normal((3, 4)) * 1e-3
        ratio = gradcheck.rel_error(a, b) / relative_error(a, b)
        assert 1.0 <= ratio <= 2.0 + 1e-12
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.zeros((2, 0)), np.zeros((2, 0))) == 0.0


def test_round_off_below_the_absolute_floor_passes():
    """Does a tiny gradient that differs only by round-off pass, and a tiny
    wrong one fail?"""
    output = SPECS["rnn_backward"].output("db")
    reference = np.array([1e-13, -2e-13])
    assert compare(output, reference + 5e-12, reference, ("H",)).passed
    assert not compare(output, reference + 1e-6, reference, ("H",)).passed


def _slice_errors(wrong, steps=4):
    return {f"t = {t}": (0.5 if t in wrong else 0.0) for t in range(steps)}


def test_recurrent_gradients_are_located_going_backwards():
    """Does a wrong BPTT gradient name the first wrong step going backwards
    and both terms that reach it?"""
    output = SPECS["rnn_backward"].output("dx")
    where = locate(output, _slice_errors({0, 1, 2}), 1e-7, recurrent=True)
    assert where.startswith("right at the last time step(s) after t = 2; first wrong at t = 2")
    assert "what comes from above at step t and what is carried back from step t+1" in where
    last = locate(output, _slice_errors({3}), 1e-7, recurrent=True)
    assert last.startswith("wrong already at the last time step t = 3")


def test_independent_steps_are_listed_without_talk_of_carrying():
    """Does a loss whose steps are independent list its wrong steps and say
    nothing about steps carried back?"""
    output = SPECS["temporal_softmax_loss"].output("do")
    where = locate(output, _slice_errors({1, 3}), 1e-7, recurrent=False)
    assert where == "wrong at time step(s) t = 1, 3 (of 0..3); the other steps are right"
    everywhere = locate(output, _slice_errors({0, 1, 2, 3}), 1e-7, recurrent=False)
    assert everywhere == "wrong at every time step (t = 0..3)"


def test_forward_values_are_located_going_forwards():
    """Does a wrong forward value name the first wrong step from the start?"""
    output = SPECS["rnn_forward"].output("h")
    assert locate(output, _slice_errors({2, 3}), 1e-6, recurrent=True) == (
        "right up to t = 1; first wrong at t = 2 (of 0..3)"
    )


def test_the_worst_entry_shows_both_values():
    """Does a visible FAIL line show the student's and the expected value
    where they differ most?"""
    reference = np.array([[1.0, 2.0], [3.0, 4.0]])
    value = reference.copy()
    value[1, 0] = 3.5
    assert worst_entry(value, reference, "dW", "expected") == (
        "worst entry dW[1, 0]: yours 3.5, expected 3"
    )


def test_failed_lines_link_the_equation_and_passed_lines_stay_short():
    """Does a FAIL line carry where, worst entry, hint and the equation link,
    and a PASS line only the error?"""
    output = SPECS["rnn_backward"].output("dW")
    verdict = compare(output, np.ones((2, 2)) * 2, np.ones((2, 2)), ("H", "H"))
    verdict.hint = "a hint"
    text = verdict.line()
    assert text.splitlines()[0].startswith("  FAIL  dW")
    assert "a hint" in text
    assert text.rstrip().endswith("rnn_bptt.html#equation-rnn-dw")
    passed = compare(output, np.ones((2, 2)), np.ones((2, 2)), ("H", "H"))
    assert passed.line() == "  PASS  dW            relative error 0.0e+00 (tolerance 1e-07)"
