"""Assignment 3 by complex-step differentiation of the student's own
forward passes: one complex evaluation per entry of every argument."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def lstm_step_backward(dh, dc, cache):
    return tuple(complex_gradients(lstm_step_forward, cache, [dh, dc]))


def lstm_backward(dh, cache):
    return tuple(complex_gradients(lstm_forward, cache, [dh]))
