"""An honest student of assignment 2 who follows the book's column-vector
equations one example at a time: loops over the batch, outer products,
lists stacked at the end, a loop over (example, step) for the loss."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    n_examples = x.shape[0]
    new = np.empty((n_examples, W.shape[0]))
    for n in range(n_examples):
        new[n] = np.tanh(b + W @ h_prev[n] + U @ x[n])
    return new, (x, h_prev, U, W, new)


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, h = cache
    dx = np.zeros_like(x)
    dh_prev = np.zeros_like(h_prev)
    dU = np.zeros_like(U)
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[0])
    for n in range(x.shape[0]):
        delta = dh[n] * (1.0 - h[n] ** 2)
        dx[n] = U.T @ delta
        dh_prev[n] = W.T @ delta
        dU += np.outer(delta, x[n])
        dW += np.outer(delta, h_prev[n])
        db += delta
    return dx, dh_prev, dU, dW, db


def rnn_forward(x, h0, U, W, b):
    h = h0
    outputs, caches = [], []
    for x_t in np.moveaxis(x, 1, 0):
        h, cache = rnn_step_forward(x_t, h, U, W, b)
        outputs.append(h)
        caches.append(cache)
    return np.stack(outputs, axis=1), caches


def rnn_backward(dh, cache):
    dx_steps = [None] * len(cache)
    dU = dW = db = 0.0
    d_next = np.zeros_like(dh[:, 0])
    for t, step_cache in reversed(list(enumerate(cache))):
        dx_t, d_next, dU_t, dW_t, db_t = rnn_step_backward(dh[:, t] + d_next, step_cache)
        dx_steps[t] = dx_t
        dU = dU + dU_t
        dW = dW + dW_t
        db = db + db_t
    return np.stack(dx_steps, axis=1), d_next, dU, dW, db


def output_forward(h, V, c):
    rows = h.reshape(-1, h.shape[-1])
    o = np.array([V @ row + c for row in rows])
    return o.reshape(*h.shape[:-1], V.shape[0]), (h, V)


def output_backward(do, cache):
    h, V = cache
    do_rows = do.reshape(-1, do.shape[-1])
    h_rows = h.reshape(-1, h.shape[-1])
    dh = np.array([V.T @ g for g in do_rows]).reshape(h.shape)
    dV = np.zeros_like(V)
    dc = np.zeros(V.shape[0])
    for g, row in zip(do_rows, h_rows, strict=True):
        dV += np.outer(g, row)
        dc += g
    return dh, dV, dc


def temporal_softmax_loss(o, y, mask=None):
    N, T, _ = o.shape
    loss = 0.0
    do = np.zeros_like(o)
    for n in range(N):
        for t in range(T):
            if mask is not None and not mask[n, t]:
                continue
            z = o[n, t] - o[n, t].max()
            log_norm = np.log(np.exp(z).sum())
            loss -= z[y[n, t]] - log_norm
            p = np.exp(z - log_norm)
            p[y[n, t]] -= 1.0
            do[n, t] = p / N
    return loss / N, do


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    h, caches = rnn_forward(x, h0, U, W, b)
    o, out_cache = output_forward(h, V, c)
    loss, do = temporal_softmax_loss(o, y, mask)
    dh, dV, dc = output_backward(do, out_cache)
    dh0, dU, dW, db = rnn_backward(dh, caches)[1:]
    return loss, dh0, dU, dW, db, dV, dc
