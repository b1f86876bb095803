"""Tests of :mod:`solutions.univariate_lstm`, the all-scalar LSTM."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from solutions.gradcheck import directional_error, numerical_gradient, univariate_lstm_backward_fd
from solutions.lstm import lstm_backward, lstm_forward
from solutions.univariate_lstm import (
    WEIGHT_NAMES,
    univariate_lstm_backward,
    univariate_lstm_forward,
)
from tests.solutions.checks import assert_all_gradients_match, assert_gradient_matches
from tests.solutions.problems import TOLERANCE, RandomProblems, seeds

LENGTHS = (1, 2, 5)
OUTPUT_WEIGHTS = ("W_y", "W_y0")


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def tail_objective(dy, x, weights, t):
    """<y_{t..T-1}, dy_{t..T-1}> as a function of (h_t, C_t): the output at
    step t plus the forward run of the remaining inputs from that state."""

    def objective(h_t, c_t):
        y_t = logistic(weights["W_y"] * h_t + weights["W_y0"])
        rest, _ = univariate_lstm_forward(x[t + 1 :], weights, h_t, c_t)
        return dy[t] * y_t + float(np.dot(rest, dy[t + 1 :]))

    return objective


def scalar_derivative(f, value: float) -> float:
    """Centred difference of a scalar function at a scalar point."""
    return float(numerical_gradient(lambda v: f(float(v)), np.array(value)))


def assert_time_gradient(name: str, analytic: np.ndarray, numeric: list[float]) -> None:
    assert_gradient_matches(name, analytic, np.array(numeric))


def as_lstm_parameters(weights):
    """The same network as a one-unit LSTM of solutions.lstm: U (4, 1),
    W (4, 1), b (4,), rows in the order i, f, g, o (g is the candidate C~)."""
    order = ("i", "f", "c", "o")
    U = np.array([[weights[f"W_x{gate}"]] for gate in order])
    W = np.array([[weights[f"W_h{gate}"]] for gate in order])
    b = np.array([weights[f"W_{gate}0"] for gate in order])
    return U, W, b


# Gradients against finite differences


@pytest.mark.parametrize("length", LENGTHS)
def test_weight_input_and_initial_state_gradients_match_finite_differences(problems, length):
    """Do the gradients of every weight (W_hi summed over time included),
    of every input, of h0 and of C0 match finite differences?"""
    args = problems.univariate(length)
    _, cache = univariate_lstm_forward(**args)
    dy = problems.normal(length)
    grads = univariate_lstm_backward(dy, cache)
    dweights, dx, dh0, dc0 = univariate_lstm_backward_fd(dy, **args)
    assert sorted(grads.weights) == sorted(WEIGHT_NAMES)
    # Each weight's gradient is one scalar, a sum over time that may nearly
    # cancel: its error is measured against the largest gradient of the model.
    assert_all_gradients_match(
        (*WEIGHT_NAMES, "dx", "dh0", "dc0"),
        [*(grads.weights[name] for name in WEIGHT_NAMES), grads.dx, grads.dh0, grads.dc0],
        [*(dweights[name] for name in WEIGHT_NAMES), dx, dh0, dc0],
        common_scale=True,
    )


@pytest.mark.parametrize("length", LENGTHS)
def test_hidden_and_cell_gradients_at_every_step_match_finite_differences(problems, length):
    """Is dh[t] the derivative of the loss with respect to h_t (C_t held),
    and dc[t] the one with respect to C_t (h_t = o_t tanh(C_t) following)?"""
    args = problems.univariate(length)
    x, weights = args["x"], args["weights"]
    _, cache = univariate_lstm_forward(**args)
    dy = problems.normal(length)
    grads = univariate_lstm_backward(dy, cache)
    dh, dc = [], []
    for t in range(length):
        tail = tail_objective(dy, x, weights, t)
        c_t = cache.f[t] * cache.c_prev[t] + cache.i[t] * cache.c_tilde[t]
        h_t = cache.o[t] * math.tanh(c_t)
        dh.append(scalar_derivative(lambda h, c_t=c_t, tail=tail: tail(h, c_t), h_t))
        dc.append(
            scalar_derivative(lambda c, o=cache.o[t], tail=tail: tail(o * math.tanh(c), c), c_t)
        )
    assert_time_gradient("dh", grads.dh, dh)
    assert_time_gradient("dc", grads.dc, dc)


@pytest.mark.parametrize("length", LENGTHS)
def test_gate_gradients_at_every_step_match_finite_differences(problems, length):
    """Are df, di, do and dc_tilde at each step the derivatives of the loss
    with respect to that step's gate values?"""
    args = problems.univariate(length)
    x, weights = args["x"], args["weights"]
    _, cache = univariate_lstm_forward(**args)
    dy = problems.normal(length)
    grads = univariate_lstm_backward(dy, cache)
    numeric = {name: [] for name in ("f", "i", "o", "c_tilde")}
    for t in range(length):
        tail = tail_objective(dy, x, weights, t)
        gates = dict(f=cache.f[t], i=cache.i[t], o=cache.o[t], c_tilde=cache.c_tilde[t])

        def loss_of(name, value, t=t, tail=tail, gates=gates):
            g = {**gates, name: value}
            c_t = g["f"] * cache.c_prev[t] + g["i"] * g["c_tilde"]
            return tail(g["o"] * math.tanh(c_t), c_t)

        for name, value in gates.items():
            numeric[name].append(scalar_derivative(lambda v, n=name: loss_of(n, v), value))
    assert_time_gradient("df", grads.df, numeric["f"])
    assert_time_gradient("di", grads.di, numeric["i"])
    assert_time_gradient("do", grads.do, numeric["o"])
    assert_time_gradient("dc_tilde", grads.dc_tilde, numeric["c_tilde"])


