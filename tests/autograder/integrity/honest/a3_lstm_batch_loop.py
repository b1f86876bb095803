"""An honest student of assignment 3 who follows the book's column-vector
equations one example at a time: loops over the batch, gate blocks sliced
by rows of the weights, outer products, lists stacked at the end."""

import numpy as np


def sigmoid(a):
    """Logistic function 1 / (1 + exp(-a)), elementwise, any shape."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    H = h_prev.shape[1]
    h = np.empty_like(h_prev)
    c = np.empty_like(c_prev)
    gates = np.empty((x.shape[0], 4, H))
    for n in range(x.shape[0]):
        a = b + W @ h_prev[n] + U @ x[n]
        i, f, g, o = (a[k * H : (k + 1) * H] for k in range(4))
        i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
        c[n] = f * c_prev[n] + i * g
        h[n] = o * np.tanh(c[n])
        gates[n] = (i, f, g, o)
    return h, c, (x, h_prev, c_prev, U, W, gates, c)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, gates, c = cache
    dx = np.zeros_like(x)
    dh_prev = np.zeros_like(h_prev)
    dc_prev = np.zeros_like(c_prev)
    dU = np.zeros_like(U)
    dW = np.zeros_like(W)
    db = np.zeros(U.shape[0])
    for n in range(x.shape[0]):
        i, f, g, o = gates[n]
        tanh_c = np.tanh(c[n])
        delta_c = dc[n] + dh[n] * o * (1.0 - tanh_c**2)
        delta_a = np.concatenate(
            [
                delta_c * g * i * (1.0 - i),
                delta_c * c_prev[n] * f * (1.0 - f),
                delta_c * i * (1.0 - g**2),
                dh[n] * tanh_c * o * (1.0 - o),
            ]
        )
        dx[n] = U.T @ delta_a
        dh_prev[n] = W.T @ delta_a
        dc_prev[n] = delta_c * f
        dU += np.outer(delta_a, x[n])
        dW += np.outer(delta_a, h_prev[n])
        db += delta_a
    return dx, dh_prev, dc_prev, dU, dW, db


def lstm_forward(x, h0, c0, U, W, b):
    h, c = h0, c0
    hs, caches = [], []
    for x_t in np.moveaxis(x, 1, 0):
        h, c, cache = lstm_step_forward(x_t, h, c, U, W, b)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def lstm_backward(dh, cache):
    dxs = [None] * len(cache)
    dU = dW = db = 0.0
    dh_next = np.zeros_like(dh[:, 0])
    dc_next = np.zeros_like(dh[:, 0])
    for t, step_cache in reversed(list(enumerate(cache))):
        dxs[t], dh_next, dc_next, dU_t, dW_t, db_t = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, step_cache
        )
        dU = dU + dU_t
        dW = dW + dW_t
        db = db + db_t
    return np.stack(dxs, axis=1), dh_next, dc_next, dU, dW, db
