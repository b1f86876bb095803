"""Reference outputs for every graded function, from the solutions package.

Forward outputs come from the reference forward; every gradient comes from
centred differences of the reference forward (solutions.gradcheck), never
from an analytic backward, so a mistake shared by a student and the
reference backward cannot pass. The differences are Richardson-extrapolated
(steps h and h/2, see :func:`accurate`): a plain centred difference errs by
O(h^2), which on an unlucky seed came within a factor of 2 of the
tolerance and cost a right gradient its point. numerical_gradient's
reference is the centred difference itself, with the case's step, of the
same test function the student's code is given: that is the exercise.

Each reference takes the inputs of one call ({argument name: array}, as
autograder.course_checks.inputs.make_inputs draws them) and its case, and
returns the outputs in the order of the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from autograder.course_checks.inputs import Case
from autograder.course_checks.testfunctions import CoupledFunction
from solutions import gradcheck, lstm, rnn, softmax

Inputs = Mapping[str, np.ndarray]


def _rnn_args(i: Inputs):
    return i["x"], i.get("h_prev", i.get("h0")), i["U"], i["W"], i["b"]


def _lstm_args(i: Inputs):
    return (
        i["x"], i.get("h_prev", i.get("h0")), i.get("c_prev", i.get("c0")), i["U"], i["W"], i["b"]
    )  # fmt: skip


def _rnn_loss_args(i: Inputs):
    return tuple(i[k] for k in ("x", "y", "h0", "U", "W", "b", "V", "c"))


def accurate(differences: Callable[[float], tuple], h: float) -> tuple:
    """Richardson extrapolation of centred differences: (4 D(h/2) - D(h)) / 3,
    whose error is O(h^4) instead of O(h^2). `differences(step)` returns the
    gradients (a tuple of arrays) computed with that step."""
    coarse, fine = differences(h), differences(h / 2)
    return tuple((4.0 * f - c) / 3.0 for c, f in zip(coarse, fine, strict=True))


def _numerical_gradient(i: Inputs, case: Case) -> tuple:
    f = CoupledFunction(i)
    grad = gradcheck.numerical_gradient(f, i["x"], i.get("df"), h=case.reference_step)
    return grad, i["x"]


REFERENCES: dict[str, Callable[[Inputs, Case], tuple]] = {
    "rel_error": lambda i, case: (np.float64(gradcheck.rel_error(i["a"], i["b"])),),
    "numerical_gradient": _numerical_gradient,
    "softmax": lambda i, case: (softmax.softmax(i["z"]),),
    "softmax_jacobian": lambda i, case: (softmax.softmax_jacobian(i["z"]),),
    "softmax_cross_entropy": lambda i, case: (
        np.float64(softmax.softmax_cross_entropy(i["logits"], i["y"])[0]),
        *accurate(
            lambda h: (gradcheck.softmax_cross_entropy_fd(i["logits"], i["y"], h=h),),
            case.reference_step,
        ),
    ),
    "temporal_softmax_loss": lambda i, case: (
        np.float64(softmax.temporal_softmax_loss(i["o"], i["y"], i.get("mask"))[0]),
        *accurate(
            lambda h: (gradcheck.temporal_softmax_loss_fd(i["o"], i["y"], i.get("mask"), h=h),),
            case.reference_step,
        ),
    ),
    "rnn_step_forward": lambda i, case: (rnn.rnn_step_forward(*_rnn_args(i))[0],),
    "rnn_step_backward": lambda i, case: accurate(
        lambda h: gradcheck.rnn_step_backward_fd(i["dh"], *_rnn_args(i), h=h),
        case.reference_step,
    ),
    "rnn_forward": lambda i, case: (rnn.rnn_forward(*_rnn_args(i))[0],),
    "rnn_backward": lambda i, case: accurate(
        lambda h: gradcheck.rnn_backward_fd(i["dh"], *_rnn_args(i), h=h), case.reference_step
    ),
    "output_forward": lambda i, case: (rnn.output_forward(i["h"], i["V"], i["c"])[0],),
    "output_backward": lambda i, case: accurate(
        lambda h: gradcheck.output_backward_fd(i["do"], i["h"], i["V"], i["c"], step=h),
        case.reference_step,
    ),
    "rnn_loss": lambda i, case: (
        np.float64(rnn.rnn_loss(*_rnn_loss_args(i), mask=i.get("mask"))[0]),
        *accurate(
            lambda h: gradcheck.rnn_loss_fd(*_rnn_loss_args(i), mask=i.get("mask"), h=h),
            case.reference_step,
        ),
    ),
    "lstm_step_forward": lambda i, case: lstm.lstm_step_forward(*_lstm_args(i))[:2],
    "lstm_step_backward": lambda i, case: accurate(
        lambda h: gradcheck.lstm_step_backward_fd(i["dh"], i["dc"], *_lstm_args(i), h=h),
        case.reference_step,
    ),
    "lstm_forward": lambda i, case: (lstm.lstm_forward(*_lstm_args(i))[0],),
    "lstm_backward": lambda i, case: accurate(
        lambda h: gradcheck.lstm_backward_fd(i["dh"], *_lstm_args(i), h=h), case.reference_step
    ),
}
