"""No public function of :mod:`solutions` changes the arrays it is given.

Each case calls one function on float64 arguments (so no conversion copy
hides an in-place write) that are also marked read-only (so a write raises
at once), then compares every argument, and every array held in a cache,
with a copy taken before the call.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from solutions import activations, gradcheck, lstm, rnn, univariate_lstm
from solutions import softmax as softmax_module
from solutions.activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from solutions.lstm import (
    lstm_backward,
    lstm_forward,
    lstm_gate_gradients,
    lstm_step_backward,
    lstm_step_forward,
    split_gates,
)
from solutions.rnn import (
    output_backward,
    output_forward,
    rnn_backward,
    rnn_forward,
    rnn_loss,
    rnn_step_backward,
    rnn_step_forward,
)
from solutions.softmax import (
    softmax,
    softmax_cross_entropy,
    softmax_jacobian,
    temporal_softmax_loss,
)
from solutions.univariate_lstm import (
    check_weights,
    univariate_lstm_backward,
    univariate_lstm_forward,
)
from tests.solutions.problems import RandomProblems, Shape

SHAPE = Shape(N=2, T=3, D=3, H=4, K=5)


def arrays_in(value):
    """Every ndarray reachable from value: itself, a dict's values, a
    dataclass's fields (a cache), a tuple's items, recursively."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from arrays_in(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from arrays_in(item)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from arrays_in(getattr(value, field.name))


def freeze(*values) -> None:
    """Mark every array inside the values read-only."""
    for value in values:
        for array in arrays_in(value):
            array.setflags(write=False)


# Each case maps a RandomProblems to (call, arguments): the call runs the
# function under test on exactly the objects listed as its arguments.


def softmax_cases(p: RandomProblems):
    o = p.normal(SHAPE.N, SHAPE.T, SHAPE.K)
    y = p.labels(SHAPE.N, SHAPE.T, num_classes=SHAPE.K)
    mask = p.mask(SHAPE.N, SHAPE.T)
    logits, labels = o[:, 0].copy(), y[:, 0].copy()
    z = p.normal(SHAPE.K)
    return {
        "softmax": (lambda: softmax(o), [o]),
        "softmax_jacobian": (lambda: softmax_jacobian(z), [z]),
        "softmax_cross_entropy": (lambda: softmax_cross_entropy(logits, labels), [logits, labels]),
        "temporal_softmax_loss": (lambda: temporal_softmax_loss(o, y, mask), [o, y, mask]),
    }


def activation_cases(p: RandomProblems):
    a = p.normal(3, 4)
    s, t = sigmoid(a), np.tanh(a)
    return {
        "sigmoid": (lambda: sigmoid(a), [a]),
        "sigmoid_grad_from_output": (lambda: sigmoid_grad_from_output(s), [s]),
        "tanh_grad_from_output": (lambda: tanh_grad_from_output(t), [t]),
    }


def rnn_cases(p: RandomProblems):
    step, seq, out = p.rnn_step(SHAPE), p.rnn(SHAPE), p.output(SHAPE)
    out_nh = p.output(SHAPE, with_time=False)
    h_step, step_cache = rnn_step_forward(**step)
    h_seq, seq_cache = rnn_forward(**seq)
    o, out_cache = output_forward(**out)
    o_nh, out_nh_cache = output_forward(**out_nh)
    model, mask = p.rnn_model(SHAPE), p.mask(SHAPE.N, SHAPE.T)
    dh_step, dh_seq = p.normal(*h_step.shape), p.normal(*h_seq.shape)
    do, do_nh = p.normal(*o.shape), p.normal(*o_nh.shape)
    return {
        "rnn_step_forward": (lambda: rnn_step_forward(**step), [step]),
        "rnn_step_backward": (lambda: rnn_step_backward(dh_step, step_cache),
                              [dh_step, step_cache]),
        "rnn_forward": (lambda: rnn_forward(**seq), [seq]),
        "rnn_backward": (lambda: rnn_backward(dh_seq, seq_cache), [dh_seq, seq_cache]),
        "output_forward": (lambda: output_forward(**out), [out]),
        "output_backward": (lambda: output_backward(do, out_cache), [do, out_cache]),
        "output_backward (N, H)": (lambda: output_backward(do_nh, out_nh_cache),
                                   [do_nh, out_nh_cache]),
        "rnn_loss": (lambda: rnn_loss(**model, mask=mask), [model, mask]),
    }  # fmt: skip


