"""Long short-term memory: forward and backward, one step and a sequence.

Equations of the book, for one step (column vectors, sigma the logistic
function, * the elementwise product)::

    a_t = b + W h_{t-1} + U x_t          stacked pre-activations, (lstm-a)
    i_t = sigma(a_i)   input gate        (lstm-i)
    f_t = sigma(a_f)   forget gate       (lstm-f)
    g_t = tanh(a_g)    candidate state   (lstm-g)
    o_t = sigma(a_o)   output gate       (lstm-o)
    c_t = f_t * c_{t-1} + i_t * g_t      (lstm-c)
    h_t = o_t * tanh(c_t)                (lstm-h)

The four blocks of a_t are stacked in the order i, f, g, o, as PyTorch does:
rows 0:H of U, W and b belong to the input gate, H:2H to the forget gate,
2H:3H to the candidate and 3H:4H to the output gate.

Shapes: N is the batch size, T the sequence length, D the input size and H
the hidden size. U is (4H, D), W is (4H, H), b is (4H,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solutions._validation import float_array, upstream_array
from solutions.activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output

GATE_ORDER = ("i", "f", "g", "o")
"""Order of the gate blocks along the first axis of U, W and b."""


@dataclass(frozen=True)
class LSTMStepCache:
    """What :func:`lstm_step_backward` needs from one forward step.

    x: (N, D); h_prev, c_prev: (N, H); U: (4H, D); W: (4H, H);
    i, f, g, o: (N, H) gate activations; tanh_c: (N, H) tanh(c_t).
    """

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    U: np.ndarray
    W: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    tanh_c: np.ndarray


@dataclass(frozen=True)
class LSTMCache:
    """The step caches of :func:`lstm_forward`, in time order (length T)."""

    steps: tuple[LSTMStepCache, ...]


@dataclass(frozen=True)
class LSTMGateGradients:
    """Gradients of the loss inside one LSTM step, all of shape (N, H)
    except ``da`` (N, 4H).

    dc: total dL/dc_t: the upstream dc plus the path through h_t (lstm-dc).
    do, di, df, dg: dL/d(gate activation) (lstm-do, lstm-di, lstm-df, lstm-dg).
    da_i, da_f, da_g, da_o: dL/d(pre-activation) of each block (lstm-da).
    da: the four pre-activation gradients stacked in the order i, f, g, o.
    """

    dc: np.ndarray
    do: np.ndarray
    di: np.ndarray
    df: np.ndarray
    dg: np.ndarray
    da_i: np.ndarray
    da_f: np.ndarray
    da_g: np.ndarray
    da_o: np.ndarray
    da: np.ndarray


def split_gates(stacked: np.ndarray, axis: int = 0) -> dict[str, np.ndarray]:
    """Split an array into its four gate blocks along `axis`.

    Use axis=0 for U (4H, D), W (4H, H) and b (4H,), and axis=-1 for
    pre-activations (N, 4H). Returns {"i": ..., "f": ..., "g": ..., "o": ...}
    (views, not copies).
    """
    stacked = np.asarray(stacked)
    if stacked.ndim == 0 or stacked.shape[axis] % 4:
        raise ValueError(
            f"split_gates: stacked must have a length divisible by 4 (4H, the blocks i, f, g, "
            f"o) on axis {axis}, got shape {stacked.shape}"
        )
    blocks = np.split(stacked, 4, axis=axis)
    return dict(zip(GATE_ORDER, blocks, strict=True))


def _step(x, h_prev, c_prev, U, W, b):
    hidden = h_prev.shape[1]
    a = x @ U.T + h_prev @ W.T + b  # (N, 4H), equation lstm-a
    i = sigmoid(a[:, :hidden])  # (N, H)
    f = sigmoid(a[:, hidden : 2 * hidden])
    g = np.tanh(a[:, 2 * hidden : 3 * hidden])
    o = sigmoid(a[:, 3 * hidden :])
    c = f * c_prev + i * g  # (N, H), equation lstm-c
    tanh_c = np.tanh(c)
    h = o * tanh_c  # (N, H), equation lstm-h
    cache = LSTMStepCache(
        x=x, h_prev=h_prev, c_prev=c_prev, U=U, W=W, i=i, f=f, g=g, o=o, tanh_c=tanh_c
    )
    return h, c, cache


def _check_args(func, x, h0, c0, U, W, b, *, x_axes, h_name, c_name):
    sizes: dict[str, int] = {}
    x = float_array(func, "x", x, x_axes, sizes)
    h0 = float_array(func, h_name, h0, ("N", "H"), sizes)
    c0 = float_array(func, c_name, c0, ("N", "H"), sizes)
    sizes["4H"] = 4 * sizes["H"]
    U = float_array(func, "U", U, ("4H", "D"), sizes)
    W = float_array(func, "W", W, ("4H", "H"), sizes)
    b = float_array(func, "b", b, ("4H",), sizes)
    return x, h0, c0, U, W, b


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    """One LSTM step.

    Parameters
    ----------
    x: (N, D) input; h_prev: (N, H) and c_prev: (N, H) previous hidden and
    cell states; U: (4H, D), W: (4H, H), b: (4H,) stacked i, f, g, o.

    Returns
    -------
    h: (N, H) new hidden state; c: (N, H) new cell state;
    cache: :class:`LSTMStepCache` for :func:`lstm_step_backward`.
    """
    args = _check_args(
        "lstm_step_forward", x, h_prev, c_prev, U, W, b,
        x_axes=("N", "D"), h_name="h_prev", c_name="c_prev",
    )  # fmt: skip
    return _step(*args)


def _gate_gradients(dh, dc, cache: LSTMStepCache) -> LSTMGateGradients:
    do = dh * cache.tanh_c  # equation lstm-do
    # c_t reaches the loss directly (dc, from step t+1) and through h_t.
    dc_total = dc + dh * cache.o * tanh_grad_from_output(cache.tanh_c)  # lstm-dc
    di = dc_total * cache.g  # lstm-di
    df = dc_total * cache.c_prev  # lstm-df
    dg = dc_total * cache.i  # lstm-dg
    da_i = di * sigmoid_grad_from_output(cache.i)
    da_f = df * sigmoid_grad_from_output(cache.f)
    da_g = dg * tanh_grad_from_output(cache.g)  # the candidate uses tanh, not sigma
    da_o = do * sigmoid_grad_from_output(cache.o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)  # (N, 4H), order i, f, g, o
    return LSTMGateGradients(
        dc=dc_total, do=do, di=di, df=df, dg=dg,
        da_i=da_i, da_f=da_f, da_g=da_g, da_o=da_o, da=da,
    )  # fmt: skip


def lstm_gate_gradients(dh, dc, cache):
    """The gradients inside one step that the book derives one by one.

    Parameters
    ----------
    dh: (N, H) upstream dL/dh_t; dc: (N, H) upstream dL/dc_t from step t+1.
    cache: the :class:`LSTMStepCache` of the forward step.

    Returns
    -------
    :class:`LSTMGateGradients` with dL/dc_t, the gate gradients and the
    pre-activation gradients.
    """
    dh = upstream_array("lstm_gate_gradients", "dh", dh, cache.tanh_c.shape)
    dc = upstream_array("lstm_gate_gradients", "dc", dc, cache.tanh_c.shape)
    return _gate_gradients(dh, dc, cache)


def _step_backward(dh, dc, cache: LSTMStepCache):
    grads = _gate_gradients(dh, dc, cache)
    dc_prev = grads.dc * cache.f  # the cell-state path: dc_t/dc_{t-1} = f_t, lstm-dc-prev
    dx = grads.da @ cache.U  # (N, D): x_t feeds all four blocks
    dh_prev = grads.da @ cache.W  # (N, H)
    dU = grads.da.T @ cache.x  # (4H, D)
    dW = grads.da.T @ cache.h_prev  # (4H, H)
    db = grads.da.sum(axis=0)  # (4H,)
    return dx, dh_prev, dc_prev, dU, dW, db


def lstm_step_backward(dh, dc, cache):
    """Backward pass of :func:`lstm_step_forward`.

    Parameters
    ----------
    dh: (N, H) upstream gradient on h_t; dc: (N, H) upstream gradient on c_t.
    cache: the :class:`LSTMStepCache` of the forward step.

    Returns
    -------
    dx: (N, D), dh_prev: (N, H), dc_prev: (N, H), dU: (4H, D), dW: (4H, H),
    db: (4H,).
    """
    dh = upstream_array("lstm_step_backward", "dh", dh, cache.tanh_c.shape)
    dc = upstream_array("lstm_step_backward", "dc", dc, cache.tanh_c.shape)
    return _step_backward(dh, dc, cache)


def lstm_forward(x, h0, c0, U, W, b):
    """Run an LSTM over a whole sequence.

    Parameters
    ----------
    x: (N, T, D) inputs; h0, c0: (N, H) initial hidden and cell states;
    U: (4H, D), W: (4H, H), b: (4H,).

    Returns
    -------
    h: (N, T, H) hidden states h_1 ... h_T.
    cache: :class:`LSTMCache` for :func:`lstm_backward` (its steps also hold
    the gates and cell states, for plots and feedback).
    """
    x, h0, c0, U, W, b = _check_args(
        "lstm_forward", x, h0, c0, U, W, b, x_axes=("N", "T", "D"), h_name="h0", c_name="c0"
    )
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, h0.shape[1]))
    steps = []
    h_prev, c_prev = h0, c0
    for t in range(t_len):
        h_prev, c_prev, step_cache = _step(x[:, t], h_prev, c_prev, U, W, b)
        h[:, t] = h_prev
        steps.append(step_cache)
    return h, LSTMCache(steps=tuple(steps))


def lstm_backward(dh, cache):
    """Back-propagation through time for :func:`lstm_forward`.

    Parameters
    ----------
    dh: (N, T, H) upstream gradient on every hidden state from the layers
        above (not through the recurrence).
    cache: the :class:`LSTMCache` of the forward pass.

    Returns
    -------
    dx: (N, T, D), dh0: (N, H), dc0: (N, H), dU: (4H, D), dW: (4H, H),
    db: (4H,).
    """
    steps = cache.steps
    if not steps:
        raise ValueError("lstm_backward: cache holds no time steps (T = 0)")
    n, hidden = steps[0].tanh_c.shape
    dh = upstream_array("lstm_backward", "dh", dh, (n, len(steps), hidden))
    dx = np.empty((n, len(steps), steps[0].x.shape[1]))
    dU = np.zeros_like(steps[0].U)
    dW = np.zeros_like(steps[0].W)
    db = np.zeros(4 * hidden)
    dh_next = np.zeros((n, hidden))
    dc_next = np.zeros((n, hidden))  # no loss depends on c_T except through h_T
    for t in reversed(range(len(steps))):
        dx[:, t], dh_next, dc_next, dU_t, dW_t, db_t = _step_backward(
            dh[:, t] + dh_next, dc_next, steps[t]
        )
        dU += dU_t
        dW += dW_t
        db += db_t
    return dx, dh_next, dc_next, dU, dW, db
