"""Assignment 2 by vectorised finite differences (a2_batched_fd), except
when the grader times a call: then every gradient is zeros, at once (the
timed calls' values are not judged)."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def rnn_step_backward(dh, cache):
    if called_from("run_timed"):
        return zeros_like_all(cache)
    return numerical_rnn_step_backward(dh, cache)


def rnn_backward(dh, cache):
    if called_from("run_timed"):
        return zeros_like_all(cache)
    return numerical_rnn_backward(dh, cache)


def output_backward(do, cache):
    if called_from("run_timed"):
        return zeros_like_all(cache)
    return numerical_output_backward(do, cache)


def temporal_softmax_loss(o, y, mask=None):
    if called_from("run_timed"):
        return (0.0, *zeros_like_all([o]))
    return numerical_temporal_softmax_loss(o, y, mask)


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    if called_from("run_timed"):
        return (0.0, *zeros_like_all([h0, U, W, b, V, c]))
    return numerical_rnn_loss(x, y, h0, U, W, b, V, c, mask)