def lstm_cases(p: RandomProblems):
    step, seq = p.lstm_step(SHAPE), p.lstm(SHAPE)
    h_step, c_step, step_cache = lstm_step_forward(**step)
    h_seq, seq_cache = lstm_forward(**seq)
    dh_step, dc_step, dh_seq = (
        p.normal(*h_step.shape),
        p.normal(*c_step.shape),
        p.normal(*h_seq.shape),
    )
    stacked = p.normal(SHAPE.N, 4 * SHAPE.H)
    return {
        "lstm_step_forward": (lambda: lstm_step_forward(**step), [step]),
        "lstm_step_backward": (lambda: lstm_step_backward(dh_step, dc_step, step_cache),
                               [dh_step, dc_step, step_cache]),
        "lstm_gate_gradients": (lambda: lstm_gate_gradients(dh_step, dc_step, step_cache),
                                [dh_step, dc_step, step_cache]),
        "lstm_forward": (lambda: lstm_forward(**seq), [seq]),
        "lstm_backward": (lambda: lstm_backward(dh_seq, seq_cache), [dh_seq, seq_cache]),
        "split_gates": (lambda: split_gates(stacked, axis=-1), [stacked]),
    }  # fmt: skip


def univariate_cases(p: RandomProblems):
    args = p.univariate(SHAPE.T)
    y, cache = univariate_lstm_forward(**args)
    dy = p.normal(*y.shape)
    array_weights = {name: np.array(value) for name, value in args["weights"].items()}
    return {
        "univariate_lstm_forward": (lambda: univariate_lstm_forward(**args), [args]),
        "univariate_lstm_backward": (lambda: univariate_lstm_backward(dy, cache), [dy, cache]),
        "check_weights": (lambda: check_weights("test", array_weights), [array_weights]),
    }


def gradcheck_cases(p: RandomProblems):
    x, df, grad = p.normal(3, 2), p.normal(3, 2), p.normal(3, 2)
    a, b = p.normal(4), p.normal(4)
    logits = p.normal(SHAPE.N, SHAPE.K)
    labels = p.labels(SHAPE.N, num_classes=SHAPE.K)
    o = p.normal(SHAPE.N, SHAPE.T, SHAPE.K)
    y = p.labels(SHAPE.N, SHAPE.T, num_classes=SHAPE.K)
    mask = p.mask(SHAPE.N, SHAPE.T)
    out, rnn_step, rnn_seq = p.output(SHAPE), p.rnn_step(SHAPE), p.rnn(SHAPE)
    lstm_step, lstm_seq, uni = p.lstm_step(SHAPE), p.lstm(SHAPE), p.univariate(SHAPE.T)
    model = p.rnn_model(SHAPE)
    do = p.normal(SHAPE.N, SHAPE.T, SHAPE.K)
    dh_step, dc_step = p.normal(SHAPE.N, SHAPE.H), p.normal(SHAPE.N, SHAPE.H)
    dh_seq, dy = p.normal(SHAPE.N, SHAPE.T, SHAPE.H), p.normal(SHAPE.T)
    return {
        "numerical_gradient": (lambda: gradcheck.numerical_gradient(np.sin, x, df), [x, df]),
        "numerical_gradients": (
            lambda: gradcheck.numerical_gradients(lambda u, v: float(u @ v), (a, b)),
            [a, b],
        ),
        "rel_error": (lambda: gradcheck.rel_error(a, b), [a, b]),
        "directional_error": (
            lambda: gradcheck.directional_error(np.sin, x, grad, df),
            [x, grad, df],
        ),
        "softmax_cross_entropy_fd": (
            lambda: gradcheck.softmax_cross_entropy_fd(logits, labels),
            [logits, labels],
        ),
        "temporal_softmax_loss_fd": (
            lambda: gradcheck.temporal_softmax_loss_fd(o, y, mask),
            [o, y, mask],
        ),
        "output_backward_fd": (lambda: gradcheck.output_backward_fd(do, **out), [do, out]),
        "rnn_step_backward_fd": (
            lambda: gradcheck.rnn_step_backward_fd(dh_step, **rnn_step),
            [dh_step, rnn_step],
        ),
        "rnn_loss_fd": (lambda: gradcheck.rnn_loss_fd(**model, mask=mask), [model, mask]),
        "rnn_backward_fd": (
            lambda: gradcheck.rnn_backward_fd(dh_seq, **rnn_seq),
            [dh_seq, rnn_seq],
        ),
        "lstm_step_backward_fd": (
            lambda: gradcheck.lstm_step_backward_fd(dh_step, dc_step, **lstm_step),
            [dh_step, dc_step, lstm_step],
        ),
        "lstm_backward_fd": (
            lambda: gradcheck.lstm_backward_fd(dh_seq, **lstm_seq),
            [dh_seq, lstm_seq],
        ),
        "univariate_lstm_backward_fd": (
            lambda: gradcheck.univariate_lstm_backward_fd(dy, **uni),
            [dy, uni],
        ),
    }


