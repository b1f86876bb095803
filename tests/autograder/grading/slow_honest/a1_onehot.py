"""An honest student of assignment 1 who builds the one-hot matrix of the
labels and reuses their softmax: loss from the log-sum-exp, gradient
(softmax - one_hot) / N."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def softmax_cross_entropy(logits, y):
    n, k = logits.shape
    one_hot = np.eye(k)[y]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    loss = np.mean(log_sum - (shifted * one_hot).sum(axis=1))
    return float(loss), (softmax(logits) - one_hot) / n
