"""An honest student of assignment 2 who caches pre-activations and
recomputes tanh in the backward pass, uses while loops over time, flattens
the output layer to 2-D, and takes the log-sum-exp with np.logaddexp."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    a = b + h_prev.dot(W.T) + x.dot(U.T)
    return np.tanh(a), {"a": a, "x": x, "h_prev": h_prev, "U": U, "W": W}


def rnn_step_backward(dh, cache):
    t = np.tanh(cache["a"])
    da = dh * (1.0 - t * t)
    db = da.sum(axis=0)
    dW = da.T.dot(cache["h_prev"])
    dU = da.T.dot(cache["x"])
    dh_prev = da.dot(cache["W"])
    dx = da.dot(cache["U"])
    return dx, dh_prev, dU, dW, db


def rnn_forward(x, h0, U, W, b):
    T = x.shape[1]
    t = 0
    states, steps = [], []
    h = h0
    while t < T:
        h, step = rnn_step_forward(x[:, t, :], h, U, W, b)
        states.append(h)
        steps.append(step)
        t += 1
    return np.stack(states, 1), {"steps": steps, "D": x.shape[2]}


def rnn_backward(dh, cache):
    steps = cache["steps"]
    grads = {"U": 0.0, "W": 0.0, "b": 0.0}
    dx = np.zeros((*dh.shape[:2], cache["D"]))
    d_next = 0.0 * dh[:, 0]
    t = len(steps) - 1
    while t >= 0:
        dx[:, t, :], d_next, gU, gW, gb = rnn_step_backward(dh[:, t, :] + d_next, steps[t])
        grads["U"] = grads["U"] + gU
        grads["W"] = grads["W"] + gW
        grads["b"] = grads["b"] + gb
        t -= 1
    return dx, d_next, grads["U"], grads["W"], grads["b"]


def output_forward(h, V, c):
    shape = h.shape
    o = h.reshape(-1, shape[-1]).dot(V.T) + c
    return o.reshape((*shape[:-1], V.shape[0])), {"h": h, "V": V}


def output_backward(do, cache):
    h, V = cache["h"], cache["V"]
    g = do.reshape(-1, do.shape[-1])
    dh = g.dot(V).reshape(h.shape)
    dV = g.T.dot(h.reshape(-1, h.shape[-1]))
    dc = g.sum(axis=0)
    return dh, dV, dc


def temporal_softmax_loss(o, y, mask=None):
    N = o.shape[0]
    lse = np.logaddexp.reduce(o, axis=-1)
    picked = np.take_along_axis(o, y[:, :, None], axis=2).squeeze(2)
    m = np.ones_like(lse) if mask is None else mask * 1.0
    loss = np.sum((lse - picked) * m) / N
    onehot = (np.arange(o.shape[-1]) == y[..., None]).astype(float)
    do = (np.exp(o - lse[..., None]) - onehot) * m[..., None] / N
    return float(loss), do


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    h_all, c_rnn = rnn_forward(x, h0, U, W, b)
    o, c_out = output_forward(h_all, V, c)
    loss, do = temporal_softmax_loss(o, y, mask=mask)
    dh_all, dV, dc = output_backward(do, c_out)
    _, dh0, dU, dW, db = rnn_backward(dh_all, c_rnn)
    return loss, dh0, dU, dW, db, dV, dc
