"""Assignment 2 with the finite differences in the forward passes: each
forward pass computes the Jacobian of its output with respect to every
argument (vectorised centred differences) and caches it, so that its
backward pass is one product with the upstream gradient. The losses are
the vectorised finite differences (a2_batched_fd)."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821

import numpy as np


def rnn_step_forward(x, h_prev, U, W, b):
    args = (x, h_prev, U, W, b)
    jacobians = batched_gradients(copies_scalar("batched_step"), args)
    return np.tanh(x @ U.T + h_prev @ W.T + b), (args, jacobians)


def rnn_step_backward(dh, cache):
    return tuple(np.tensordot(jacobian, dh, axes=dh.ndim) for jacobian in cache[1])


def rnn_forward(x, h0, U, W, b):
    args = (x, h0, U, W, b)
    jacobians = batched_gradients(copies_scalar("batched_sequence"), args)
    return batched_sequence(*(np.asarray(a)[None] for a in args))[0], (args, jacobians)


def rnn_backward(dh, cache):
    return tuple(np.tensordot(jacobian, dh, axes=dh.ndim) for jacobian in cache[1])


def output_forward(h, V, c):
    jacobians = batched_gradients(copies_scalar("batched_output"), (h, V, c))
    return h @ V.T + c, jacobians


def output_backward(do, cache):
    flat = do.reshape(-1, do.shape[-1])
    return tuple(np.tensordot(jacobian, flat, axes=2) for jacobian in cache)
