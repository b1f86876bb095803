"""Assignment 3 by vectorised finite differences computed in two worker
processes that the first forward pass forks (multiprocessing); every
backward pass sends them its work, one argument per task, and waits."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    start_workers()
    hidden = h_prev.shape[-1]
    a = x @ U.T + h_prev @ W.T + b
    c = sigmoid(a[:, hidden : 2 * hidden]) * c_prev + sigmoid(a[:, :hidden]) * np.tanh(
        a[:, 2 * hidden : 3 * hidden]
    )
    return sigmoid(a[:, 3 * hidden :]) * np.tanh(c), c, (x, h_prev, c_prev, U, W, b)


def lstm_step_backward(dh, dc, cache):
    return worker_gradients("batched_lstm_step", (), (dh, dc), cache)


def lstm_backward(dh, cache):
    return worker_gradients("batched_lstm_sequence", (), (dh,), cache)
