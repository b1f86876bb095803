"""An honest student of assignment 2 who writes every product with einsum,
keeps all hidden states in one array as the sequence cache, and writes the
backward loop over time without calling the step backward."""

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    a = np.einsum("nd,hd->nh", x, U) + np.einsum("nk,hk->nh", h_prev, W) + b
    h = np.tanh(a)
    return h, (x, h_prev, U, W, h)


def rnn_step_backward(dh, cache):
    x, h_prev, U, W, h = cache
    da = dh * (1 - h * h)
    return (
        np.einsum("nh,hd->nd", da, U),
        np.einsum("nh,hk->nk", da, W),
        np.einsum("nh,nd->hd", da, x),
        np.einsum("nh,nk->hk", da, h_prev),
        np.einsum("nh->h", da),
    )


def rnn_forward(x, h0, U, W, b):
    N, T, _ = x.shape
    hs = np.empty((N, T + 1, W.shape[0]))
    hs[:, 0] = h0
    for t in range(T):
        hs[:, t + 1], _ = rnn_step_forward(x[:, t], hs[:, t], U, W, b)
    return hs[:, 1:].copy(), (x, hs, U, W)


def rnn_backward(dh, cache):
    x, hs, U, W = cache
    N, T, H = dh.shape
    dx = np.empty_like(x)
    dU = np.zeros_like(U)
    dW = np.zeros_like(W)
    db = np.zeros(H)
    running = np.zeros((N, H))
    for t in reversed(range(T)):
        da = (dh[:, t] + running) * (1 - hs[:, t + 1] ** 2)
        dx[:, t] = np.einsum("nh,hd->nd", da, U)
        running = np.einsum("nh,hk->nk", da, W)
        dU += np.einsum("nh,nd->hd", da, x[:, t])
        dW += np.einsum("nh,nk->hk", da, hs[:, t])
        db += da.sum(0)
    return dx, running, dU, dW, db


def output_forward(h, V, c):
    return np.einsum("...h,kh->...k", h, V) + c, (h, V)


def output_backward(do, cache):
    h, V = cache
    dh = np.einsum("...k,kh->...h", do, V)
    do_rows = do.reshape(-1, do.shape[-1])
    dV = np.einsum("mk,mh->kh", do_rows, h.reshape(-1, h.shape[-1]))
    dc = np.einsum("mk->k", do_rows)
    return dh, dV, dc


def temporal_softmax_loss(o, y, mask=None):
    N, T, _ = o.shape
    keep = np.ones(y.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    z = o - o.max(axis=-1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=-1, keepdims=True)
    nll = np.log(s[..., 0]) - np.take_along_axis(z, y[..., None], -1)[..., 0]
    loss = np.where(keep, nll, 0.0).sum() / N
    grad = e / s
    grad[np.arange(N)[:, None], np.arange(T)[None, :], y] -= 1.0
    grad *= keep[..., None] / N
    return float(loss), grad


def rnn_loss(x, y, h0, U, W, b, V, c, mask=None):
    hidden, cache_rnn = rnn_forward(x, h0, U, W, b)
    logits, cache_out = output_forward(hidden, V, c)
    loss, d_logits = temporal_softmax_loss(logits, y, mask)
    d_hidden, dV, dc = output_backward(d_logits, cache_out)
    _, dh0, dU, dW, db = rnn_backward(d_hidden, cache_rnn)
    return loss, dh0, dU, dW, db, dV, dc
