"""Finite-difference references: the yardstick every analytic gradient is
measured against.

``numerical_gradient`` perturbs one entry at a time (two forward passes per
entry); ``directional_error`` checks a whole gradient at once along a few
random directions. The ``*_fd`` functions compute the gradients of each
backward pass of this package from its forward pass alone, so a test can
compare a student's backward with numbers that came from no analytic
backward at all.

All arithmetic is float64: with h = 1e-5 the truncation error of a centred
difference is O(h^2) ~ 1e-10 and the round-off O(eps / h) ~ 1e-11, so a
correct gradient shows a relative error near 1e-9 and a wrong one near 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from solutions import lstm, rnn, softmax, univariate_lstm
from solutions._validation import float_array

DEFAULT_STEP = 1e-5


def _as_float64_copy(x) -> np.ndarray:
    return np.array(x, dtype=np.float64, copy=True)


def _inner(value, df) -> float:
    """<value, df> for an array-valued function; the value itself for a
    scalar function called without an upstream gradient."""
    value = np.asarray(value, dtype=np.float64)
    if df is None:
        return float(np.sum(value))
    if np.shape(df) != value.shape:
        raise ValueError(
            f"df must have the shape of f(x) {value.shape} (it is the upstream gradient "
            f"of f's output), got {np.shape(df)}"
        )
    return float(np.sum(value * df))


def numerical_gradient(f: Callable, x, df=None, h: float = DEFAULT_STEP) -> np.ndarray:
    """Centred-difference gradient of <f(x), df> with respect to x.

    Parameters
    ----------
    f: a function of one array, returning an array (or a scalar).
    x: the point, any shape. Never modified: f is evaluated on a perturbed copy.
    df: upstream gradient, same shape as f(x); None means all ones (so for a
        scalar f this is simply df/dx).
    h: step of the difference.

    Returns
    -------
    grad: same shape as x, grad[k] = (<f(x + h e_k), df> - <f(x - h e_k), df>) / 2h.
    """
    point = _as_float64_copy(x)
    if df is not None:
        df = np.asarray(df, dtype=np.float64)
    grad = np.zeros_like(point)
    flat_point = point.reshape(-1)  # a view: writes go into `point`
    flat_grad = grad.reshape(-1)
    for k in range(flat_point.size):
        saved = flat_point[k]
        flat_point[k] = saved + h
        plus = _inner(f(point.copy()), df)  # f gets its own copy: it may keep or change it
        flat_point[k] = saved - h
        minus = _inner(f(point.copy()), df)
        flat_point[k] = saved
        flat_grad[k] = (plus - minus) / (2.0 * h)
    return grad


def rel_error(a, b) -> float:
    """Relative error between two arrays of the same shape.

    max_k |a_k - b_k| / max(1e-8, max_k (|a_k| + |b_k|)), and 0.0 for two
    all-zero arrays (or two empty ones). The denominator is the largest
    entry of the pair rather than each entry's own size, so entries that are
    zero up to round-off do not make a correct gradient look wrong.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"rel_error: a and b must have the same shape, got {a.shape} and {b.shape}"
        )
    if a.size == 0:
        return 0.0
    diff = float(np.max(np.abs(a - b)))
    if diff == 0.0:
        return 0.0
    scale = float(np.max(np.abs(a) + np.abs(b)))
    return diff / max(1e-8, scale)


def directional_error(
    f: Callable,
    x,
    grad,
    df=None,
    *,
    num_directions: int = 3,
    h: float = DEFAULT_STEP,
    rng: np.random.Generator | None = None,
) -> float:
    """Check a whole gradient along a few random directions.

    For each random unit direction v, compares the analytic directional
    derivative <grad, v> with (<f(x + h v), df> - <f(x - h v), df>) / 2h.
    Two forward passes per direction check every entry at once (an entry
    that is wrong changes <grad, v> for almost every v).

    Parameters
    ----------
    f: function of one array; x: the point (not modified); grad: the claimed
    gradient of <f(x), df>, same shape as x; df: upstream gradient or None.

    Returns
    -------
    The largest error over the directions, |<grad, v> - numeric| divided by
    max(1e-8, ||grad|| + |numeric|).
    """
    point = _as_float64_copy(x)
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != point.shape:
        raise ValueError(
            f"directional_error: grad must have the shape of x {point.shape}, got {grad.shape}"
        )
    rng = np.random.default_rng(0) if rng is None else rng
    worst = 0.0
    for _ in range(num_directions):
        v = rng.standard_normal(point.shape)
        v /= max(np.linalg.norm(v), 1e-300)
        numeric = (_inner(f(point + h * v), df) - _inner(f(point - h * v), df)) / (2.0 * h)
        analytic = float(np.sum(grad * v))
        # |<grad, v>| <= ||grad|| for a unit v: measuring the difference against
        # ||grad|| keeps a direction nearly orthogonal to grad from making a
        # right gradient look wrong.
        scale = max(1e-8, float(np.linalg.norm(grad)) + abs(numeric))
        worst = max(worst, abs(analytic - numeric) / scale)
    return worst


