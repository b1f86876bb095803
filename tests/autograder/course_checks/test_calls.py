"""Tests of the call protocol: how graded functions are called and what
their return values must look like."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograder.course_checks.calls import ReturnShapeError, arguments, call_function
from autograder.course_checks.inputs import public_inputs
from autograder.course_checks.specs import SPECS
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS


def test_a_list_of_the_right_length_is_accepted():
    """Is `return [dx, dh_prev, dU, dW, db]` as good as a tuple?"""
    spec = SPECS["rnn_step_backward"]

    def as_list(dh, cache):
        return list(REFERENCE_FUNCTIONS["rnn_step_backward"](dh, cache))

    functions = {**REFERENCE_FUNCTIONS, "rnn_step_backward": as_list}
    inputs = public_inputs(spec.name)
    expected = call_function(spec, REFERENCE_FUNCTIONS, inputs)
    got = call_function(spec, functions, inputs)
    assert isinstance(got, tuple) and len(got) == 5
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("wrap", "message"),
    [
        (
            lambda r: (value for value in r),
            "rnn_step_backward must return 5 values (dx, dh_prev, dU, dW, db) as a tuple, got "
            "a generator or iterator (return a tuple, not a generator expression)",
        ),
        (
            lambda r: dict(enumerate(r)),
            "rnn_step_backward must return 5 values (dx, dh_prev, dU, dW, db) as a tuple, "
            "got a dict",
        ),
        (
            lambda r: r[:4],
            "rnn_step_backward must return 5 values (dx, dh_prev, dU, dW, db), got 4",
        ),
        (
            lambda r: None,
            "rnn_step_backward must return 5 values (dx, dh_prev, dU, dW, db) as a tuple, "
            "got None (is a return statement missing?)",
        ),
    ],
)
def test_other_returns_are_rejected_with_what_was_expected(wrap, message):
    """Are generators, dicts, wrong lengths and None rejected with a message
    naming the values expected?"""
    spec = SPECS["rnn_step_backward"]

    def backward(dh, cache):
        return wrap(REFERENCE_FUNCTIONS["rnn_step_backward"](dh, cache))

    with pytest.raises(ReturnShapeError) as raised:
        call_function(spec, {**REFERENCE_FUNCTIONS, "rnn_step_backward": backward},
                      public_inputs(spec.name))  # fmt: skip
    assert str(raised.value) == message


def test_a_forward_without_its_cache_is_named():
    """Is a forward that forgets to return its cache reported as such?"""
    spec = SPECS["rnn_backward"]

    def forward(x, h0, U, W, b):
        return REFERENCE_FUNCTIONS["rnn_forward"](x, h0, U, W, b)[0]

    with pytest.raises(ReturnShapeError, match=r"rnn_forward must return 2 values \(h, cache\)"):
        call_function(spec, {**REFERENCE_FUNCTIONS, "rnn_forward": forward},
                      public_inputs(spec.name))  # fmt: skip


def test_left_out_arguments_are_not_passed_and_later_ones_go_by_name():
    """Is an optional argument a case leaves out not passed at all, and is an
    argument after it passed by name?"""
    spec = SPECS["numerical_gradient"]
    inputs = dict(public_inputs(spec.name))
    del inputs["df"]
    inputs["h"] = np.array(1e-3)
    positional, keywords = arguments(spec, inputs)
    assert len(positional) == 2
    assert keywords == {"h": 1e-3}
    np.testing.assert_array_equal(positional[1], inputs["x"])
    assert positional[1] is not inputs["x"]  # a copy: the function may change it


def test_numerical_gradient_gets_a_test_function_and_its_x_is_returned_after_the_call():
    """Does the call hand numerical_gradient a test function and report the
    caller's x as it is after the call?"""
    spec = SPECS["numerical_gradient"]
    seen = {}

    def numerical_gradient(f, x, df=None, h=1e-5):
        seen["value"] = f(x)
        x[0, 0] = 99.0  # a student who changes the caller's array
        return np.zeros_like(x)

    _, x_after = call_function(spec, {spec.name: numerical_gradient}, public_inputs(spec.name))
    assert seen["value"].shape == (2, 3)
    assert x_after[0, 0] == 99.0


def test_a_notebooks_raise_on_every_float_error_does_not_fail_a_right_function():
    """A notebook that set ``np.seterr(all="raise")`` and turned warnings into
    errors: does a right softmax on logits whose exp underflows still return
    its values, does one whose exp overflows return its nan (neither raising
    nor warning), and is the notebook's own setting back afterwards?"""
    spec = SPECS["softmax"]
    big = {"z": np.array([[0.0, -1e4, 3.0], [1e4, 0.0, -1e4]])}

    def overflowing_softmax(z):
        exp = np.exp(z)  # exp(1e4) is inf, and inf / inf is nan
        return exp / exp.sum(axis=-1, keepdims=True)

    with np.errstate(all="raise"), warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("error")
        (probabilities,) = call_function(spec, REFERENCE_FUNCTIONS, big)
        (overflowed,) = call_function(spec, {"softmax": overflowing_softmax}, big)
        assert np.geterr() == {"divide": "raise", "over": "raise", "under": "raise",
                               "invalid": "raise"}  # fmt: skip
        with pytest.raises(FloatingPointError):
            REFERENCE_FUNCTIONS["softmax"](big["z"])
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0)
    assert probabilities[1, 0] == 1.0 and probabilities[0, 1] == 0.0
    assert np.isnan(overflowed[1, 0]) and warned == []
