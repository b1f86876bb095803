"""Assignment 3 half derived: the gate gradients and what flows back to
the inputs (dx, dh_prev, dc_prev) are back-propagated; the weight
gradients (dU, dW, db) are vectorised finite differences, at every step
(lstm_backward loops over time with this step backward)."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, b = cache
    hidden = h_prev.shape[1]
    a = x @ U.T + h_prev @ W.T + b
    i, f, o = (
        sigmoid(a[:, :hidden]),
        sigmoid(a[:, hidden : 2 * hidden]),
        sigmoid(a[:, 3 * hidden :]),
    )
    g = np.tanh(a[:, 2 * hidden : 3 * hidden])
    tanh_c = np.tanh(f * c_prev + i * g)
    dc_total = dc + dh * o * (1.0 - tanh_c**2)
    da = np.concatenate(
        [
            dc_total * g * i * (1 - i),
            dc_total * c_prev * f * (1 - f),
            dc_total * i * (1 - g**2),
            dh * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    weights = batched_gradients(
        copies_scalar("batched_lstm_step", (), (dh, dc)), cache, only={3, 4, 5}
    )
    return (da @ U, da @ W, dc_total * f, *weights)


def lstm_backward(dh, cache):
    x, h0, c0, U, W, b = cache
    states = [(h0, c0)]
    for t in range(x.shape[1]):
        states.append(lstm_step_forward(x[:, t], *states[-1], U, W, b)[:2])
    dx = np.empty(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    dh_next, dc_next = np.zeros(h0.shape), np.zeros(c0.shape)
    for t in reversed(range(x.shape[1])):
        step = (x[:, t], *states[t], U, W, b)
        dx[:, t], dh_next, dc_next, gU, gW, gb = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, step
        )
        dU, dW, db = dU + gU, dW + gW, db + gb
    return dx, dh_next, dc_next, dU, dW, db
