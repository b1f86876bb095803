"""An honest student of assignment 3 who fills one preallocated (N, 4H)
array block by block instead of concatenating, keeps the whole sequence in
arrays rather than a list of step caches, and uses while loops."""

import numpy as np


def sigmoid(a):
    """Logistic function 1 / (1 + exp(-a)), elementwise, any shape."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    H = c_prev.shape[1]
    act = h_prev.dot(W.T) + x.dot(U.T) + b
    act[:, : 3 * H] = np.where(
        np.arange(3 * H) < 2 * H, sigmoid(act[:, : 3 * H]), np.tanh(act[:, : 3 * H])
    )
    act[:, 3 * H :] = sigmoid(act[:, 3 * H :])
    c = act[:, H : 2 * H] * c_prev + act[:, :H] * act[:, 2 * H : 3 * H]
    h = act[:, 3 * H :] * np.tanh(c)
    return h, c, (x, h_prev, c_prev, U, W, act, c)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, act, c = cache
    H = c.shape[1]
    i, f, g, o = act[:, :H], act[:, H : 2 * H], act[:, 2 * H : 3 * H], act[:, 3 * H :]
    t = np.tanh(c)
    dcell = dc + dh * o * (1 - t * t)
    dact = np.empty_like(act)
    dact[:, :H] = dcell * g * i * (1 - i)
    dact[:, H : 2 * H] = dcell * c_prev * f * (1 - f)
    dact[:, 2 * H : 3 * H] = dcell * i * (1 - g * g)
    dact[:, 3 * H :] = dh * t * o * (1 - o)
    db = dact.sum(axis=0)
    dW = dact.T.dot(h_prev)
    dU = dact.T.dot(x)
    dh_prev = dact.dot(W)
    dx = dact.dot(U)
    return dx, dh_prev, dcell * f, dU, dW, db


def lstm_forward(x, h0, c0, U, W, b):
    N, T, _ = x.shape
    H = h0.shape[1]
    hs = np.empty((N, T + 1, H))
    cs = np.empty((N, T + 1, H))
    acts = np.empty((N, T, 4 * H))
    hs[:, 0], cs[:, 0] = h0, c0
    t = 0
    while t < T:
        hs[:, t + 1], cs[:, t + 1], step = lstm_step_forward(x[:, t], hs[:, t], cs[:, t], U, W, b)
        acts[:, t] = step[5]
        t += 1
    return hs[:, 1:].copy(), {"x": x, "hs": hs, "cs": cs, "acts": acts, "U": U, "W": W}


def lstm_backward(dh, cache):
    x, hs, cs, acts = cache["x"], cache["hs"], cache["cs"], cache["acts"]
    T = x.shape[1]
    dx = np.zeros_like(x)
    dU = np.zeros_like(cache["U"])
    dW = np.zeros_like(cache["W"])
    db = np.zeros(acts.shape[2])
    gh = np.zeros_like(hs[:, 0])
    gc = np.zeros_like(cs[:, 0])
    t = T - 1
    while t >= 0:
        step = (x[:, t], hs[:, t], cs[:, t], cache["U"], cache["W"], acts[:, t], cs[:, t + 1])
        dx[:, t], gh, gc, gU, gW, gb = lstm_step_backward(dh[:, t] + gh, gc, step)
        dU += gU
        dW += gW
        db += gb
        t -= 1
    return dx, gh, gc, dU, dW, db
