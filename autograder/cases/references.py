"""Reference outputs for every graded function, from the solutions package.

Forward outputs come from the reference forward; every gradient comes from
centred differences of the reference forward (solutions.gradcheck), never
from an analytic backward, so a mistake shared by a student and the
reference backward cannot pass.

Each function takes the inputs of one call ({argument name: array}, as
:func:`autograder.harness.checks.make_inputs` makes them) and the step h of
the differences, and returns the outputs in the order of the spec.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder.harness import checks
from solutions import gradcheck, lstm, rnn, softmax


def _rnn_args(i):
    return i["x"], i.get("h_prev", i.get("h0")), i["U"], i["W"], i["b"]


def _lstm_args(i):
    return (
        i["x"], i.get("h_prev", i.get("h0")), i.get("c_prev", i.get("c0")), i["U"], i["W"], i["b"]
    )  # fmt: skip


REFERENCES: dict[str, Callable[[dict, float], tuple]] = {
    "rel_error": lambda i, h: (np.float64(gradcheck.rel_error(i["a"], i["b"])),),
    "numerical_gradient": lambda i, h: (
        checks.smooth_test_gradient(i["x"], i["s"], i["t"]) * i["df"],
        i["x"],
    ),
    "softmax": lambda i, h: (softmax.softmax(i["z"]),),
    "softmax_jacobian": lambda i, h: (softmax.softmax_jacobian(i["z"]),),
    "softmax_cross_entropy": lambda i, h: (
        np.float64(softmax.softmax_cross_entropy(i["logits"], i["y"])[0]),
        gradcheck.softmax_cross_entropy_fd(i["logits"], i["y"], h=h),
    ),
    "temporal_softmax_loss": lambda i, h: (
        np.float64(softmax.temporal_softmax_loss(i["o"], i["y"], i["mask"])[0]),
        gradcheck.temporal_softmax_loss_fd(i["o"], i["y"], i["mask"], h=h),
    ),
    "rnn_step_forward": lambda i, h: (rnn.rnn_step_forward(*_rnn_args(i))[0],),
    "rnn_step_backward": lambda i, h: gradcheck.rnn_step_backward_fd(i["dh"], *_rnn_args(i), h=h),
    "rnn_forward": lambda i, h: (rnn.rnn_forward(*_rnn_args(i))[0],),
    "rnn_backward": lambda i, h: gradcheck.rnn_backward_fd(i["dh"], *_rnn_args(i), h=h),
    "output_forward": lambda i, h: (rnn.output_forward(i["h"], i["V"], i["c"])[0],),
    "output_backward": lambda i, h: gradcheck.output_backward_fd(
        i["do"], i["h"], i["V"], i["c"], step=h
    ),
    "rnn_loss": lambda i, h: (
        np.float64(rnn.rnn_loss(*(i[k] for k in ("x", "y", "h0", "U", "W", "b", "V", "c")))[0]),
        *gradcheck.rnn_loss_fd(*(i[k] for k in ("x", "y", "h0", "U", "W", "b", "V", "c")), h=h),
    ),
    "lstm_step_forward": lambda i, h: lstm.lstm_step_forward(*_lstm_args(i))[:2],
    "lstm_step_backward": lambda i, h: gradcheck.lstm_step_backward_fd(
        i["dh"], i["dc"], *_lstm_args(i), h=h
    ),
    "lstm_forward": lambda i, h: (lstm.lstm_forward(*_lstm_args(i))[0],),
    "lstm_backward": lambda i, h: gradcheck.lstm_backward_fd(i["dh"], *_lstm_args(i), h=h),
}
