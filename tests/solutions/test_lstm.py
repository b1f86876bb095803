"""Tests of :mod:`solutions.lstm`: the LSTM step, the sequence and the
gradients inside one step."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

from solutions.activations import sigmoid
from solutions.gradcheck import (
    directional_error,
    lstm_backward_fd,
    lstm_step_backward_fd,
    numerical_gradient,
)
from solutions.lstm import (
    GATE_ORDER,
    lstm_backward,
    lstm_forward,
    lstm_gate_gradients,
    lstm_step_backward,
    lstm_step_forward,
    split_gates,
)
from tests.solutions.checks import assert_all_gradients_match, assert_gradient_matches
from tests.solutions.problems import TOLERANCE, RandomProblems, Shape, seeds, shapes

STEP_GRADIENTS = ("dx", "dh_prev", "dc_prev", "dU", "dW", "db")
SEQUENCE_GRADIENTS = ("dx", "dh0", "dc0", "dU", "dW", "db")


def pre_activations(x, h_prev, U, W, b) -> np.ndarray:
    """a = U x + W h_prev + b for a batch of rows, shape (N, 4H)."""
    return np.einsum("gd,nd->ng", U, x) + np.einsum("gk,nk->ng", W, h_prev) + b


def step_from_pre_activations(a, h_prev, c_prev):
    """(h, c) of lstm_step_forward as a function of its pre-activations a
    (N, 4H) alone: feeding a as the input through U = I, W = 0, b = 0 makes
    the library's own forward compute exactly the cell update from a."""
    four_h = a.shape[1]
    h, c, _ = lstm_step_forward(
        a, h_prev, c_prev, np.eye(four_h), np.zeros((four_h, four_h // 4)), np.zeros(four_h)
    )
    return h, c


def pre_activations_of_gates(gates: np.ndarray) -> np.ndarray:
    """Inverse of the gate nonlinearities: logit for i, f, o and artanh for
    g, blockwise on a (N, 4H) array of gate values stacked i, f, g, o."""
    blocks = split_gates(gates, axis=-1)
    inverse = {
        name: np.arctanh(v) if name == "g" else np.log(v / (1.0 - v)) for name, v in blocks.items()
    }
    return np.concatenate([inverse[name] for name in GATE_ORDER], axis=-1)


def upstream_objective(dh, dc, h_prev, c_prev):
    """L(a) = <h(a), dh> + <c(a), dc> for the step's pre-activations a."""

    def objective(a):
        h, c = step_from_pre_activations(a, h_prev, c_prev)
        return float(np.sum(h * dh) + np.sum(c * dc))

    return objective


# Gradients against finite differences


def test_lstm_step_backward_matches_finite_differences(problems, shape):
    """With upstream gradients on both h_t and c_t, does every gradient of
    one step match finite differences of the forward step?"""
    args = problems.lstm_step(shape)
    h, c, cache = lstm_step_forward(**args)
    dh, dc = problems.normal(*h.shape), problems.normal(*c.shape)
    numeric = lstm_step_backward_fd(dh, dc, **args)
    assert_all_gradients_match(STEP_GRADIENTS, lstm_step_backward(dh, dc, cache), numeric)


def test_lstm_backward_matches_finite_differences(problems, shape):
    """Does BPTT through the LSTM match finite differences of the whole
    forward sequence, for every argument including c0?"""
    args = problems.lstm(shape)
    h, cache = lstm_forward(**args)
    dh = problems.normal(*h.shape)
    numeric = lstm_backward_fd(dh, **args)
    assert_all_gradients_match(SEQUENCE_GRADIENTS, lstm_backward(dh, cache), numeric)


def test_lstm_backward_passes_directional_checks(problems, shape):
    """Do dU, dW and dc0 agree with random directional derivatives?"""
    args = problems.lstm(shape)
    h, cache = lstm_forward(**args)
    dh = problems.normal(*h.shape)
    _, _, dc0, dU, dW, _ = lstm_backward(dh, cache)
    for name, grad in (("U", dU), ("W", dW), ("c0", dc0)):

        def forward(value, name=name):
            return lstm_forward(**{**args, name: value})[0]

        error = directional_error(forward, args[name], grad, dh, rng=problems.rng)
        assert error <= TOLERANCE, f"lstm_backward: d{name} directional error {error:.3e}"


def test_pre_activation_gradients_match_finite_differences(problems, shape):
    """Is each block da_i, da_f, da_g, da_o (and the stacked da) the
    finite-difference gradient with respect to that block of a_t?"""
    args = problems.lstm_step(shape)
    h, c, cache = lstm_step_forward(**args)
    dh, dc = problems.normal(*h.shape), problems.normal(*c.shape)
    a = pre_activations(args["x"], args["h_prev"], args["U"], args["W"], args["b"])
    # the reparametrised forward must be the same function, or the check means nothing
    same_h, same_c = step_from_pre_activations(a, args["h_prev"], args["c_prev"])
    assert_allclose(same_h, h, rtol=1e-13, atol=1e-15)
    assert_allclose(same_c, c, rtol=1e-13, atol=1e-15)

    numeric = numerical_gradient(upstream_objective(dh, dc, args["h_prev"], args["c_prev"]), a)
    grads = lstm_gate_gradients(dh, dc, cache)
    assert_gradient_matches("da", grads.da, numeric)
    blocks = split_gates(numeric, axis=-1)
    analytic = {"i": grads.da_i, "f": grads.da_f, "g": grads.da_g, "o": grads.da_o}
    for gate in GATE_ORDER:
        assert_gradient_matches(f"da_{gate}", analytic[gate], blocks[gate])


def test_gate_activation_gradients_match_finite_differences(problems, shape):
    """Are di, df, dg and do the finite-difference gradients of the loss
    with respect to the gate values themselves?"""
    args = problems.lstm_step(shape)
    h, c, cache = lstm_step_forward(**args)
    dh, dc = problems.normal(*h.shape), problems.normal(*c.shape)
    gates = np.concatenate([cache.i, cache.f, cache.g, cache.o], axis=-1)
    objective = upstream_objective(dh, dc, args["h_prev"], args["c_prev"])
    numeric = split_gates(
        numerical_gradient(lambda g: objective(pre_activations_of_gates(g)), gates), axis=-1
    )
    grads = lstm_gate_gradients(dh, dc, cache)
    analytic = {"i": grads.di, "f": grads.df, "g": grads.dg, "o": grads.do}
    for gate in GATE_ORDER:
        assert_gradient_matches(f"d{gate}", analytic[gate], numeric[gate])


def test_total_cell_gradient_matches_finite_differences(problems, shape):
    """Is the gate-gradient dc the derivative of <h_t, dh> + <c_t, dc> with
    respect to c_t, where h_t = o_t tanh(c_t) also depends on c_t?"""
    args = problems.lstm_step(shape)
    h, c, cache = lstm_step_forward(**args)
    dh, dc = problems.normal(*h.shape), problems.normal(*c.shape)
    numeric = numerical_gradient(
        lambda cell: np.sum(cache.o * np.tanh(cell) * dh) + np.sum(cell * dc), c
    )
    assert_gradient_matches("dc", lstm_gate_gradients(dh, dc, cache).dc, numeric)


def test_bias_gradient_is_pre_activation_gradient_for_one_sample(problems):
    """For N = 1, is db of the step exactly da, block by block, and both
    the finite-difference gradient with respect to b?"""
    step_args = problems.lstm_step(Shape(N=1, T=1, D=3, H=2, K=2))
    h, c, cache = lstm_step_forward(**step_args)
    dh, dc = problems.normal(*h.shape), problems.normal(*c.shape)
    db = lstm_step_backward(dh, dc, cache)[-1]
    grads = lstm_gate_gradients(dh, dc, cache)
    assert_allclose(db, grads.da[0], rtol=1e-15, atol=0)

    def objective(b):
        h_next, c_next, _ = lstm_step_forward(**{**step_args, "b": b})
        return np.sum(h_next * dh) + np.sum(c_next * dc)

    numeric = split_gates(numerical_gradient(objective, step_args["b"]))
    analytic = {"i": grads.da_i, "f": grads.da_f, "g": grads.da_g, "o": grads.da_o}
    for gate in GATE_ORDER:
        assert_gradient_matches(f"db_{gate}", analytic[gate][0], numeric[gate])


# Known values


def test_gates_are_stacked_i_f_g_o(problems):
    """With U = W = 0, is the step the book's update from the bias blocks
    taken in the order i, f, g, o?"""
    n, d, hidden = 2, 3, 2
    b = problems.normal(4 * hidden)
    c_prev = problems.normal(n, hidden)
    h, c, _ = lstm_step_forward(
        problems.normal(n, d), problems.normal(n, hidden), c_prev,
        np.zeros((4 * hidden, d)), np.zeros((4 * hidden, hidden)), b,
    )  # fmt: skip
    assert GATE_ORDER == ("i", "f", "g", "o")
    b_i, b_f, b_g, b_o = (b[k * hidden : (k + 1) * hidden] for k in range(4))
    expected_c = 1 / (1 + np.exp(-b_f)) * c_prev + 1 / (1 + np.exp(-b_i)) * np.tanh(b_g)
    assert_allclose(c, expected_c, rtol=1e-13)
    assert_allclose(h, 1 / (1 + np.exp(-b_o)) * np.tanh(expected_c), rtol=1e-13)


def test_split_gates_returns_views_in_gate_order():
    """Does split_gates give the four consecutive blocks, keyed i, f, g, o,
    as views along the requested axis?"""
    stacked = np.arange(24.0).reshape(3, 8)
    blocks = split_gates(stacked, axis=-1)
    assert list(blocks) == ["i", "f", "g", "o"]
    for k, gate in enumerate(GATE_ORDER):
        assert_allclose(blocks[gate], stacked[:, 2 * k : 2 * k + 2], rtol=0, atol=0)
        assert np.shares_memory(blocks[gate], stacked)
    assert split_gates(np.arange(8.0))["g"].tolist() == [4.0, 5.0]


def test_lstm_forward_chains_the_step(problems, shape):
    """Is h_t of lstm_forward the step applied to (h_{t-1}, c_{t-1})?"""
    args = problems.lstm(shape)
    h, _ = lstm_forward(**args)
    h_prev, c_prev = args["h0"], args["c0"]
    for t in range(shape.T):
        h_prev, c_prev, _ = lstm_step_forward(
            args["x"][:, t], h_prev, c_prev, args["U"], args["W"], args["b"]
        )
        assert_allclose(h[:, t], h_prev, rtol=1e-14, atol=1e-15, err_msg=f"step {t}")


def test_lstm_backward_of_one_step_is_the_step_backward(problems):
    """For T = 1, is lstm_backward the step backward with no upstream on c?"""
    x, h0, c0 = problems.normal(2, 1, 3), problems.normal(2, 4), problems.normal(2, 4)
    U, W, b = problems.weights(16, 3), problems.weights(16, 4), problems.weights(16)
    _, cache = lstm_forward(x, h0, c0, U, W, b)
    _, _, step_cache = lstm_step_forward(x[:, 0], h0, c0, U, W, b)
    dh = problems.normal(2, 1, 4)
    sequence = lstm_backward(dh, cache)
    step = lstm_step_backward(dh[:, 0], np.zeros((2, 4)), step_cache)
    assert_allclose(sequence[0][:, 0], step[0], rtol=1e-15, atol=0, err_msg="dx")
    for name, from_sequence, from_step in zip(
        SEQUENCE_GRADIENTS[1:], sequence[1:], step[1:], strict=True
    ):
        assert_allclose(from_sequence, from_step, rtol=1e-15, atol=0, err_msg=name)


def test_open_forget_gate_carries_the_cell_gradient_unchanged(problems):
    """With the forget gate saturated open (f = 1) and the input gate shut
    (i = 0), is c_t = c_{t-1} and dc_{t-1} = dc_t + dh_t o_t tanh'(c_t)?"""
    n, d, hidden = 2, 3, 2
    b = np.zeros(4 * hidden)
    blocks = split_gates(b)  # views: writing them sets the bias blocks
    blocks["i"][:] = -40.0
    blocks["f"][:] = 40.0
    c_prev = problems.normal(n, hidden)
    _, c, cache = lstm_step_forward(
        problems.normal(n, d), problems.normal(n, hidden), c_prev,
        np.zeros((4 * hidden, d)), np.zeros((4 * hidden, hidden)), b,
    )  # fmt: skip
    assert_allclose(c, c_prev, rtol=1e-15)
    dh, dc = problems.normal(n, hidden), problems.normal(n, hidden)
    dc_prev = lstm_step_backward(dh, dc, cache)[2]
    through_h = dh * cache.o * (1 - np.tanh(c) ** 2)
    assert_allclose(dc_prev, dc + through_h, rtol=1e-15, atol=1e-17)
    assert_allclose(cache.o, sigmoid(0.0), rtol=0)


# Properties over random shapes and seeds


@settings(max_examples=10, deadline=None)
@given(seed=seeds, shape=shapes)
def test_lstm_backward_holds_for_random_problems(seed, shape):
    """For random sizes and values, does LSTM BPTT match finite differences?"""
    problems = RandomProblems(np.random.default_rng(seed))
    args = problems.lstm(shape)
    h, cache = lstm_forward(**args)
    dh = problems.normal(*h.shape)
    numeric = lstm_backward_fd(dh, **args)
    assert_all_gradients_match(
        SEQUENCE_GRADIENTS, lstm_backward(dh, cache), numeric, common_scale=True
    )


@settings(max_examples=10, deadline=None)
@given(seed=seeds, shape=shapes)
def test_stacked_pre_activation_gradient_holds_for_random_problems(seed, shape):
    """For random sizes, is da the finite-difference gradient with respect
    to the pre-activations, and db its sum over the batch?"""
    problems = RandomProblems(np.random.default_rng(seed))
    args = problems.lstm_step(shape)
    h, c, cache = lstm_step_forward(**args)
    dh, dc = problems.normal(*h.shape), problems.normal(*c.shape)
    a = pre_activations(args["x"], args["h_prev"], args["U"], args["W"], args["b"])
    numeric = numerical_gradient(upstream_objective(dh, dc, args["h_prev"], args["c_prev"]), a)
    grads = lstm_gate_gradients(dh, dc, cache)
    assert_gradient_matches("da", grads.da, numeric)
    db = lstm_step_backward(dh, dc, cache)[-1]
    assert_allclose(db, grads.da.sum(axis=0), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("scale", [10.0, 1e3])
def test_saturated_gates_give_finite_gradients(problems, shape, scale):
    """With weights large enough to saturate every gate, are the outputs and
    all gradients finite?"""
    args = problems.lstm(shape)
    for name in ("U", "W", "b"):
        args[name] = scale * args[name]
    h, cache = lstm_forward(**args)
    assert np.all(np.isfinite(h))
    grads = lstm_backward(np.ones_like(h), cache)
    for name, grad in zip(SEQUENCE_GRADIENTS, grads, strict=True):
        assert np.all(np.isfinite(grad)), f"{name} is not finite"
