"""Assignment 3's forward passes as a student who differentiates them
numerically writes them: right values, every argument in the cache,
complex inputs allowed (the notebook's sigmoid is a tanh, which takes
them). The notebook gives sigmoid."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    hidden = h_prev.shape[-1]
    a = x @ U.T + h_prev @ W.T + b
    c = sigmoid(a[:, hidden : 2 * hidden]) * c_prev + sigmoid(a[:, :hidden]) * np.tanh(
        a[:, 2 * hidden : 3 * hidden]
    )
    return sigmoid(a[:, 3 * hidden :]) * np.tanh(c), c, (x, h_prev, c_prev, U, W, b)


def lstm_forward(x, h0, c0, U, W, b):
    h = np.empty((*x.shape[:2], h0.shape[1]), dtype=np.result_type(x, h0, c0, U, W, b))
    state, cell = h0, c0
    for t in range(x.shape[1]):
        state, cell, _ = lstm_step_forward(x[:, t], state, cell, U, W, b)
        h[:, t] = state
    return h, (x, h0, c0, U, W, b)
