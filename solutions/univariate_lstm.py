"""The all-scalar LSTM of the homework source, forward and backward.

Every quantity is a real number; each gate has its own three scalar
weights (notation of the source, with X_t the input)::

    f_t = sigma(W^{hf} h_{t-1} + W^{xf} X_t + W^f_0)
    i_t = sigma(W^{hi} h_{t-1} + W^{xi} X_t + W^i_0)
    o_t = sigma(W^{ho} h_{t-1} + W^{xo} X_t + W^o_0)
    C~_t = tanh(W^{hc} h_{t-1} + W^{xc} X_t + W^c_0)
    C_t = f_t C_{t-1} + i_t C~_t
    h_t = o_t tanh(C_t)
    y_t = sigma(W^y h_t + W^y_0)

The weights are a dict with the keys of :data:`WEIGHT_NAMES` (W_hf for
W^{hf}, W_f0 for W^f_0, and so on). A sequence is an array of shape (T,).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from solutions._validation import float_array, upstream_array
from solutions.activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output

GATES = ("f", "i", "o", "c")
"""The three gates and the candidate (c for C~), in the source's order."""

WEIGHT_NAMES = tuple(
    name for gate in GATES for name in (f"W_h{gate}", f"W_x{gate}", f"W_{gate}0")
) + ("W_y", "W_y0")
"""W_hf, W_xf, W_f0, W_hi, ..., W_hc, W_xc, W_c0, W_y, W_y0."""


@dataclass(frozen=True)
class UnivariateLSTMCache:
    """Everything the backward pass needs, each an array of shape (T,).

    x: inputs X_t; h_prev, c_prev: h_{t-1} and C_{t-1}; f, i, o, c_tilde: the
    gates and the candidate; tanh_c: tanh(C_t); y: outputs y_t;
    weights: the weight dict of the forward pass.
    """

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    f: np.ndarray
    i: np.ndarray
    o: np.ndarray
    c_tilde: np.ndarray
    tanh_c: np.ndarray
    y: np.ndarray
    weights: Mapping[str, float]


@dataclass(frozen=True)
class UnivariateLSTMGradients:
    """Gradients of the loss, for the book and for feedback.

    weights: dict name -> float, dL/dW for every weight, summed over time.
    dx: (T,) dL/dX_t. dh0, dc0: floats, dL/dh_0 and dL/dC_0.
    dh, dc: (T,) the full dL/dh_t and dL/dC_t, including what flows back
    from step t+1. df, di, do, dc_tilde: (T,) gradients of the gates.
    """

    weights: dict[str, float]
    dx: np.ndarray
    dh0: float
    dc0: float
    dh: np.ndarray
    dc: np.ndarray
    df: np.ndarray
    di: np.ndarray
    do: np.ndarray
    dc_tilde: np.ndarray


def check_weights(func: str, weights: Mapping[str, float]) -> dict[str, float]:
    """Return the weights as a dict of floats, or raise ValueError naming
    the missing, unexpected or non-finite keys."""
    if not isinstance(weights, Mapping):
        raise ValueError(
            f"{func}: weights must be a dict with keys {', '.join(WEIGHT_NAMES)}, "
            f"got {type(weights).__name__}"
        )
    missing = [name for name in WEIGHT_NAMES if name not in weights]
    extra = [name for name in weights if name not in WEIGHT_NAMES]
    if missing or extra:
        raise ValueError(
            f"{func}: weights must have exactly the keys {', '.join(WEIGHT_NAMES)}; "
            f"missing: {missing or 'none'}, unexpected: {extra or 'none'}"
        )
    checked = {}
    for name in WEIGHT_NAMES:
        value = float_array(func, f"weights[{name!r}]", weights[name], (), {})
        checked[name] = float(value)
    return checked


