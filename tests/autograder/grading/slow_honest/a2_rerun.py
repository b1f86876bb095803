"""An honest student of assignment 2 who caches only the inputs and runs
the forward pass again inside every backward pass: rnn_backward reruns
rnn_forward for the states, then calls rnn_step_backward at every step,
which runs rnn_step_forward again; rnn_loss's backward reruns the whole
model. The loss loops over the time steps."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    return np.tanh(x @ U.T + h_prev @ W.T + b), (x, h_prev, U, W, b)


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, b = cache
    h, _ = rnn_step_forward(x, h_prev, U, W, b)
    da = dh * (1.0 - h * h)
    return da @ U, da @ W, da.T @ x, da.T @ h_prev, np.sum(da, axis=0)


def rnn_forward(x, h0, U, W, b):
    states = []
    h = h0
    for t in range(x.shape[1]):
        h, _ = rnn_step_forward(x[:, t], h, U, W, b)
        states.append(h)
    return np.stack(states, axis=1), (x, h0, U, W, b)


def rnn_backward(dh, cache):
    x, h0, U, W, b = cache
    states, _ = rnn_forward(x, h0, U, W, b)
    dx = np.zeros(x.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(b.shape)
    carried = np.zeros(h0.shape)
    for t in range(x.shape[1] - 1, -1, -1):
        h_prev = h0 if t == 0 else states[:, t - 1]
        dx[:, t], carried, gU, gW, gb = rnn_step_backward(
            dh[:, t] + carried, (x[:, t], h_prev, U, W, b)
        )
        dU, dW, db = dU + gU, dW + gW, db + gb
    return dx, carried, dU, dW, db


def output_forward(h, V, c):
    return np.einsum("...h,kh->...k", h, V) + c, (h, V, c)


def output_backward(do, cache):
    h, V, _ = cache
    dh = np.einsum("...k,kh->...h", do, V)
    rows_do, rows_h = do.reshape(-1, V.shape[0]), h.reshape(-1, V.shape[1])
    return dh, np.einsum("rk,rh->kh", rows_do, rows_h), rows_do.sum(axis=0)


def temporal_softmax_loss(o, y, mask=None):
    n, steps, _ = o.shape
    weights = np.ones((n, steps)) if mask is None else mask.astype(np.float64)
    loss = 0.0
    do = np.empty(o.shape)
    for t in range(steps):
        z = o[:, t] - o[:, t].max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss -= np.sum(log_p[np.arange(n), y[:, t]] * weights[:, t])
        p = np.exp(log_p)
        p[np.arange(n), y[:, t]] -= 1.0
        do[:, t] = p * weights[:, t, None] / n
    return loss / n, do


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    h, _ = rnn_forward(x, h0, U, W, b)
    o, _ = output_forward(h, V, c)
    loss, do = temporal_softmax_loss(o, y, mask)
    dh, dV, dc = output_backward(do, (h, V, c))
    _, dh0, dU, dW, db = rnn_backward(dh, (x, h0, U, W, b))
    return loss, dh0, dU, dW, db, dV, dc