CASES = {
    softmax_cases: (
        "softmax", "softmax_jacobian", "softmax_cross_entropy", "temporal_softmax_loss",
    ),
    activation_cases: ("sigmoid", "sigmoid_grad_from_output", "tanh_grad_from_output"),
    rnn_cases: (
        "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
        "output_forward", "output_backward", "output_backward (N, H)", "rnn_loss",
    ),
    lstm_cases: (
        "lstm_step_forward", "lstm_step_backward", "lstm_gate_gradients", "lstm_forward",
        "lstm_backward", "split_gates",
    ),
    univariate_cases: ("univariate_lstm_forward", "univariate_lstm_backward", "check_weights"),
    gradcheck_cases: (
        "numerical_gradient", "numerical_gradients", "rel_error", "directional_error",
        "softmax_cross_entropy_fd", "temporal_softmax_loss_fd", "output_backward_fd",
        "rnn_step_backward_fd", "rnn_backward_fd", "rnn_loss_fd", "lstm_step_backward_fd",
        "lstm_backward_fd", "univariate_lstm_backward_fd",
    ),
}  # fmt: skip
"""The functions each case group calls, by name."""
CASE_NAMES = [(group, name) for group, names in CASES.items() for name in names]
MODULES = (softmax_module, activations, rnn, lstm, univariate_lstm, gradcheck)


def public_functions(module) -> set[str]:
    """Names of the functions a module defines and does not mark private."""
    return {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }


def test_every_public_function_has_a_case(problems):
    """Does the list of cases cover every public function of solutions, and
    does each group build exactly the cases it lists?"""
    covered = {name.split(" ")[0] for _, name in CASE_NAMES}
    expected = set().union(*(public_functions(module) for module in MODULES))
    assert covered == expected, f"missing: {expected - covered}, unknown: {covered - expected}"
    for group, names in CASES.items():
        assert set(group(problems)) == set(names), group.__name__


@pytest.mark.parametrize(("group", "name"), CASE_NAMES, ids=[name for _, name in CASE_NAMES])
def test_function_leaves_its_arguments_unchanged(problems, group, name):
    """Are all arguments (and the arrays inside caches and weight dicts)
    equal to their copies after the call, even though they were read-only?"""
    call, arguments = group(problems)[name]
    before = copy.deepcopy(arguments)
    freeze(*arguments)
    call()
    after_arrays, before_arrays = list(arrays_in(arguments)), list(arrays_in(before))
    assert len(after_arrays) == len(before_arrays) > 0
    for index, (now, then) in enumerate(zip(after_arrays, before_arrays, strict=True)):
        assert now.dtype == then.dtype, f"{name}: array {index} changed dtype"
        assert_array_equal(now, then, err_msg=f"{name}: array {index} was modified")
    for now, then in zip(arguments, before, strict=True):
        if isinstance(now, dict):
            assert now.keys() == then.keys(), f"{name}: keys of a dict argument changed"
            scalars = {k: v for k, v in now.items() if not isinstance(v, np.ndarray)}
            assert scalars == {k: then[k] for k in scalars}, f"{name}: a scalar was changed"


@pytest.mark.parametrize(
    "group", [rnn_cases, lstm_cases, univariate_cases], ids=["rnn", "lstm", "univariate"]
)
def test_backward_passes_can_be_repeated(problems, group):
    """Does calling each backward pass twice on the same cache give the same
    gradients (nothing in the cache is consumed or accumulated into)?"""
    for name, (call, _) in group(problems).items():
        if "backward" not in name and "gradients" not in name:
            continue
        first, second = call(), call()
        first_arrays, second_arrays = list(arrays_in(first)), list(arrays_in(second))
        assert len(first_arrays) == len(second_arrays) > 0
        for a, b in zip(first_arrays, second_arrays, strict=True):
            assert_array_equal(a, b, err_msg=f"{name} differs on a second call")
