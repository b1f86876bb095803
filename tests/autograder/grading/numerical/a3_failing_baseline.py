"""Assignment 3 by vectorised finite differences (a3_batched_fd), with
forward passes that raise when the grader times them (and only then)."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    refuse_when_timed()
    h, c = batched_lstm_step(*(np.asarray(a)[None] for a in (x, h_prev, c_prev, U, W, b)))
    return h[0], c[0], (x, h_prev, c_prev, U, W, b)


def lstm_forward(x, h0, c0, U, W, b):
    refuse_when_timed()
    args = (x, h0, c0, U, W, b)
    return batched_lstm_sequence(*(np.asarray(a)[None] for a in args))[0], args