def univariate_lstm_forward(x, weights, h0=0.0, c0=0.0):
    """Run the scalar LSTM over a sequence.

    Parameters
    ----------
    x: (T,) inputs X_1 ... X_T.
    weights: dict with the keys of :data:`WEIGHT_NAMES`.
    h0, c0: initial hidden and cell states (floats).

    Returns
    -------
    y: (T,) outputs y_t = sigma(W^y h_t + W^y_0).
    cache: :class:`UnivariateLSTMCache`.
    """
    func = "univariate_lstm_forward"
    x = float_array(func, "x", x, ("T",), {})
    w = check_weights(func, weights)
    h_prev = float(float_array(func, "h0", h0, (), {}))
    c_prev = float(float_array(func, "c0", c0, (), {}))
    t_len = x.shape[0]
    record = {key: np.empty(t_len) for key in ("h_prev", "c_prev", "f", "i", "o", "c_tilde")}
    record.update(tanh_c=np.empty(t_len), y=np.empty(t_len))
    for t in range(t_len):
        pre = {gate: w[f"W_h{gate}"] * h_prev + w[f"W_x{gate}"] * x[t] + w[f"W_{gate}0"]
               for gate in GATES}  # fmt: skip
        f, i, o = sigmoid(pre["f"]), sigmoid(pre["i"]), sigmoid(pre["o"])
        c_tilde = np.tanh(pre["c"])
        c = f * c_prev + i * c_tilde
        tanh_c = np.tanh(c)
        h = o * tanh_c
        values = dict(h_prev=h_prev, c_prev=c_prev, f=f, i=i, o=o, c_tilde=c_tilde,
                      tanh_c=tanh_c, y=sigmoid(w["W_y"] * h + w["W_y0"]))  # fmt: skip
        for key, value in values.items():
            record[key][t] = value
        h_prev, c_prev = h, c
    cache = UnivariateLSTMCache(x=x, weights=w, **record)
    return record["y"].copy(), cache


def univariate_lstm_backward(dy, cache):
    """Gradients of a loss L whose upstream gradient dL/dy_t is given.

    Parameters
    ----------
    dy: (T,) upstream gradient on every output y_t.
    cache: the :class:`UnivariateLSTMCache` of the forward pass.

    Returns
    -------
    :class:`UnivariateLSTMGradients`. Its ``weights["W_hi"]`` is the sum over
    t of h_{t-1} i_t (1 - i_t) dL/di_t, with dL/di_t = C~_t dL/dC_t and
    dL/dC_t including f_{t+1} dL/dC_{t+1} (book, equation ``ulstm-dWhi``).
    """
    t_len = cache.x.shape[0]
    dy = upstream_array("univariate_lstm_backward", "dy", dy, (t_len,))
    w = cache.weights
    grads = {name: 0.0 for name in WEIGHT_NAMES}
    out = {key: np.zeros(t_len) for key in ("dx", "dh", "dc", "df", "di", "do", "dc_tilde")}
    dh_next = 0.0  # dL/dh_t through step t+1's pre-activations
    dc_next = 0.0  # dL/dC_{t+1}, to be multiplied by f_{t+1}
    f_next = 0.0
    for t in reversed(range(t_len)):
        h_t = cache.o[t] * cache.tanh_c[t]
        dz_y = dy[t] * sigmoid_grad_from_output(cache.y[t])
        grads["W_y"] += dz_y * h_t
        grads["W_y0"] += dz_y
        dh = dz_y * w["W_y"] + dh_next
        dc = dh * cache.o[t] * tanh_grad_from_output(cache.tanh_c[t]) + f_next * dc_next
        gate_grads = {
            "o": dh * cache.tanh_c[t],
            "f": dc * cache.c_prev[t],
            "i": dc * cache.c_tilde[t],
            "c": dc * cache.i[t],
        }
        local_slope = {
            "o": sigmoid_grad_from_output(cache.o[t]),
            "f": sigmoid_grad_from_output(cache.f[t]),
            "i": sigmoid_grad_from_output(cache.i[t]),
            "c": tanh_grad_from_output(cache.c_tilde[t]),
        }
        dh_next = 0.0
        dx = 0.0
        for gate in GATES:
            dz = gate_grads[gate] * local_slope[gate]
            grads[f"W_h{gate}"] += dz * cache.h_prev[t]
            grads[f"W_x{gate}"] += dz * cache.x[t]
            grads[f"W_{gate}0"] += dz
            dh_next += dz * w[f"W_h{gate}"]
            dx += dz * w[f"W_x{gate}"]
        for key, value in (("dx", dx), ("dh", dh), ("dc", dc), ("df", gate_grads["f"]),
                           ("di", gate_grads["i"]), ("do", gate_grads["o"]),
                           ("dc_tilde", gate_grads["c"])):  # fmt: skip
            out[key][t] = value
        dc_next, f_next = dc, cache.f[t]
    return UnivariateLSTMGradients(
        weights=grads, dh0=float(dh_next), dc0=float(f_next * dc_next), **out
    )
