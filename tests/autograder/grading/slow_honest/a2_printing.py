"""An honest student of assignment 2 who left the debugging prints in: the
step backward prints its five gradients and the full backward a line per
time step, two arrays formatted in an f-string (before print is even
called). On the timing input (30 steps) formatting those arrays costs far
more CPU than the arithmetic; the measurement silences printing and shows
arrays without their values, so the backward is measured on what it
computes."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    h = np.tanh(x @ U.T + h_prev @ W.T + b)
    return h, (x, h_prev, U, W, h)


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, h = cache
    da = dh * (1.0 - h**2)
    dx, dh_prev = da @ U, da @ W
    dU, dW, db = da.T @ x, da.T @ h_prev, da.sum(axis=0)
    print("dx", dx)
    print("dh_prev", dh_prev)
    print("dU", dU)
    print("dW", dW)
    print("db", db)
    return dx, dh_prev, dU, dW, db


def rnn_forward(x, h0, U, W, b):
    states, caches = [], []
    h = h0
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, U, W, b)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def rnn_backward(dh, cache):
    dx = np.zeros(dh.shape[:2] + (cache[0][0].shape[1],))
    dh_prev = np.zeros(dh[:, 0].shape)
    dU, dW, db = 0.0, 0.0, 0.0
    for t in reversed(range(dh.shape[1])):
        print(f"step {t}: |dh| = {np.linalg.norm(dh[:, t] + dh_prev):.4f}")
        dx[:, t], dh_prev, dU_t, dW_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, cache[t])
        print(f"t={t}: dh_next={dh_prev} dx_t={dx[:, t]}")
        dU, dW, db = dU + dU_t, dW + dW_t, db + db_t
    return dx, dh_prev, dU, dW, db
