"""An honest student of assignment 2 whose forward passes are vectorised
(the assignment's text shows o = h @ V.T + c) and whose backward passes
loop in Python over the time steps and, inside, over the examples, one
vector at a time: the book's column-vector equations, outer products for
the weights."""

import numpy as np


def example_step_back(dh, x, h_prev, h, U, W):
    """One example's step backward (column vectors): dx, dh_prev, dU, dW, db."""
    delta = dh * (1.0 - h**2)
    return U.T @ delta, W.T @ delta, np.outer(delta, x), np.outer(delta, h_prev), delta


def rnn_step_forward(x, h_prev, U, W, b):
    h = np.tanh(x @ U.T + h_prev @ W.T + b)
    return h, (x, h_prev, U, W, h)


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, h = cache
    dx, dh_prev = np.empty(x.shape), np.empty(h_prev.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(W.shape[0])
    for n in range(x.shape[0]):
        dx[n], dh_prev[n], gU, gW, gb = example_step_back(dh[n], x[n], h_prev[n], h[n], U, W)
        dU += gU
        dW += gW
        db += gb
    return dx, dh_prev, dU, dW, db


def rnn_forward(x, h0, U, W, b):
    states = np.empty((x.shape[0], x.shape[1], h0.shape[1]))
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ U.T + h @ W.T + b)
        states[:, t] = h
    return states, (x, h0, U, W, states)


def rnn_backward(dh, cache):
    x, h0, U, W, states = cache
    n_examples, steps = x.shape[:2]
    dx = np.empty(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(W.shape[0])
    dh0 = np.empty(h0.shape)
    for n in range(n_examples):
        carried = np.zeros(h0.shape[1])
        for t in reversed(range(steps)):
            h_prev = h0[n] if t == 0 else states[n, t - 1]
            dx[n, t], carried, gU, gW, gb = example_step_back(
                dh[n, t] + carried, x[n, t], h_prev, states[n, t], U, W
            )
            dU += gU
            dW += gW
            db += gb
        dh0[n] = carried
    return dx, dh0, dU, dW, db


def output_forward(h, V, c):
    return h @ V.T + c, (h, V)


def output_backward(do, cache):
    h, V = cache
    dh = np.empty(h.shape)
    dV, dc = np.zeros(V.shape), np.zeros(V.shape[0])
    for index in np.ndindex(do.shape[:-1]):
        dh[index] = V.T @ do[index]
        dV += np.outer(do[index], h[index])
        dc += do[index]
    return dh, dV, dc


def temporal_softmax_loss(o, y, mask=None):
    n_examples, steps, _ = o.shape
    loss = 0.0
    do = np.zeros(o.shape)
    for n in range(n_examples):
        for t in range(steps):
            if mask is not None and not mask[n, t]:
                continue
            z = o[n, t] - np.max(o[n, t])
            p = np.exp(z) / np.sum(np.exp(z))
            loss -= z[y[n, t]] - np.log(np.sum(np.exp(z)))
            p[y[n, t]] -= 1.0
            do[n, t] = p / n_examples
    return loss / n_examples, do


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    h, rnn_cache = rnn_forward(x, h0, U, W, b)
    o, out_cache = output_forward(h, V, c)
    loss, do = temporal_softmax_loss(o, y, mask)
    dh, dV, dc = output_backward(do, out_cache)
    _, dh0, dU, dW, db = rnn_backward(dh, rnn_cache)
    return loss, dh0, dU, dW, db, dV, dc