def test_weight_gradients_pass_a_directional_check(problems):
    """Does the vector of all 14 weight gradients agree with random
    directional derivatives of the forward pass?"""
    args = problems.univariate(6)
    _, cache = univariate_lstm_forward(**args)
    dy = problems.normal(6)
    grads = univariate_lstm_backward(dy, cache)
    vector = np.array([args["weights"][name] for name in WEIGHT_NAMES])
    analytic = np.array([grads.weights[name] for name in WEIGHT_NAMES])

    def forward(values):
        weights = dict(zip(WEIGHT_NAMES, values.tolist(), strict=True))
        return univariate_lstm_forward(args["x"], weights, args["h0"], args["c0"])[0]

    error = directional_error(forward, vector, analytic, dy, num_directions=5, rng=problems.rng)
    assert error <= TOLERANCE, f"univariate_lstm_backward: directional error {error:.3e}"


# Known values


def test_w_hi_gradient_is_the_sum_over_time_of_its_step_terms(problems):
    """Is dL/dW_hi = sum_t h_{t-1} i_t (1 - i_t) dL/di_t (equation ulstm-dWhi)?"""
    args = problems.univariate(5)
    _, cache = univariate_lstm_forward(**args)
    grads = univariate_lstm_backward(problems.normal(5), cache)
    expected = np.sum(cache.h_prev * cache.i * (1 - cache.i) * grads.di)
    assert_allclose(grads.weights["W_hi"], expected, rtol=1e-13, atol=1e-15)


def test_one_step_forward_matches_hand_computation(problems):
    """For T = 1, is y the source's formulas evaluated with math.exp?"""
    args = problems.univariate(1)
    w, x, h0, c0 = args["weights"], float(args["x"][0]), args["h0"], args["c0"]
    f = logistic(w["W_hf"] * h0 + w["W_xf"] * x + w["W_f0"])
    i = logistic(w["W_hi"] * h0 + w["W_xi"] * x + w["W_i0"])
    o = logistic(w["W_ho"] * h0 + w["W_xo"] * x + w["W_o0"])
    c_tilde = math.tanh(w["W_hc"] * h0 + w["W_xc"] * x + w["W_c0"])
    h = o * math.tanh(f * c0 + i * c_tilde)
    y, _ = univariate_lstm_forward(**args)
    assert_allclose(y, [logistic(w["W_y"] * h + w["W_y0"])], rtol=1e-14)


