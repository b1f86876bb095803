"""Assignment 3 by centred differences of the student's own forward passes,
one entry of one argument at a time (x, h_prev or h0, c_prev or c0, U, W, b)."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def lstm_step_backward(dh, dc, cache):
    return tuple(differences_of(lstm_step_forward, cache, [dh, dc]))


def lstm_backward(dh, cache):
    return tuple(differences_of(lstm_forward, cache, [dh]))