def numerical_gradients(objective: Callable[..., float], args: Sequence, h=DEFAULT_STEP):
    """Centred-difference gradients of a scalar objective(*args) with
    respect to every positional argument in turn; a tuple shaped like args."""
    args = [_as_float64_copy(a) for a in args]
    grads = []
    for index in range(len(args)):

        def along(value, index=index):
            trial = list(args)
            trial[index] = value
            return objective(*trial)

        grads.append(numerical_gradient(along, args[index], h=h))
    return tuple(grads)


# References for every backward pass, from the forward passes alone.


def softmax_cross_entropy_fd(logits, y, h=DEFAULT_STEP):
    """dlogits (N, K) of :func:`solutions.softmax.softmax_cross_entropy`."""
    return numerical_gradient(lambda z: softmax.softmax_cross_entropy(z, y)[0], logits, h=h)


def temporal_softmax_loss_fd(o, y, mask=None, h=DEFAULT_STEP):
    """do (N, T, K) of :func:`solutions.softmax.temporal_softmax_loss`."""
    return numerical_gradient(lambda z: softmax.temporal_softmax_loss(z, y, mask)[0], o, h=h)


def output_backward_fd(do, h, V, c, step=DEFAULT_STEP):
    """(dh, dV, dc) of :func:`solutions.rnn.output_backward` for upstream do."""
    return numerical_gradients(
        lambda *args: _inner(rnn.output_forward(*args)[0], do), (h, V, c), h=step
    )


def rnn_step_backward_fd(dh, x, h_prev, U, W, b, h=DEFAULT_STEP):
    """(dx, dh_prev, dU, dW, db) of :func:`solutions.rnn.rnn_step_backward`."""
    return numerical_gradients(
        lambda *args: _inner(rnn.rnn_step_forward(*args)[0], dh), (x, h_prev, U, W, b), h=h
    )


def rnn_backward_fd(dh, x, h0, U, W, b, h=DEFAULT_STEP):
    """(dx, dh0, dU, dW, db) of :func:`solutions.rnn.rnn_backward`."""
    return numerical_gradients(
        lambda *args: _inner(rnn.rnn_forward(*args)[0], dh), (x, h0, U, W, b), h=h
    )


def rnn_loss_fd(x, y, h0, U, W, b, V, c, mask=None, h=DEFAULT_STEP):
    """(dh0, dU, dW, db, dV, dc) of :func:`solutions.rnn.rnn_loss`."""
    return numerical_gradients(
        lambda *args: rnn.rnn_loss(x, y, *args, mask=mask)[0], (h0, U, W, b, V, c), h=h
    )


def lstm_step_backward_fd(dh, dc, x, h_prev, c_prev, U, W, b, h=DEFAULT_STEP):
    """(dx, dh_prev, dc_prev, dU, dW, db) of
    :func:`solutions.lstm.lstm_step_backward` for upstream dh and dc."""

    def objective(*args):
        h_next, c_next, _ = lstm.lstm_step_forward(*args)
        return _inner(h_next, dh) + _inner(c_next, dc)

    return numerical_gradients(objective, (x, h_prev, c_prev, U, W, b), h=h)


def lstm_backward_fd(dh, x, h0, c0, U, W, b, h=DEFAULT_STEP):
    """(dx, dh0, dc0, dU, dW, db) of :func:`solutions.lstm.lstm_backward`."""
    return numerical_gradients(
        lambda *args: _inner(lstm.lstm_forward(*args)[0], dh), (x, h0, c0, U, W, b), h=h
    )


def univariate_lstm_backward_fd(dy, x, weights: Mapping[str, float], h0=0.0, c0=0.0,
                                h=DEFAULT_STEP):  # fmt: skip
    """Gradients of <y, dy> for :func:`solutions.univariate_lstm.univariate_lstm_forward`.

    Returns
    -------
    (dweights, dx, dh0, dc0): a dict name -> float over
    :data:`~solutions.univariate_lstm.WEIGHT_NAMES`, dx of shape (T,), and
    two floats.
    """
    names = univariate_lstm.WEIGHT_NAMES
    checked = univariate_lstm.check_weights("univariate_lstm_backward_fd", weights)
    vector = np.array([checked[name] for name in names])
    x = float_array("univariate_lstm_backward_fd", "x", x, ("T",), {})

    def objective(vector, x, h0, c0):
        y, _ = univariate_lstm.univariate_lstm_forward(
            x, dict(zip(names, vector, strict=True)), float(h0), float(c0)
        )
        return _inner(y, dy)

    dvector, dx, dh0, dc0 = numerical_gradients(objective, (vector, x, h0, c0), h=h)
    return dict(zip(names, dvector.tolist(), strict=True)), dx, float(dh0), float(dc0)
