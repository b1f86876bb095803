"""Vanilla recurrent network: forward and backward, one step and a sequence.

Notation of the book (and of Goodfellow, Bengio and Courville, ch. 10)::

    a_t = b + W h_{t-1} + U x_t        (rnn-a)
    h_t = tanh(a_t)                    (rnn-h)
    o_t = c + V h_t                    (rnn-o)

The math uses column vectors; the code stores a batch as rows, so the same
equations read ``a = x @ U.T + h_prev @ W.T + b`` with the weights stored as
the math writes them (and as PyTorch stores them).

Shapes: N is the batch size, T the sequence length, D the input size, H the
hidden size and K the number of output classes. U is (H, D), W is (H, H),
b is (H,), V is (K, H) and c is (K,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solutions import softmax
from solutions._validation import float_array, upstream_array
from solutions.activations import tanh_grad_from_output


@dataclass(frozen=True)
class RNNStepCache:
    """What :func:`rnn_step_backward` needs from one forward step.

    x: (N, D) input; h_prev: (N, H) previous hidden state; U: (H, D);
    W: (H, H); h: (N, H) the step's output tanh(a), reused for tanh'.
    """

    x: np.ndarray
    h_prev: np.ndarray
    U: np.ndarray
    W: np.ndarray
    h: np.ndarray


@dataclass(frozen=True)
class RNNCache:
    """The step caches of :func:`rnn_forward`, in time order (length T)."""

    steps: tuple[RNNStepCache, ...]


@dataclass(frozen=True)
class OutputCache:
    """What :func:`output_backward` needs: h (..., H) and V (K, H)."""

    h: np.ndarray
    V: np.ndarray


def _step(x, h_prev, U, W, b):
    a = x @ U.T + h_prev @ W.T + b  # (N, H), equation rnn-a
    h = np.tanh(a)  # (N, H), equation rnn-h
    return h, RNNStepCache(x=x, h_prev=h_prev, U=U, W=W, h=h)


def _check_step_args(func, x, h_prev, U, W, b, *, x_axes, h_axes):
    sizes: dict[str, int] = {}
    x = float_array(func, "x", x, x_axes, sizes)
    h_prev = float_array(func, h_axes[0], h_prev, h_axes[1], sizes)
    U = float_array(func, "U", U, ("H", "D"), sizes)
    W = float_array(func, "W", W, ("H", "H"), sizes)
    b = float_array(func, "b", b, ("H",), sizes)
    return x, h_prev, U, W, b


def rnn_step_forward(x, h_prev, U, W, b):
    """One step of the recurrence.

    Parameters
    ----------
    x: (N, D) inputs at this step.
    h_prev: (N, H) hidden state of the previous step.
    U: (H, D) input-to-hidden weights.
    W: (H, H) hidden-to-hidden weights.
    b: (H,) bias.

    Returns
    -------
    h: (N, H) new hidden state tanh(x U^T + h_prev W^T + b).
    cache: :class:`RNNStepCache` for :func:`rnn_step_backward`.
    """
    args = _check_step_args(
        "rnn_step_forward", x, h_prev, U, W, b, x_axes=("N", "D"), h_axes=("h_prev", ("N", "H"))
    )
    return _step(*args)


def _step_backward(dh, cache: RNNStepCache):
    da = dh * tanh_grad_from_output(cache.h)  # (N, H): tanh' = 1 - h_t^2, equation rnn-da
    dx = da @ cache.U  # (N, D)
    dh_prev = da @ cache.W  # (N, H): the path into step t-1, equation rnn-dh-prev
    dU = da.T @ cache.x  # (H, D)
    dW = da.T @ cache.h_prev  # (H, H): h_{t-1}, not h_t, multiplies W
    db = da.sum(axis=0)  # (H,): the bias is shared by the whole batch
    return dx, dh_prev, dU, dW, db


def rnn_step_backward(dh, cache):
    """Backward pass of :func:`rnn_step_forward`.

    Parameters
    ----------
    dh: (N, H) upstream gradient dL/dh of the step's output.
    cache: the :class:`RNNStepCache` returned by the forward step.

    Returns
    -------
    dx: (N, D), dh_prev: (N, H), dU: (H, D), dW: (H, H), db: (H,) — the
    gradients of L with respect to each argument of the forward step.
    """
    dh = upstream_array("rnn_step_backward", "dh", dh, cache.h.shape)
    return _step_backward(dh, cache)


def rnn_forward(x, h0, U, W, b):
    """Run the recurrence over a whole sequence.

    Parameters
    ----------
    x: (N, T, D) input sequence.
    h0: (N, H) initial hidden state.
    U: (H, D), W: (H, H), b: (H,) as in :func:`rnn_step_forward`.

    Returns
    -------
    h: (N, T, H) hidden states h_1 ... h_T (h0 is not included).
    cache: :class:`RNNCache` for :func:`rnn_backward`.
    """
    x, h0, U, W, b = _check_step_args(
        "rnn_forward", x, h0, U, W, b, x_axes=("N", "T", "D"), h_axes=("h0", ("N", "H"))
    )
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, h0.shape[1]))
    steps = []
    h_prev = h0
    for t in range(t_len):
        h_prev, step_cache = _step(x[:, t], h_prev, U, W, b)
        h[:, t] = h_prev
        steps.append(step_cache)
    return h, RNNCache(steps=tuple(steps))


def rnn_backward(dh, cache):
    """Back-propagation through time for :func:`rnn_forward`.

    Parameters
    ----------
    dh: (N, T, H) upstream gradient dL/dh_t on every hidden state, from the
        layers above only (e.g. the output layer), not through the recurrence.
    cache: the :class:`RNNCache` returned by :func:`rnn_forward`.

    Returns
    -------
    dx: (N, T, D), dh0: (N, H), dU: (H, D), dW: (H, H), db: (H,).
    """
    steps = cache.steps
    if not steps:
        raise ValueError("rnn_backward: cache holds no time steps (T = 0)")
    n, hidden = steps[0].h.shape
    dh = upstream_array("rnn_backward", "dh", dh, (n, len(steps), hidden))
    dx = np.empty((n, len(steps), steps[0].x.shape[1]))
    dU = np.zeros_like(steps[0].U)
    dW = np.zeros_like(steps[0].W)
    db = np.zeros(hidden)
    dh_next = np.zeros((n, hidden))  # nothing flows back into the last step from later
    for t in reversed(range(len(steps))):
        # dL/dh_t collects the loss at step t and everything step t+1 depends on
        # (equation rnn-dh-recursion).
        dx[:, t], dh_next, dU_t, dW_t, db_t = _step_backward(dh[:, t] + dh_next, steps[t])
        dU += dU_t  # the weights are shared by all steps: their gradients add up
        dW += dW_t
        db += db_t
    return dx, dh_next, dU, dW, db


def output_forward(h, V, c):
    """Affine output layer o = c + V h, applied at every position.

    Parameters
    ----------
    h: (N, T, H) hidden states (or (N, H) for a single step).
    V: (K, H) hidden-to-output weights.
    c: (K,) output bias.

    Returns
    -------
    o: (N, T, K) (or (N, K)) logits, o = h V^T + c.
    cache: :class:`OutputCache` for :func:`output_backward`.
    """
    func = "output_forward"
    ndim = np.ndim(h)
    if ndim not in (2, 3):
        raise ValueError(
            f"{func}: h must have shape (N, T, H) or (N, H), got {ndim} dimension(s) "
            f"with shape {np.shape(h)}"
        )
    sizes: dict[str, int] = {}
    h_axes = ("N", "T", "H") if ndim == 3 else ("N", "H")
    h = float_array(func, "h", h, h_axes, sizes)
    V = float_array(func, "V", V, ("K", "H"), sizes)
    c = float_array(func, "c", c, ("K",), sizes)
    o = h @ V.T + c  # (N, T, K), equation rnn-o
    return o, OutputCache(h=h, V=V)


def output_backward(do, cache):
    """Backward pass of :func:`output_forward`.

    Parameters
    ----------
    do: upstream gradient dL/do, same shape as o: (N, T, K) or (N, K).
    cache: the :class:`OutputCache` of the forward pass.

    Returns
    -------
    dh: same shape as h; dV: (K, H) summed over the batch and all time steps;
    dc: (K,) summed likewise (equations rnn-dV and rnn-dc).
    """
    expected = cache.h.shape[:-1] + (cache.V.shape[0],)
    do = upstream_array("output_backward", "do", do, expected)
    dh = do @ cache.V  # (N, T, H)
    flat_do = do.reshape(-1, do.shape[-1])  # (N*T, K): every step shares V and c
    flat_h = cache.h.reshape(-1, cache.h.shape[-1])  # (N*T, H)
    dV = flat_do.T @ flat_h  # (K, H)
    dc = flat_do.sum(axis=0)  # (K,)
    return dh, dV, dc


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    """Loss of a whole RNN model on a batch of sequences, and its gradients.

    Ties the pieces together: :func:`rnn_forward`, :func:`output_forward`,
    :func:`solutions.softmax.temporal_softmax_loss` (summed over time, mean
    over the batch), then their backward passes in reverse order.

    Parameters
    ----------
    x: (N, T, D) inputs (e.g. one-hot characters); y: (N, T) integer targets
    in [0, K); h0: (N, H); U: (H, D), W: (H, H), b: (H,); V: (K, H), c: (K,);
    mask: optional boolean (N, T), False drops a step from the loss.

    Returns
    -------
    (loss, dh0, dU, dW, db, dV, dc): the float loss and its gradients with
    respect to h0 (N, H), U (H, D), W (H, H), b (H,), V (K, H) and c (K,).
    """
    h, rnn_cache = rnn_forward(x, h0, U, W, b)
    o, out_cache = output_forward(h, V, c)
    loss, do = softmax.temporal_softmax_loss(o, y, mask)
    dh, dV, dc = output_backward(do, out_cache)
    _, dh0, dU, dW, db = rnn_backward(dh, rnn_cache)
    return loss, dh0, dU, dW, db, dV, dc
