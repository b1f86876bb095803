"""Assignment 2's forward passes as a student who differentiates them
numerically writes them: right values, every argument in the cache (the
numerical backward passes perturb them), complex inputs allowed (for the
complex step), and the per-step losses of the cross-entropy."""

import numpy as np


def step_losses(o, y, keep):
    """Masked cross-entropy of every step of logits o (..., N, T, K): o may be
    complex (shifted by the real maximum, which changes no derivative) and
    may have leading axes of copies."""
    shifted = o - np.max(o.real, axis=-1, keepdims=True)
    log_z = np.log(np.sum(np.exp(shifted), axis=-1))
    labels = np.broadcast_to(y[..., None], (*o.shape[:-1], 1))
    return (log_z - np.take_along_axis(shifted, labels, axis=-1)[..., 0]) * keep


def kept_steps(y, mask):
    return np.ones(y.shape) if mask is None else np.asarray(mask, dtype=np.float64)


def model_loss(x, y, keep, h0, U, W, b, V, c):
    """The loss of the whole model (rnn_loss's forward pass)."""
    o = output_forward(rnn_forward(x, h0, U, W, b)[0], V, c)[0]
    return np.sum(step_losses(o, y, keep)) / y.shape[0]


def rnn_step_forward(x, h_prev, U, W, b):
    return np.tanh(x @ U.T + h_prev @ W.T + b), (x, h_prev, U, W, b)


def rnn_forward(x, h0, U, W, b):
    h = np.empty((x.shape[0], x.shape[1], h0.shape[1]), dtype=np.result_type(x, h0, U, W, b))
    state = h0
    for t in range(x.shape[1]):
        state = rnn_step_forward(x[:, t], state, U, W, b)[0]
        h[:, t] = state
    return h, (x, h0, U, W, b)


def output_forward(h, V, c):
    return h @ V.T + c, (h, V, c)


def column_differences(o, y, keep, columns, step):
    """Centred differences of every step's loss along the given columns of
    the logits (..., len(columns)): the steps' losses are independent, so
    one column of every step is perturbed at once (one copy per column,
    stacked along a leading axis)."""
    bump = step * (np.asarray(columns)[:, None] == np.arange(o.shape[-1]))[:, None, None, :]
    plus = step_losses(o[None] + bump, y, keep)
    minus = step_losses(o[None] - bump, y, keep)
    return np.moveaxis((plus - minus) / (2.0 * step), 0, -1) / y.shape[0]


def loss_step(o):
    """A step above the round-off of a loss of logits as large as 1e4."""
    return 1e-5 * max(1.0, float(np.max(np.abs(o))))
