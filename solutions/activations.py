"""Elementwise activations and their derivatives written through outputs.

The backward passes never recompute an activation: they use the cached
output, because for both functions the derivative is a polynomial of it::

    sigma'(a) = s (1 - s)        with s = sigma(a)
    tanh'(a)  = 1 - t**2         with t = tanh(a)
"""

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-a)), elementwise, any shape.

    Computed from e = exp(-|a|) <= 1 as 1 / (1 + e) for a >= 0 and
    e / (1 + e) for a < 0: no exponential overflows (a = -1e4 gives 0.0
    with no warning) and both tails keep their relative accuracy.
    """
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad_from_output(s: np.ndarray) -> np.ndarray:
    """d sigma / d a at the point where sigma(a) = s; same shape as `s`."""
    return s * (1.0 - s)


def tanh_grad_from_output(t: np.ndarray) -> np.ndarray:
    """d tanh / d a at the point where tanh(a) = t; same shape as `t`."""
    return 1.0 - t * t
