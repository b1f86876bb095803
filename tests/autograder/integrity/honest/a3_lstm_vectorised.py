"""An honest student of assignment 3: vectorised with np.dot, np.split into
the four gates, np.hstack for their gradients, dictionaries as caches and a
countdown loop."""

import numpy as np


def sigmoid(a):
    """Logistic function 1 / (1 + exp(-a)), elementwise, any shape."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    z = np.dot(x, U.T) + np.dot(h_prev, W.T) + b
    zi, zf, zg, zo = np.split(z, 4, axis=1)
    gi, gf, go = sigmoid(zi), sigmoid(zf), sigmoid(zo)
    gg = np.tanh(zg)
    c = gf * c_prev + gi * gg
    tc = np.tanh(c)
    h = go * tc
    memo = {"x": x, "hp": h_prev, "cp": c_prev, "U": U, "W": W}
    memo.update(i=gi, f=gf, g=gg, o=go, tc=tc)
    return h, c, memo


def lstm_step_backward(dh, dc, cache):
    k = cache
    dct = dc + dh * k["o"] * (1 - k["tc"] ** 2)
    dzi = dct * k["g"] * k["i"] * (1 - k["i"])
    dzf = dct * k["cp"] * k["f"] * (1 - k["f"])
    dzg = dct * k["i"] * (1 - k["g"] ** 2)
    dzo = dh * k["tc"] * k["o"] * (1 - k["o"])
    dz = np.hstack([dzi, dzf, dzg, dzo])
    return (
        np.dot(dz, k["U"]),
        np.dot(dz, k["W"]),
        dct * k["f"],
        np.dot(dz.T, k["x"]),
        np.dot(dz.T, k["hp"]),
        dz.sum(axis=0),
    )


def lstm_forward(x, h0, c0, U, W, b):
    N, T, _ = x.shape
    hs = np.zeros((N, T, h0.shape[1]))
    memos = []
    h, c = h0, c0
    for step in range(T):
        h, c, memo = lstm_step_forward(x[:, step, :], h, c, U, W, b)
        hs[:, step, :] = h
        memos.append(memo)
    return hs, memos


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    grad_x = np.zeros((N, T, cache[0]["x"].shape[1]))
    grad_U = np.zeros_like(cache[0]["U"])
    grad_W = np.zeros_like(cache[0]["W"])
    grad_b = np.zeros(4 * H)
    carry_h = np.zeros((N, H))
    carry_c = np.zeros((N, H))
    for step in range(T - 1, -1, -1):
        gx, carry_h, carry_c, gU, gW, gb = lstm_step_backward(
            dh[:, step, :] + carry_h, carry_c, cache[step]
        )
        grad_x[:, step, :] = gx
        grad_U = grad_U + gU
        grad_W = grad_W + gW
        grad_b = grad_b + gb
    return grad_x, carry_h, carry_c, grad_U, grad_W, grad_b
