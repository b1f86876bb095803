"""An honest student of assignment 3 who writes every product with einsum,
keeps the gates in dictionaries keyed "i", "f", "g", "o", caches the
pre-activations and recomputes the activations in the backward pass."""

import numpy as np


def sigmoid(a):
    """Logistic function 1 / (1 + exp(-a)), elementwise, any shape."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    H = h_prev.shape[-1]
    pre = np.einsum("nd,gd->ng", x, U) + np.einsum("nk,gk->ng", h_prev, W) + b
    blocks = {name: pre[:, k * H : (k + 1) * H] for k, name in enumerate("ifgo")}
    act = {name: (np.tanh if name == "g" else sigmoid)(blocks[name]) for name in "ifgo"}
    c = act["f"] * c_prev + act["i"] * act["g"]
    h = act["o"] * np.tanh(c)
    return h, c, (x, h_prev, c_prev, U, W, pre, c)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, pre, c = cache
    H = h_prev.shape[-1]
    blocks = {name: pre[:, k * H : (k + 1) * H] for k, name in enumerate("ifgo")}
    act = {name: (np.tanh if name == "g" else sigmoid)(blocks[name]) for name in "ifgo"}
    tc = np.tanh(c)
    d_cell = dc + dh * act["o"] * (1 - tc**2)
    upstream = {"i": d_cell * act["g"], "f": d_cell * c_prev, "g": d_cell * act["i"]}
    upstream["o"] = dh * tc
    local = {name: act[name] * (1 - act[name]) for name in "ifo"}
    local["g"] = 1 - act["g"] ** 2
    d_pre = np.concatenate([upstream[name] * local[name] for name in "ifgo"], axis=-1)
    return (
        np.einsum("ng,gd->nd", d_pre, U),
        np.einsum("ng,gk->nk", d_pre, W),
        d_cell * act["f"],
        np.einsum("ng,nd->gd", d_pre, x),
        np.einsum("ng,nk->gk", d_pre, h_prev),
        np.einsum("ng->g", d_pre),
    )


def lstm_forward(x, h0, c0, U, W, b):
    N, T, _ = x.shape
    out = np.empty((N, T, h0.shape[-1]))
    steps = []
    state = (h0, c0)
    for t in range(T):
        h, c, step = lstm_step_forward(x[:, t], *state, U, W, b)
        out[:, t] = h
        state = (h, c)
        steps.append(step)
    return out, steps


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, _, U, W, _, _ = cache[0]
    dx = np.empty((N, T, x0.shape[-1]))
    total = [np.zeros_like(U), np.zeros_like(W), np.zeros(4 * H)]
    back_h, back_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], back_h, back_c, *weights = lstm_step_backward(
            dh[:, t] + back_h, back_c, cache[t]
        )
        total = [acc + g for acc, g in zip(total, weights, strict=True)]
    return (dx, back_h, back_c, *total)
