"""An honest student of assignment 3 whose forward passes are vectorised
and whose backward passes loop in Python over the time steps and, inside,
over the examples, one column vector at a time (the book's notation):
gate gradients, then outer products for the weights."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def example_step_back(dh, dc, x, h_prev, c_prev, U, W, gates, tanh_c):
    """One example's step backward: dx, dh_prev, dc_prev, dU, dW, db."""
    i, f, g, o = gates
    dc_total = dc + dh * o * (1.0 - tanh_c**2)
    da = np.concatenate(
        [
            dc_total * g * i * (1.0 - i),
            dc_total * c_prev * f * (1.0 - f),
            dc_total * i * (1.0 - g**2),
            dh * tanh_c * o * (1.0 - o),
        ]
    )
    return U.T @ da, W.T @ da, dc_total * f, np.outer(da, x), np.outer(da, h_prev), da


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    hidden = h_prev.shape[1]
    a = x @ U.T + h_prev @ W.T + b
    gates = (
        sigmoid(a[:, :hidden]),
        sigmoid(a[:, hidden : 2 * hidden]),
        np.tanh(a[:, 2 * hidden : 3 * hidden]),
        sigmoid(a[:, 3 * hidden :]),
    )
    c = gates[1] * c_prev + gates[0] * gates[2]
    tanh_c = np.tanh(c)
    return gates[3] * tanh_c, c, (x, h_prev, c_prev, U, W, gates, tanh_c)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, gates, tanh_c = cache
    dx, dh_prev, dc_prev = np.empty(x.shape), np.empty(h_prev.shape), np.empty(c_prev.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(W.shape[0])
    for n in range(x.shape[0]):
        example_gates = tuple(gate[n] for gate in gates)
        dx[n], dh_prev[n], dc_prev[n], gU, gW, gb = example_step_back(
            dh[n], dc[n], x[n], h_prev[n], c_prev[n], U, W, example_gates, tanh_c[n]
        )
        dU += gU
        dW += gW
        db += gb
    return dx, dh_prev, dc_prev, dU, dW, db


def lstm_forward(x, h0, c0, U, W, b):
    h = np.empty((x.shape[0], x.shape[1], h0.shape[1]))
    caches = []
    state, cell = h0, c0
    for t in range(x.shape[1]):
        state, cell, step = lstm_step_forward(x[:, t], state, cell, U, W, b)
        h[:, t] = state
        caches.append(step)
    return h, caches


def lstm_backward(dh, cache):
    n_examples, steps, hidden = dh.shape
    U, W = cache[0][3], cache[0][4]
    dx = np.empty((n_examples, steps, U.shape[1]))
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(W.shape[0])
    dh0, dc0 = np.empty((n_examples, hidden)), np.empty((n_examples, hidden))
    for n in range(n_examples):
        dh_next, dc_next = np.zeros(hidden), np.zeros(hidden)
        for t in reversed(range(steps)):
            x, h_prev, c_prev, _, _, gates, tanh_c = cache[t]
            example_gates = tuple(gate[n] for gate in gates)
            dx[n, t], dh_next, dc_next, gU, gW, gb = example_step_back(
                dh[n, t] + dh_next, dc_next, x[n], h_prev[n], c_prev[n], U, W,
                example_gates, tanh_c[n],
            )  # fmt: skip
            dU += gU
            dW += gW
            db += gb
        dh0[n], dc0[n] = dh_next, dc_next
    return dx, dh0, dc0, dU, dW, db
