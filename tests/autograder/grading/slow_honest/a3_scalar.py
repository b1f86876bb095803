"""An honest student of assignment 3 whose step backward computes the gate
gradients vectorised but the products with the weights by Python loops
over every entry (scalar products by hand): the slowest honest style we
measured. lstm_backward is the instructor's loop over time."""

import numpy as np


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, i, f, g, o, tanh_c = cache
    dc_total = dc + dh * o * (1.0 - tanh_c**2)
    da = np.concatenate(
        [
            dc_total * g * i * (1.0 - i),
            dc_total * c_prev * f * (1.0 - f),
            dc_total * i * (1.0 - g**2),
            dh * tanh_c * o * (1.0 - o),
        ],
        axis=1,
    )
    dx, dh_prev = np.zeros(x.shape), np.zeros(h_prev.shape)
    dU, dW, db = np.zeros(U.shape), np.zeros(W.shape), np.zeros(U.shape[0])
    for n in range(x.shape[0]):
        for r in range(U.shape[0]):
            db[r] += da[n, r]
            for j in range(x.shape[1]):
                dU[r, j] += da[n, r] * x[n, j]
                dx[n, j] += U[r, j] * da[n, r]
            for k in range(h_prev.shape[1]):
                dW[r, k] += da[n, r] * h_prev[n, k]
                dh_prev[n, k] += W[r, k] * da[n, r]
    return dx, dh_prev, dc_total * f, dU, dW, db
