"""Tests of :mod:`solutions.rnn`: the vanilla RNN and its output layer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from solutions.gradcheck import (
    directional_error,
    numerical_gradient,
    output_backward_fd,
    rnn_backward_fd,
    rnn_loss_fd,
    rnn_step_backward_fd,
)
from solutions.rnn import (
    output_backward,
    output_forward,
    rnn_backward,
    rnn_forward,
    rnn_loss,
    rnn_step_backward,
    rnn_step_forward,
)
from solutions.softmax import temporal_softmax_loss
from tests.solutions.checks import assert_all_gradients_match
from tests.solutions.problems import TOLERANCE, RandomProblems, seeds, shapes

STEP_GRADIENTS = ("dx", "dh_prev", "dU", "dW", "db")
SEQUENCE_GRADIENTS = ("dx", "dh0", "dU", "dW", "db")
MODEL_GRADIENTS = ("dh0", "dU", "dW", "db", "dV", "dc")

# Gradients against finite differences


def test_rnn_step_backward_matches_finite_differences(problems, shape):
    """Does every gradient of one step match finite differences of the
    forward step?"""
    args = problems.rnn_step(shape)
    h, cache = rnn_step_forward(**args)
    dh = problems.normal(*h.shape)
    numeric = rnn_step_backward_fd(dh, **args)
    assert_all_gradients_match(STEP_GRADIENTS, rnn_step_backward(dh, cache), numeric)


def test_rnn_backward_matches_finite_differences(problems, shape):
    """Does back-propagation through time match finite differences of the
    whole forward sequence, for every argument?"""
    args = problems.rnn(shape)
    h, cache = rnn_forward(**args)
    dh = problems.normal(*h.shape)
    numeric = rnn_backward_fd(dh, **args)
    assert_all_gradients_match(SEQUENCE_GRADIENTS, rnn_backward(dh, cache), numeric)


@pytest.mark.parametrize("with_time", [True, False], ids=["h-NTH", "h-NH"])
def test_output_backward_matches_finite_differences(problems, shape, with_time):
    """Do dh, dV and dc of the output layer match finite differences, for
    h of shape (N, T, H) and (N, H)?"""
    args = problems.output(shape, with_time=with_time)
    o, cache = output_forward(**args)
    do = problems.normal(*o.shape)
    numeric = output_backward_fd(do, **args)
    assert_all_gradients_match(("dh", "dV", "dc"), output_backward(do, cache), numeric)


def test_rnn_backward_passes_directional_checks(problems, shape):
    """Do the recurrent-weight and input gradients agree with random
    directional derivatives of the forward sequence?"""
    args = problems.rnn(shape)
    h, cache = rnn_forward(**args)
    dh = problems.normal(*h.shape)
    dx, _, _, dW, _ = rnn_backward(dh, cache)
    for name, grad in (("W", dW), ("x", dx)):

        def forward(value, name=name):
            return rnn_forward(**{**args, name: value})[0]

        error = directional_error(forward, args[name], grad, dh, rng=problems.rng)
        assert error <= TOLERANCE, f"rnn_backward: d{name} directional error {error:.3e}"


def test_loss_through_rnn_and_output_layer_matches_finite_differences(problems, shape):
    """Chained as rnn -> output layer -> temporal loss, do the backward
    passes give the finite-difference gradient of the loss for W and h0?"""
    args = problems.rnn(shape)
    out = problems.output(shape)
    y = problems.labels(shape.N, shape.T, num_classes=shape.K)

    def loss_of(**changed):
        h, _ = rnn_forward(**{**args, **changed})
        o, _ = output_forward(h, out["V"], out["c"])
        return temporal_softmax_loss(o, y)[0]

    h, rnn_cache = rnn_forward(**args)
    o, out_cache = output_forward(h, out["V"], out["c"])
    _, do = temporal_softmax_loss(o, y)
    dh, _, _ = output_backward(do, out_cache)
    _, dh0, _, dW, _ = rnn_backward(dh, rnn_cache)
    numeric_dW = numerical_gradient(lambda W: loss_of(W=W), args["W"])
    numeric_dh0 = numerical_gradient(lambda h0: loss_of(h0=h0), args["h0"])
    assert_all_gradients_match(("dW", "dh0"), (dW, dh0), (numeric_dW, numeric_dh0))


@pytest.mark.parametrize("masked", [False, True], ids=["no-mask", "mask"])
def test_rnn_loss_matches_finite_differences(problems, shape, masked):
    """Are the six parameter gradients of the whole model's loss the
    finite-difference gradients of that loss, with and without a mask?"""
    args = problems.rnn_model(shape)
    mask = problems.mask(shape.N, shape.T) if masked else None
    _, *grads = rnn_loss(**args, mask=mask)
    assert_all_gradients_match(MODEL_GRADIENTS, grads, rnn_loss_fd(**args, mask=mask))


# Known values


def test_rnn_loss_is_the_chain_of_the_three_layers(problems, shape):
    """Is rnn_loss exactly rnn_forward -> output_forward ->
    temporal_softmax_loss, with the backward passes chained in reverse?"""
    args = problems.rnn_model(shape)
    mask = problems.mask(shape.N, shape.T)
    h, rnn_cache = rnn_forward(args["x"], args["h0"], args["U"], args["W"], args["b"])
    o, out_cache = output_forward(h, args["V"], args["c"])
    loss, do = temporal_softmax_loss(o, args["y"], mask)
    dh, dV, dc = output_backward(do, out_cache)
    _, dh0, dU, dW, db = rnn_backward(dh, rnn_cache)
    expected = (loss, dh0, dU, dW, db, dV, dc)
    for name, got, want in zip(("loss", *MODEL_GRADIENTS), rnn_loss(**args, mask=mask),
                               expected, strict=True):  # fmt: skip
        assert_allclose(got, want, rtol=1e-14, atol=1e-16, err_msg=name)


def test_rnn_step_forward_is_tanh_of_affine_map(problems, shape):
    """Is h = tanh(x U^T + h_prev W^T + b), written with einsum?"""
    args = problems.rnn_step(shape)
    expected = np.tanh(
        np.einsum("hd,nd->nh", args["U"], args["x"])
        + np.einsum("hk,nk->nh", args["W"], args["h_prev"])
        + args["b"]
    )
    h, _ = rnn_step_forward(**args)
    assert_allclose(h, expected, rtol=1e-13, atol=1e-15)


def test_rnn_forward_chains_the_step(problems, shape):
    """Is rnn_forward's h_t the step applied to h_{t-1}, starting at h0?"""
    args = problems.rnn(shape)
    h, _ = rnn_forward(**args)
    h_prev = args["h0"]
    for t in range(shape.T):
        h_prev, _ = rnn_step_forward(args["x"][:, t], h_prev, args["U"], args["W"], args["b"])
        assert_allclose(h[:, t], h_prev, rtol=1e-14, atol=1e-15, err_msg=f"step {t}")


