"""An honest student of assignment 2: vectorised with np.dot, dictionaries
as caches, a countdown loop, tensordot for the output layer, one-hot
labels from an identity matrix."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    pre = np.dot(x, U.T) + np.dot(h_prev, W.T) + b
    out = np.tanh(pre)
    memo = {"inp": x, "prev": h_prev, "Ux": U, "Wh": W, "out": out}
    return out, memo


def rnn_step_backward(dh, cache):
    g = dh * (1 - cache["out"] ** 2)
    grad_x = np.dot(g, cache["Ux"])
    grad_prev = np.dot(g, cache["Wh"])
    grad_U = np.dot(g.T, cache["inp"])
    grad_W = np.dot(g.T, cache["prev"])
    grad_b = np.sum(g, axis=0)
    return grad_x, grad_prev, grad_U, grad_W, grad_b


def rnn_forward(x, h0, U, W, b):
    N, T, _ = x.shape
    states = np.zeros((N, T, h0.shape[1]))
    memos = []
    prev = h0
    for step in range(T):
        prev, memo = rnn_step_forward(x[:, step, :], prev, U, W, b)
        states[:, step, :] = prev
        memos.append(memo)
    return states, memos


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0]["inp"].shape[1]
    grad_x = np.zeros((N, T, D))
    grad_U = np.zeros((H, D))
    grad_W = np.zeros((H, H))
    grad_b = np.zeros(H)
    carry = np.zeros((N, H))
    for step in range(T - 1, -1, -1):
        gx, carry, gU, gW, gb = rnn_step_backward(dh[:, step, :] + carry, cache[step])
        grad_x[:, step, :] = gx
        grad_U = grad_U + gU
        grad_W = grad_W + gW
        grad_b = grad_b + gb
    return grad_x, carry, grad_U, grad_W, grad_b


def output_forward(h, V, c):
    scores = np.dot(h, V.T) + c
    return scores, {"states": h, "V": V}


def output_backward(do, cache):
    h, V = cache["states"], cache["V"]
    grad_h = np.dot(do, V)
    leading = tuple(range(do.ndim - 1))
    grad_V = np.tensordot(do, h, axes=(leading, leading))
    grad_c = do.sum(axis=leading)
    return grad_h, grad_V, grad_c


def temporal_softmax_loss(o, y, mask=None):
    N, T, K = o.shape
    if mask is None:
        mask = np.ones((N, T), dtype=bool)
    weights = mask.astype(float)
    top = o.max(axis=2, keepdims=True)
    log_norm = top + np.log(np.exp(o - top).sum(axis=2, keepdims=True))
    logp = o - log_norm
    onehot = np.eye(K)[y]
    per_step = -(logp * onehot).sum(axis=2)
    total = (per_step * weights).sum() / N
    grad = (np.exp(logp) - onehot) * weights[:, :, None] / N
    return float(total), grad


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    states, rnn_memo = rnn_forward(x, h0, U, W, b)
    scores, out_memo = output_forward(states, V, c)
    loss, grad_scores = temporal_softmax_loss(scores, y, mask)
    grad_states, grad_V, grad_c = output_backward(grad_scores, out_memo)
    _, grad_h0, grad_U, grad_W, grad_b = rnn_backward(grad_states, rnn_memo)
    return loss, grad_h0, grad_U, grad_W, grad_b, grad_V, grad_c
