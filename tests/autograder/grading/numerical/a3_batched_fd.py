"""Assignment 3 by vectorised finite differences: blocks of perturbed
copies evaluated by forward passes over a stack of copies with per-copy
weights (a3_batched). The numerical_* functions are what the other forms
(memoised, skipping the timed calls...) wrap."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def numerical_lstm_step_backward(dh, dc, cache):
    return tuple(batched_gradients(copies_scalar("batched_lstm_step", (), (dh, dc)), cache))


def numerical_lstm_backward(dh, cache):
    return tuple(batched_gradients(copies_scalar("batched_lstm_sequence", (), (dh,)), cache))


def lstm_step_backward(dh, dc, cache):
    return numerical_lstm_step_backward(dh, dc, cache)


def lstm_backward(dh, cache):
    return numerical_lstm_backward(dh, cache)
