"""Tests of the harness shared by visible checks and hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.harness import checks
from solutions import gradcheck, lstm, rnn, softmax

REFERENCE_FUNCTIONS = {
    **{
        name: getattr(rnn, name)
        for name in (
            "rnn_step_forward",
            "rnn_step_backward",
            "rnn_forward",
            "rnn_backward",
            "output_forward",
            "output_backward",
            "rnn_loss",
        )
    },
    **{
        name: getattr(lstm, name)
        for name in ("lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward")
    },
    **{
        name: getattr(softmax, name)
        for name in (
            "softmax",
            "softmax_jacobian",
            "softmax_cross_entropy",
            "temporal_softmax_loss",
        )
    },
    "rel_error": gradcheck.rel_error,
    "numerical_gradient": gradcheck.numerical_gradient,
}


def test_every_spec_has_public_inputs_of_the_declared_shapes():
    """Does every spec build public inputs whose shapes follow its axes?"""
    for name, spec in checks.SPECS.items():
        inputs = checks.public_inputs(name)
        assert set(inputs) == {n for n, _ in (*spec.args, *spec.upstream)}, name
        for arg, axes in (*spec.args, *spec.upstream):
            assert inputs[arg].ndim == len(axes), (name, arg)


@pytest.mark.parametrize(
    "name", [n for n, s in checks.SPECS.items() if any(o.of for o in s.outputs)]
)
def test_reference_gradients_pass_the_visible_check(name, capsys):
    """Do the reference implementations pass the students' gradient check?"""
    spec = checks.SPECS[name]
    checks.check_gradients(*(REFERENCE_FUNCTIONS[f] for f in spec.functions), name=name)
    assert "FAIL" not in capsys.readouterr().out


def _wrong_rnn_backward_from_step_t_plus_1(dh, cache):
    """BPTT that forgets the gradient carried in from step t+1."""
    steps = cache.steps
    dx = np.empty((dh.shape[0], len(steps), steps[0].x.shape[1]))
    total = [np.zeros_like(steps[0].U), np.zeros_like(steps[0].W), np.zeros(dh.shape[2])]
    dh_prev = None
    for t in reversed(range(len(steps))):
        dx[:, t], dh_prev, *grads = rnn.rnn_step_backward(dh[:, t], steps[t])
        total = [a + g for a, g in zip(total, grads, strict=True)]
    return dx, dh_prev, *total


def test_a_missing_carry_is_located_one_step_before_the_end(capsys):
    """Does the check say that dx is right at the last step and wrong before it?"""
    with pytest.raises(checks.CheckFailed, match="dx"):
        checks.check_gradients(
            rnn.rnn_forward, _wrong_rnn_backward_from_step_t_plus_1, name="rnn_backward"
        )
    out = capsys.readouterr().out
    assert "FAIL  dx" in out
    assert "first wrong at t = 1 of 0..2, going backwards" in out
    assert "rnn-dh-recursion" in out


def test_a_wrong_gate_block_is_named():
    """Does compare() name the gate block of dU that differs, and only it?"""
    reference = np.arange(1.0, 1 + 8 * 3).reshape(8, 3)  # H = 2
    value = reference.copy()
    value[2:4] *= 1.5  # the forget-gate rows
    verdict = checks.compare(checks.SPECS["lstm_backward"].outputs[3], value, reference, 1e-7)
    assert not verdict.passed
    assert "gate block(s) f " in verdict.where
    assert "blocks i, g, o are right" in verdict.where


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (np.zeros((2, 3), dtype=np.float32), "dtype float32"),
        (np.zeros((3, 2)), "shape (3, 2)"),
        (np.full((2, 3), np.nan), "NaN"),
        ([[0.0] * 3] * 2, "is a list"),
    ],
)
def test_values_that_cannot_be_compared_fail_with_the_reason(value, problem):
    """Are wrong dtypes, shapes, NaN and non-arrays failures that say why?"""
    output = checks.SPECS["softmax"].outputs[0]
    verdict = checks.compare(output, value, np.zeros((2, 3)), 1e-6)
    assert not verdict.passed
    assert problem in verdict.problem


def test_an_always_equal_object_is_not_an_array():
    """Does an object whose == is always True fail instead of passing?"""

    class AlwaysEqual:
        def __eq__(self, other):
            return True

        __hash__ = None

    output = checks.SPECS["softmax"].outputs[0]
    verdict = checks.compare(output, AlwaysEqual(), np.zeros((2, 3)), 1e-6)
    assert not verdict.passed


def test_numerical_gradient_check_catches_a_one_sided_difference(capsys):
    """Is a forward difference (error O(h)) caught by the numerical_gradient check?"""

    def forward_difference(f, x, df=None, h=1e-5):
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        base = np.sum(f(x) * df)
        for k in range(x.size):
            step = x.copy()
            step.flat[k] += h
            grad.flat[k] = (np.sum(f(step) * df) - base) / h
        return grad

    with pytest.raises(checks.CheckFailed, match="grad"):
        checks.check_numerical_gradient(forward_difference)
    checks.check_numerical_gradient(gradcheck.numerical_gradient)
    assert "2 of 2 outputs correct" in capsys.readouterr().out


def test_the_shipped_relative_error_is_the_reference_one(rng):
    """Does the harness measure errors exactly as solutions.gradcheck.rel_error does?"""
    for shape in [(3, 4), (1,), (2, 0)]:
        a = rng.standard_normal(shape)
        b = a + 1e-6 * rng.standard_normal(shape)
        assert checks.relative_error(a, b) == gradcheck.rel_error(a, b)
    zeros = np.zeros(5)
    assert checks.relative_error(zeros, zeros) == gradcheck.rel_error(zeros, zeros) == 0.0
