"""Assignment 3's forward passes over a stack of copies (a leading axis),
each copy with its own inputs and weights: what the vectorised numerical
forms evaluate their perturbations with."""

import numpy as np


def batched_lstm_step(x, h_prev, c_prev, U, W, b):
    """(h, c) of one LSTM step for stacks of copies."""
    hidden = h_prev.shape[-1]
    a = x @ np.swapaxes(U, 1, 2) + h_prev @ np.swapaxes(W, 1, 2) + b[:, None, :]
    gate = 0.5 * (1.0 + np.tanh(0.5 * a))  # the sigmoid of every block (g is overwritten)
    c = gate[..., hidden : 2 * hidden] * c_prev + gate[..., :hidden] * np.tanh(
        a[..., 2 * hidden : 3 * hidden]
    )
    return gate[..., 3 * hidden :] * np.tanh(c), c


def batched_lstm_sequence(x, h0, c0, U, W, b):
    """Hidden states (copies, N, T, H) of the LSTM for stacks of copies."""
    states = []
    h, c = h0, c0
    for t in range(x.shape[2]):
        h, c = batched_lstm_step(x[:, :, t], h, c, U, W, b)
        states.append(h)
    return np.stack(states, axis=2)
