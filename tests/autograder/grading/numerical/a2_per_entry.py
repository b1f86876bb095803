"""Assignment 2 by centred differences of the student's own forward passes,
one entry of one argument at a time: x, h_prev or h0, U, W, b; h, V, c;
every logit; h0 and the five weights of the whole model."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def rnn_step_backward(dh, cache):
    return tuple(differences_of(rnn_step_forward, cache, [dh]))


def rnn_backward(dh, cache):
    return tuple(differences_of(rnn_forward, cache, [dh]))


def output_backward(do, cache):
    return tuple(differences_of(output_forward, cache, [do]))


def temporal_softmax_loss(o, y, mask=None):
    keep = kept_steps(y, mask)
    work = np.array(o, dtype=np.float64)
    scalar = lambda: np.sum(step_losses(work, y, keep)) / y.shape[0]  # noqa: E731
    (do,) = centred_differences(scalar, [work], loss_step(o))
    return float(scalar()), do


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    keep = kept_steps(y, mask)
    params = [np.array(a, dtype=np.float64) for a in (h0, U, W, b, V, c)]
    grads = centred_differences(lambda: model_loss(x, y, keep, *params), params)
    return (float(model_loss(x, y, keep, *params)), *grads)
