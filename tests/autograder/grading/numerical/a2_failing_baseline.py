"""Assignment 2 by vectorised finite differences (a2_batched_fd), with
forward passes that raise when the grader times them (and only then): the
baseline of the cost measurement cannot be measured."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    refuse_when_timed()
    return np.tanh(x @ U.T + h_prev @ W.T + b), (x, h_prev, U, W, b)


def rnn_forward(x, h0, U, W, b):
    refuse_when_timed()
    h = np.empty((x.shape[0], x.shape[1], h0.shape[1]))
    state = h0
    for t in range(x.shape[1]):
        state = np.tanh(x[:, t] @ U.T + state @ W.T + b)
        h[:, t] = state
    return h, (x, h0, U, W, b)


def output_forward(h, V, c):
    refuse_when_timed()
    return h @ V.T + c, (h, V, c)
