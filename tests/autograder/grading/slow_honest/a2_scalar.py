"""An honest student of assignment 2 who writes the backward passes with
Python loops over every entry of the matrices (scalar products by hand),
after vectorised forward passes: the slowest honest style we measured,
far slower than loops over the batch."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    h = np.tanh(x @ U.T + h_prev @ W.T + b)
    return h, (x, h_prev, U, W, h)


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, h = cache
    n_examples, n_in = x.shape
    hidden = W.shape[0]
    dx, dh_prev = np.zeros(x.shape), np.zeros(h_prev.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(hidden)
    for n in range(n_examples):
        for i in range(hidden):
            delta = dh[n, i] * (1.0 - h[n, i] ** 2)
            db[i] += delta
            for j in range(n_in):
                dU[i, j] += delta * x[n, j]
                dx[n, j] += U[i, j] * delta
            for k in range(hidden):
                dW[i, k] += delta * h_prev[n, k]
                dh_prev[n, k] += W[i, k] * delta
    return dx, dh_prev, dU, dW, db


def rnn_backward(dh, cache):
    n_examples, steps, hidden = dh.shape
    dx = np.empty((n_examples, steps, cache[0][0].shape[1]))
    dU = dW = db = 0.0
    carried = np.zeros((n_examples, hidden))
    for t in reversed(range(steps)):
        dx[:, t], carried, gU, gW, gb = rnn_step_backward(dh[:, t] + carried, cache[t])
        dU, dW, db = dU + gU, dW + gW, db + gb
    return dx, carried, dU, dW, db


def output_backward(do, cache):
    h, V = cache
    rows_do = do.reshape(-1, do.shape[-1])
    rows_h = h.reshape(-1, h.shape[-1])
    dh = np.zeros(rows_h.shape)
    dV, dc = np.zeros(V.shape), np.zeros(V.shape[0])
    for r in range(rows_do.shape[0]):
        for k in range(V.shape[0]):
            dc[k] += rows_do[r, k]
            for j in range(V.shape[1]):
                dV[k, j] += rows_do[r, k] * rows_h[r, j]
                dh[r, j] += V[k, j] * rows_do[r, k]
    return dh.reshape(h.shape), dV, dc