@pytest.mark.parametrize("length", LENGTHS)
def test_agrees_with_a_one_unit_lstm(problems, length):
    """Is the scalar LSTM the H = D = 1 case of solutions.lstm with a
    sigmoid output, forward and backward?"""
    args = problems.univariate(length)
    w = args["weights"]
    U, W, b = as_lstm_parameters(w)
    h, lstm_cache = lstm_forward(
        args["x"].reshape(1, length, 1), [[args["h0"]]], [[args["c0"]]], U, W, b
    )
    y, cache = univariate_lstm_forward(**args)
    assert_allclose(y, 1 / (1 + np.exp(-(w["W_y"] * h[0, :, 0] + w["W_y0"]))), rtol=1e-13)

    dy = problems.normal(length)
    grads = univariate_lstm_backward(dy, cache)
    dh = (dy * y * (1 - y) * w["W_y"]).reshape(1, length, 1)
    dx, dh0, dc0, dU, dW, db = lstm_backward(dh, lstm_cache)
    assert_allclose(grads.dx, dx[0, :, 0], rtol=1e-12, atol=1e-14, err_msg="dx")
    assert_allclose(grads.dh0, dh0[0, 0], rtol=1e-12, atol=1e-14, err_msg="dh0")
    assert_allclose(grads.dc0, dc0[0, 0], rtol=1e-12, atol=1e-14, err_msg="dc0")
    for row, gate in enumerate(("i", "f", "c", "o")):
        for name, value in ((f"W_x{gate}", dU), (f"W_h{gate}", dW)):
            assert_allclose(grads.weights[name], value[row, 0], rtol=1e-12, atol=1e-14,
                            err_msg=name)  # fmt: skip
        assert_allclose(grads.weights[f"W_{gate}0"], db[row], rtol=1e-12, atol=1e-14)


def test_empty_sequence_has_zero_gradients(problems):
    """For T = 0, is the output empty and is every gradient zero?"""
    args = problems.univariate(0)
    y, cache = univariate_lstm_forward(**args)
    grads = univariate_lstm_backward(np.zeros(0), cache)
    assert y.shape == (0,)
    assert all(value == 0.0 for value in grads.weights.values())
    assert grads.dh0 == 0.0 and grads.dc0 == 0.0


def test_saturated_gates_give_finite_gradients(problems):
    """With gate weights 30 times larger, so that every gate is pinned at
    0 or 1, are the outputs and all gradients finite?"""
    args = problems.univariate(6)
    args["weights"] = {
        name: value if name in OUTPUT_WEIGHTS else 30.0 * value
        for name, value in args["weights"].items()
    }
    y, cache = univariate_lstm_forward(**args)
    grads = univariate_lstm_backward(np.ones_like(y), cache)
    values = [*grads.weights.values(), *grads.dx, grads.dh0, grads.dc0, *grads.dh, *grads.dc]
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(values))


# Properties over random shapes and seeds


@settings(max_examples=15, deadline=None)
@given(seed=seeds, length=st.integers(1, 8), gate_scale=st.sampled_from([0.1, 0.3, 1.0]))
def test_gradients_hold_for_random_sequences(seed, length, gate_scale):
    """For random lengths, inputs and scales of the gate weights (from
    nearly linear gates to gate weights of about +-3), do all weight, input
    and initial-state gradients match finite differences?"""
    problems = RandomProblems(np.random.default_rng(seed))
    args = problems.univariate(length)
    # The output weights keep their scale: a saturated output sigmoid would
    # shrink every gradient below the finite difference's noise.
    args["weights"] = {
        name: value if name in OUTPUT_WEIGHTS else gate_scale * value
        for name, value in args["weights"].items()
    }
    _, cache = univariate_lstm_forward(**args)
    dy = problems.normal(length)
    grads = univariate_lstm_backward(dy, cache)
    dweights, dx, dh0, dc0 = univariate_lstm_backward_fd(dy, **args)
    assert_all_gradients_match(
        (*WEIGHT_NAMES, "dx", "dh0", "dc0"),
        [*(grads.weights[name] for name in WEIGHT_NAMES), grads.dx, grads.dh0, grads.dc0],
        [*(dweights[name] for name in WEIGHT_NAMES), dx, dh0, dc0],
        common_scale=True,
    )
