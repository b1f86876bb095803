"""Assignment 1's cross-entropy as a student who differentiates it
numerically writes it: the loss of every row (complex logits allowed),
and centred differences of the rows' losses along chosen columns."""

import numpy as np


def stable_softmax(z):
    """The softmax along the last axis, shifted by the row maximum."""
    exp = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return exp / np.sum(exp, axis=-1, keepdims=True)


def row_losses(logits, y):
    """-log softmax(logits)[y] of every row (..., N); logits (..., N, K) may
    be complex (shifted by the real maximum) and have leading axes."""
    shifted = logits - np.max(logits.real, axis=-1, keepdims=True)
    labels = np.broadcast_to(y[:, None], (*logits.shape[:-1], 1))
    picked = np.take_along_axis(shifted, labels, axis=-1)[..., 0]
    return np.log(np.sum(np.exp(shifted), axis=-1)) - picked


def mean_loss(logits, y):
    return float(np.mean(row_losses(logits, y)))


def column_differences(logits, y, columns, step):
    """Centred differences of the mean loss along the given columns: the
    rows are independent, so one column of every row is perturbed at once
    (one copy of the logits per column, stacked on a leading axis)."""
    bump = step * (np.asarray(columns)[:, None] == np.arange(logits.shape[-1]))[:, None, :]
    plus = row_losses(logits[None] + bump, y)
    minus = row_losses(logits[None] - bump, y)
    return ((plus - minus) / (2.0 * step)).T / logits.shape[0]


def loss_step(logits):
    """A step above the round-off of a loss of logits as large as 1e4."""
    return 1e-5 * max(1.0, float(np.max(np.abs(logits))))


def numerical_softmax_cross_entropy(logits, y):
    columns = np.arange(logits.shape[-1])
    return mean_loss(logits, y), column_differences(logits, y, columns, loss_step(logits))
