"""Assignment 2 half derived: the gradients that flow back to the inputs
(dx, dh_prev, dh) are back-propagated, the weight gradients (dU, dW, db,
dV, dc) are vectorised finite differences. rnn_backward loops over time
with this step backward, as the assignment says; rnn_loss is the
instructor's composition of the student's pieces."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, b = cache
    da = dh * (1.0 - rnn_step_forward(x, h_prev, U, W, b)[0] ** 2)
    weights = batched_gradients(copies_scalar("batched_step", (), (dh,)), cache, only={2, 3, 4})
    return (da @ U, da @ W, *weights)


def rnn_backward(dh, cache):
    x, h0, U, W, b = cache
    h = rnn_forward(x, h0, U, W, b)[0]
    dx = np.empty(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    carried = np.zeros(h0.shape)
    for t in reversed(range(x.shape[1])):
        h_prev = h0 if t == 0 else h[:, t - 1]
        dx[:, t], carried, gU, gW, gb = rnn_step_backward(
            dh[:, t] + carried, (x[:, t], h_prev, U, W, b)
        )
        dU, dW, db = dU + gU, dW + gW, db + gb
    return dx, carried, dU, dW, db


def output_backward(do, cache):
    _, V, _ = cache
    flat = do.reshape(-1, do.shape[-1])
    weights = batched_gradients(copies_scalar("batched_output", (), (flat,)), cache, only={1, 2})
    return (do @ V, *weights)
