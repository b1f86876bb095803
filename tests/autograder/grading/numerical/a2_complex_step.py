"""Assignment 2 by complex-step differentiation of the student's own
forward passes (which also run on complex arrays): one complex evaluation
per entry of every argument; the loss one column of every step at a time."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def rnn_step_backward(dh, cache):
    return tuple(complex_gradients(rnn_step_forward, cache, [dh]))


def rnn_backward(dh, cache):
    return tuple(complex_gradients(rnn_forward, cache, [dh]))


def output_backward(do, cache):
    return tuple(complex_gradients(output_forward, cache, [do]))


def temporal_softmax_loss(o, y, mask=None):
    keep = kept_steps(y, mask)
    do = np.zeros(o.shape)
    work = np.array(o, dtype=np.complex128)
    for k in range(o.shape[-1]):
        work[..., k] += 1j * COMPLEX_STEP
        do[..., k] = np.imag(step_losses(work, y, keep)) / COMPLEX_STEP / y.shape[0]
        work[..., k] = o[..., k]
    return float(np.sum(step_losses(o, y, keep)) / y.shape[0]), do


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    keep = kept_steps(y, mask)
    params = [np.array(a, dtype=np.complex128) for a in (h0, U, W, b, V, c)]
    grads = complex_step(lambda: model_loss(x, y, keep, *params), params)
    return (float(model_loss(x, y, keep, h0, U, W, b, V, c)), *grads)