def test_rnn_with_zero_weights_outputs_tanh_of_bias(problems):
    """With U = 0 and W = 0, is every h_t equal to tanh(b), and are the
    input and h0 gradients zero?"""
    n, t, d, h = 2, 3, 4, 3
    b = problems.normal(h)
    hs, cache = rnn_forward(
        problems.normal(n, t, d), problems.normal(n, h), np.zeros((h, d)), np.zeros((h, h)), b
    )
    assert_allclose(hs, np.broadcast_to(np.tanh(b), (n, t, h)), rtol=1e-15)
    dx, dh0, _, _, db = rnn_backward(np.ones((n, t, h)), cache)
    assert not np.any(dx) and not np.any(dh0)
    assert_allclose(db, n * t * (1 - np.tanh(b) ** 2), rtol=1e-14)


def test_rnn_backward_of_one_step_is_the_step_backward(problems):
    """For T = 1, does rnn_backward give exactly rnn_step_backward's result?"""
    x = problems.normal(2, 1, 3)
    h0 = problems.normal(2, 4)
    U, W, b = problems.weights(4, 3), problems.weights(4, 4), problems.weights(4)
    _, cache = rnn_forward(x, h0, U, W, b)
    _, step_cache = rnn_step_forward(x[:, 0], h0, U, W, b)
    dh = problems.normal(2, 1, 4)
    sequence = rnn_backward(dh, cache)
    step = rnn_step_backward(dh[:, 0], step_cache)
    assert_allclose(sequence[0][:, 0], step[0], rtol=1e-15, atol=0, err_msg="dx")
    for name, from_sequence, from_step in zip(
        SEQUENCE_GRADIENTS[1:], sequence[1:], step[1:], strict=True
    ):
        assert_allclose(from_sequence, from_step, rtol=1e-15, atol=0, err_msg=name)


def test_output_layer_is_affine_at_every_step(problems, shape):
    """Is o = h V^T + c at every (n, t), and are dV and dc summed over both?"""
    args = problems.output(shape)
    o, cache = output_forward(**args)
    expected = np.einsum("kh,nth->ntk", args["V"], args["h"]) + args["c"]
    assert_allclose(o, expected, rtol=1e-13, atol=1e-15)
    do = problems.normal(*o.shape)
    _, dV, dc = output_backward(do, cache)
    assert_allclose(dV, np.einsum("ntk,nth->kh", do, args["h"]), rtol=1e-12, atol=1e-14)
    assert_allclose(dc, do.sum(axis=(0, 1)), rtol=1e-12, atol=1e-14)


# Properties over random shapes and seeds


@settings(max_examples=12, deadline=None)
@given(seed=seeds, shape=shapes)
def test_rnn_backward_holds_for_random_problems(seed, shape):
    """For random sizes and values, does BPTT match finite differences?"""
    problems = RandomProblems(np.random.default_rng(seed))
    args = problems.rnn(shape)
    h, cache = rnn_forward(**args)
    dh = problems.normal(*h.shape)
    numeric = rnn_backward_fd(dh, **args)
    assert_all_gradients_match(
        SEQUENCE_GRADIENTS, rnn_backward(dh, cache), numeric, common_scale=True
    )


@settings(max_examples=10, deadline=None)
@given(seed=seeds, shape=shapes, masked=st.booleans())
def test_rnn_loss_holds_for_random_problems(seed, shape, masked):
    """For random sizes, labels and masks, does the model's loss gradient
    match finite differences?"""
    problems = RandomProblems(np.random.default_rng(seed))
    args = problems.rnn_model(shape)
    mask = problems.mask(shape.N, shape.T) if masked else None
    _, *grads = rnn_loss(**args, mask=mask)
    numeric = rnn_loss_fd(**args, mask=mask)
    assert_all_gradients_match(MODEL_GRADIENTS, grads, numeric, common_scale=True)


@settings(max_examples=12, deadline=None)
@given(seed=seeds, shape=shapes)
def test_hidden_states_stay_in_the_unit_interval(seed, shape):
    """For random sizes and weights up to 10 times larger, does every
    hidden state satisfy |h| <= 1 and is the backward finite?"""
    problems = RandomProblems(np.random.default_rng(seed))
    args = problems.rnn(shape)
    args["W"] = 10 * args["W"]
    h, cache = rnn_forward(**args)
    assert np.all(np.abs(h) <= 1.0)
    grads = rnn_backward(np.ones_like(h), cache)
    assert all(np.all(np.isfinite(g)) for g in grads)
