"""Assignment 3 by vectorised finite differences (a3_batched_fd), each
result remembered by the content of the call's arrays."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def lstm_step_backward(dh, dc, cache):
    return remembered((dh, dc, *cache), lambda: numerical_lstm_step_backward(dh, dc, cache))


def lstm_backward(dh, cache):
    return remembered((dh, *cache), lambda: numerical_lstm_backward(dh, cache))
