"""Assignment 2 by finite differences that exploit which outputs each input
reaches, so that many entries are perturbed at once: the cheapest
numerical forms we found.

- rnn_step_backward: unit i of the step reads only row i of U and W and
  entry i of b, and example n reads only row n of x and h_prev; so a whole
  column of U (or W, or x, or h_prev) and all of b are perturbed at once,
  and the centred differences are read apart per unit (or per example).
- output_backward: the same with output columns (V, c) and rows (h).
- temporal_softmax_loss: one logit column of every step at once
  (a2_batched_fd)."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def column_trick(forward, arrays, upstream, splits, step=1e-5):
    """Gradients of <upstream, forward(*arrays)> for every array. Column j
    of an array (all of it, if it is a vector) is perturbed whole; the
    upstream-weighted differences of the outputs are then summed over
    every axis of the outputs but splits[k], the axis along which the
    entries of column j of array k act apart (examples or units)."""
    grads = []
    for index, array in enumerate(arrays):
        keep_axis = splits[index]
        grad = np.empty(array.shape)
        columns = [slice(None)] if array.ndim == 1 else range(array.shape[-1])
        for j in columns:
            bumped = [np.array(a, dtype=np.float64) for a in arrays]
            bumped[index][..., j] += step
            plus = forward(*bumped) * upstream
            bumped[index][..., j] -= 2 * step
            minus = forward(*bumped) * upstream
            axes = tuple(a for a in range(plus.ndim) if a != keep_axis)
            grad[..., j] = np.sum(plus - minus, axis=axes) / (2.0 * step)
        grads.append(grad)
    return grads


def step_values(x, h_prev, U, W, b):
    return np.tanh(x @ U.T + h_prev @ W.T + b)


def output_values(h, V, c):
    return h @ V.T + c


def rnn_step_backward(dh, cache):
    # outputs (N, H): x and h_prev rows by example (axis 0), U, W, b rows by unit (axis 1)
    return tuple(column_trick(step_values, cache, dh, (0, 0, 1, 1, 1)))


def output_backward(do, cache):
    h, V, c = cache
    rows_h, rows_do = h.reshape(-1, h.shape[-1]), do.reshape(-1, do.shape[-1])
    dh, dV, dc = column_trick(output_values, (rows_h, V, c), rows_do, (0, 1, 1))
    return dh.reshape(h.shape), dV, dc


def temporal_softmax_loss(o, y, mask=None):
    return numerical_temporal_softmax_loss(o, y, mask)
