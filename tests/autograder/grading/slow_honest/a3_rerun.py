"""An honest student of assignment 3 who caches only the inputs and runs
the forward pass again inside every backward pass: lstm_backward reruns
lstm_forward for the states, then calls lstm_step_backward at every step,
which runs the step's gates again."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def gates_of(x, h_prev, U, W, b):
    a = x @ U.T + h_prev @ W.T + b
    i, f, g, o = np.split(a, 4, axis=1)
    return sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    i, f, g, o = gates_of(x, h_prev, U, W, b)
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, h_prev, c_prev, U, W, b)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, b = cache
    i, f, g, o = gates_of(x, h_prev, U, W, b)
    tanh_c = np.tanh(f * c_prev + i * g)
    dc_total = dc + dh * o * (1.0 - tanh_c**2)
    da = np.hstack(
        [
            dc_total * g * i * (1.0 - i),
            dc_total * c_prev * f * (1.0 - f),
            dc_total * i * (1.0 - g**2),
            dh * tanh_c * o * (1.0 - o),
        ]
    )
    return da @ U, da @ W, dc_total * f, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def lstm_forward(x, h0, c0, U, W, b):
    states, h, c = [], h0, c0
    for t in range(x.shape[1]):
        h, c, _ = lstm_step_forward(x[:, t], h, c, U, W, b)
        states.append(h)
    return np.stack(states, axis=1), (x, h0, c0, U, W, b)


def lstm_backward(dh, cache):
    x, h0, c0, U, W, b = cache
    history = [(h0, c0)]
    for t in range(x.shape[1]):
        history.append(lstm_step_forward(x[:, t], *history[-1], U, W, b)[:2])
    dx = np.zeros(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    dh_next, dc_next = np.zeros(h0.shape), np.zeros(c0.shape)
    for t in range(x.shape[1] - 1, -1, -1):
        dx[:, t], dh_next, dc_next, gU, gW, gb = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, (x[:, t], *history[t], U, W, b)
        )
        dU, dW, db = dU + gU, dW + gW, db + gb
    return dx, dh_next, dc_next, dU, dW, db
