"""Tests of :mod:`solutions.activations`: sigmoid and the derivatives of
sigmoid and tanh written through their outputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from solutions.activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from solutions.gradcheck import numerical_gradient
from tests.solutions.checks import assert_gradient_matches

STRICT_FLOATS = dict(over="raise", invalid="raise", divide="raise")


def test_sigmoid_matches_its_definition(rng):
    """For moderate inputs, is sigmoid(a) = 1 / (1 + exp(-a)) to within a
    few units of float64 rounding of 1?"""
    a = rng.standard_normal((3, 4)) * 5
    assert_allclose(sigmoid(a), 1.0 / (1.0 + np.exp(-a)), rtol=1e-14, atol=5e-16)


def test_sigmoid_keeps_relative_accuracy_in_the_lower_tail():
    """For a from -45 to -1, is sigmoid(a) = e^a / (1 + e^a) to relative
    1e-13, so that a student's stable formula agrees with the reference?"""
    a = np.linspace(-45.0, -1.0, 45)
    assert_allclose(sigmoid(a), np.exp(a) / (1.0 + np.exp(a)), rtol=1e-13, atol=0)


def test_sigmoid_known_values():
    """Is sigmoid 1/2 at 0 and symmetric: sigmoid(-a) = 1 - sigmoid(a)?"""
    a = np.array([0.0, 0.5, 2.0, 7.0])
    assert_allclose(sigmoid(0.0), 0.5, rtol=0)
    assert_allclose(sigmoid(-a), 1.0 - sigmoid(a), rtol=1e-14, atol=1e-16)


@pytest.mark.filterwarnings("error")
def test_sigmoid_of_huge_inputs_saturates_without_warnings():
    """Does sigmoid(+-1e4) give exactly 1 and 0 with no overflow?"""
    with np.errstate(**STRICT_FLOATS):
        values = sigmoid(np.array([-1e4, 1e4, -800.0, 800.0]))
    assert_allclose(values, [0.0, 1.0, 0.0, 1.0], rtol=0, atol=0)


def test_sigmoid_derivative_from_output_matches_finite_differences(rng):
    """Is s (1 - s), evaluated at s = sigmoid(a), the slope of sigmoid at a?"""
    a = rng.standard_normal(10) * 3
    numeric = numerical_gradient(sigmoid, a)
    assert_gradient_matches("sigmoid'", sigmoid_grad_from_output(sigmoid(a)), numeric)
    assert_allclose(sigmoid_grad_from_output(np.array(0.5)), 0.25, rtol=0)


def test_tanh_derivative_from_output_matches_finite_differences(rng):
    """Is 1 - t**2, evaluated at t = tanh(a), the slope of tanh at a?"""
    a = rng.standard_normal(10) * 2
    numeric = numerical_gradient(np.tanh, a)
    assert_gradient_matches("tanh'", tanh_grad_from_output(np.tanh(a)), numeric)
    assert_allclose(tanh_grad_from_output(np.array(0.0)), 1.0, rtol=0)


def test_derivatives_keep_the_shape_of_their_input(rng):
    """Do both derivative helpers return an array shaped like their input?"""
    s = sigmoid(rng.standard_normal((2, 3, 4)))
    assert sigmoid_grad_from_output(s).shape == (2, 3, 4)
    assert tanh_grad_from_output(np.tanh(s)).shape == (2, 3, 4)


@settings(max_examples=50, deadline=None)
@given(a=st.floats(-1e4, 1e4))
def test_sigmoid_is_a_probability_with_a_nonnegative_slope(a):
    """For any input up to +-1e4, is 0 <= sigmoid(a) <= 1 and 0 <= s(1-s) <= 1/4?"""
    with np.errstate(**STRICT_FLOATS):
        s = sigmoid(a)
    assert 0.0 <= s <= 1.0
    assert 0.0 <= sigmoid_grad_from_output(s) <= 0.25
