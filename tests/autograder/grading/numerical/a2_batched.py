"""Assignment 2's forward passes over a stack of copies (a leading axis),
each copy with its own inputs and weights: what the vectorised numerical
forms evaluate their perturbations with."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def batched_step(x, h_prev, U, W, b):
    """tanh(x U^T + h W^T + b) for stacks of copies."""
    return np.tanh(x @ np.swapaxes(U, 1, 2) + h_prev @ np.swapaxes(W, 1, 2) + b[:, None, :])


def batched_sequence(x, h0, U, W, b):
    """Hidden states (copies, N, T, H) of the recurrence for stacks of copies."""
    states = []
    h = h0
    for t in range(x.shape[2]):
        h = batched_step(x[:, :, t], h, U, W, b)
        states.append(h)
    return np.stack(states, axis=2)


def batched_output(h, V, c):
    """Logits (copies, rows, K) of the output layer, h (copies, ..., H)."""
    flat = h.reshape(h.shape[0], -1, h.shape[-1])
    return flat @ np.swapaxes(V, 1, 2) + c[:, None, :]


def batched_model_losses(x, y, keep, h0, U, W, b, V, c):
    """The loss of the whole model for every copy of the parameters."""
    n, t_len = y.shape
    o = batched_output(batched_sequence(x[None], h0, U, W, b), V, c)
    losses = step_losses(o.reshape(-1, n, t_len, o.shape[-1]), y, keep)
    return np.sum(losses, axis=(1, 2)) / n
