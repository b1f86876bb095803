"""Assignment 3 by vectorised finite differences computed in two threads
the backward pass starts, one argument per task."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def lstm_step_backward(dh, dc, cache):
    return threaded_gradients("batched_lstm_step", (), (dh, dc), cache)


def lstm_backward(dh, cache):
    return threaded_gradients("batched_lstm_sequence", (), (dh,), cache)
