"""Tests of the checker itself, :mod:`solutions.gradcheck`.

Every other gradient test trusts these functions, so they are tested on
functions whose gradients are known in closed form, with right and
deliberately wrong answers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from solutions.gradcheck import (
    DEFAULT_STEP,
    directional_error,
    numerical_gradient,
    numerical_gradients,
    rel_error,
    rnn_step_backward_fd,
    softmax_cross_entropy_fd,
)
from tests.solutions.checks import assert_gradient_matches
from tests.solutions.problems import TOLERANCE, RandomProblems, seeds

WRONG_FACTOR = 2.001
"""A gradient scaled by this is wrong by about a third in relative error:
the checker must flag it (threshold 1e-3), as autograd's own tests do."""


def smooth_function(x: np.ndarray) -> np.ndarray:
    """x + sin(x) / 2 + x**3 / 10, elementwise.

    Its derivative (below) never drops under 1/2 and its third derivative
    stays bounded by 1.1, so the centred difference's O(h^2) error is a tiny
    fraction of the gradient at every point, however the point is drawn.
    """
    return x + 0.5 * np.sin(x) + 0.1 * x**3


def smooth_derivative(x: np.ndarray) -> np.ndarray:
    return 1.0 + 0.5 * np.cos(x) + 0.3 * x**2


# numerical_gradient


def test_right_gradient_passes_and_wrong_one_fails(rng):
    """Does numerical_gradient agree with the true gradient of <f(x), df>
    to 1e-7, and expose 2.001 times it with a relative error above 1e-3?"""
    x = rng.standard_normal((3, 4))
    df = rng.standard_normal((3, 4))
    numeric = numerical_gradient(smooth_function, x, df)
    right = smooth_derivative(x) * df
    assert rel_error(right, numeric) <= TOLERANCE
    assert rel_error(WRONG_FACTOR * right, numeric) > 1e-3


def test_scalar_function_without_upstream_gives_its_gradient(rng):
    """For a scalar f and df=None, is the result simply df/dx?"""
    x = rng.standard_normal(5)
    numeric = numerical_gradient(lambda z: float(np.sum(z**3)), x)
    assert_gradient_matches("d sum(x^3)", 3 * x**2, numeric)


def test_checker_exposes_a_wrong_library_gradient(problems):
    """Given a softmax-loss gradient that forgot the 1/N of the batch mean,
    does the comparison with softmax_cross_entropy_fd fail?"""
    logits = problems.normal(3, 4)
    y = problems.labels(3, num_classes=4)
    s = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    right = (s - np.eye(4)[y]) / 3
    numeric = softmax_cross_entropy_fd(logits, y)
    assert rel_error(right, numeric) <= TOLERANCE
    assert rel_error(3 * right, numeric) > 0.4  # |3g - g| / (|3g| + |g|) = 1/2


def test_step_backward_reference_matches_hand_derived_gradient(problems):
    """For one RNN step with N = 1, does rnn_step_backward_fd give
    dW = (dh * (1 - h^2))^T h_prev computed by hand?"""
    x, h_prev = problems.normal(1, 2), problems.normal(1, 3)
    U, W, b = problems.weights(3, 2), problems.weights(3, 3), problems.weights(3)
    dh = problems.normal(1, 3)
    h = np.tanh(x @ U.T + h_prev @ W.T + b)
    da = dh * (1 - h**2)
    numeric_dW = rnn_step_backward_fd(dh, x, h_prev, U, W, b)[3]
    assert rel_error(da.T @ h_prev, numeric_dW) <= TOLERANCE
    assert rel_error(da.T @ h, numeric_dW) > 1e-3  # h_t in place of h_{t-1}


def test_caller_array_is_unchanged_even_if_f_mutates_its_argument(rng):
    """When f overwrites its argument, are the caller's x untouched and the
    gradient still right?"""
    x = rng.standard_normal(4)
    original = x.copy()

    def destructive(z):
        value = float(np.sum(z**2))
        z[...] = (
            1e6  # a careless f: if the checker reused this array, every later call would see it
        )
        return value

    numeric = numerical_gradient(destructive, x)
    assert_allclose(x, original, rtol=0, atol=0, err_msg="caller's x was modified")
    assert_gradient_matches("d sum(x^2)", 2 * original, numeric)


def test_f_receives_its_own_copy_at_every_call(rng):
    """Does every call of f get a distinct array holding x +- h e_k, so that
    an f which keeps its argument sees the point it was called at?"""
    x = rng.standard_normal(3)
    seen = []
    numerical_gradient(lambda z: seen.append(z) or 0.0, x)
    assert len(seen) == 2 * x.size
    assert len({id(z) for z in seen}) == len(seen)
    for k in range(x.size):
        step = DEFAULT_STEP * np.eye(x.size)[k]
        assert_allclose(seen[2 * k], x + step, rtol=0, atol=1e-15, err_msg=f"x + h e_{k}")
        assert_allclose(seen[2 * k + 1], x - step, rtol=0, atol=1e-15, err_msg=f"x - h e_{k}")


def test_integer_point_is_differentiated_in_float64():
    """Is an integer x evaluated as float64 (not rounded to integer steps)?"""
    numeric = numerical_gradient(lambda z: float(np.sum(z**2)), np.array([1, 2, 3]))
    assert numeric.dtype == np.float64
    assert_gradient_matches("d sum(x^2)", [2.0, 4.0, 6.0], numeric)


def test_zero_dimensional_point_is_supported():
    """Does a 0-d x (a scalar state such as h0) give a 0-d gradient?"""
    numeric = numerical_gradient(lambda z: float(np.exp(z)), np.array(0.5))
    assert numeric.shape == ()
    assert_allclose(numeric, np.exp(0.5), rtol=1e-9)


def gradient_with_column_upstream():
    return numerical_gradient(lambda z: 2 * z, np.ones(3), df=np.ones((3, 1)))


def directional_with_column_upstream():
    return directional_error(lambda z: 2 * z, np.ones(3), 2 * np.ones(3), np.ones((3, 1)))


def step_reference_with_column_upstream():
    """dh (3, 1) for a step whose output h is (1, 3)."""
    x, h_prev = np.ones((1, 2)), np.ones((1, 3))
    return rnn_step_backward_fd(np.ones((3, 1)), x, h_prev, np.ones((3, 2)), np.eye(3), np.ones(3))


@pytest.mark.parametrize(
    "reference",
    [
        gradient_with_column_upstream,
        directional_with_column_upstream,
        step_reference_with_column_upstream,
    ],
)
def test_upstream_of_the_wrong_shape_is_rejected(reference):
    """Is an upstream gradient whose shape differs from the function's output
    refused rather than broadcast (a (3, 1) df against a (3,) or (1, 3)
    output silently gives a wrong reference)?"""
    with pytest.raises(ValueError, match=r"\(3, 1\).*\((1, )?3,?\)|\((1, )?3,?\).*\(3, 1\)"):
        reference()


def test_numerical_gradients_differentiates_every_argument(rng):
    """For f(a, b) = sum(a * b**2), is the result (b**2, 2 a b), with the
    arguments left unchanged?"""
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    a0, b0 = a.copy(), b.copy()
    da, db = numerical_gradients(lambda p, q: float(np.sum(p * q**2)), (a, b))
    assert_gradient_matches("da", b0**2, da)
    assert_gradient_matches("db", 2 * a0 * b0, db)
    assert_allclose(a, a0, rtol=0, atol=0)
    assert_allclose(b, b0, rtol=0, atol=0)


# Functions with kinks
#
# Away from a kink (|x| > h) a centred difference is exact for these
# piecewise-linear functions. At a kink it returns the mean of the two
# one-sided slopes, and within h of it a blend of them: a subgradient that
# need not be what an analytic backward reports, so a gradient check must
# keep its points away from kinks.


def test_abs_relu_and_max_are_exact_away_from_kinks():
    """At points farther than h from a kink, are the slopes of |x|,
    max(x, 0) and max(x) reproduced exactly?"""
    x = np.array([-2.0, -0.3, 0.7, 4.0])
    assert_allclose(numerical_gradient(np.abs, x), np.sign(x), rtol=1e-9)
    assert_allclose(numerical_gradient(lambda z: np.maximum(z, 0.0), x), x > 0, rtol=1e-9)
    assert_allclose(numerical_gradient(np.max, x), [0, 0, 0, 1], rtol=0, atol=1e-9)


def test_abs_at_its_kink_gives_zero():
    """Is the centred difference of |x| at 0 exactly 0, the mean of -1 and
    +1 (the same value np.sign gives there)?"""
    assert numerical_gradient(np.abs, np.array([0.0]))[0] == 0.0


def test_relu_at_and_near_its_kink_gives_a_blend():
    """Is the centred difference of max(x, 0) equal to 1/2 at 0 and to
    (x + h) / 2h for |x| < h, so that a backward using the indicator x > 0
    fails the check there?"""
    h = DEFAULT_STEP
    x = np.array([0.0, 0.5 * h, -0.5 * h])
    numeric = numerical_gradient(lambda z: np.maximum(z, 0.0), x)
    assert_allclose(numeric, [0.5, 0.75, 0.25], rtol=1e-6)
    indicator = (x > 0).astype(float)
    assert rel_error(indicator, numeric) > 0.1


def test_max_with_a_tie_splits_the_slope():
    """When two entries tie for the maximum, does each get slope 1/2?"""
    numeric = numerical_gradient(np.max, np.array([1.0, 1.0, -2.0]))
    assert_allclose(numeric, [0.5, 0.5, 0.0], rtol=1e-9, atol=1e-12)


# rel_error


@pytest.mark.filterwarnings("error")
def test_rel_error_of_two_zero_arrays_is_zero():
    """Is the relative error of two zero arrays 0, with no division by zero?"""
    with np.errstate(all="raise"):
        assert rel_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0
        assert rel_error(np.zeros(0), np.zeros(0)) == 0.0
        assert rel_error(0.0, -0.0) == 0.0


def test_rel_error_has_a_floor_of_1e_8():
    """Is the denominator never below 1e-8, so that 0 against 1e-9 gives 0.1
    (and not 1, as it would without the floor)?"""
    assert_allclose(rel_error(np.zeros(3), np.full(3, 1e-9)), 0.1, rtol=1e-12)
    assert_allclose(rel_error(np.array([1e-12]), np.array([3e-12])), 2e-4, rtol=1e-9)


def test_rel_error_uses_the_largest_entry_as_scale():
    """Is the denominator the largest |a| + |b| of the pair, so a tiny entry
    that differs in relative terms does not dominate?"""
    a = np.array([1.0, 1e-12])
    b = np.array([1.0, 2e-12])
    assert_allclose(rel_error(a, b), 1e-12 / 2.0, rtol=1e-9)
    assert_allclose(rel_error(np.array([2.0, 0.0]), np.array([1.0, 0.0])), 1 / 3, rtol=1e-12)


def test_rel_error_is_symmetric_and_rejects_different_shapes(rng):
    """Is rel_error(a, b) = rel_error(b, a), and a shape mismatch an error?"""
    a, b = rng.standard_normal(4), rng.standard_normal(4)
    assert rel_error(a, b) == rel_error(b, a)
    with pytest.raises(ValueError, match=r"rel_error: .*\(4,\) and \(2, 2\)"):
        rel_error(a, b.reshape(2, 2))


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_rel_error_never_lets_a_non_finite_gradient_pass(bad):
    """Does a NaN or infinite entry give an error that fails `<= 1e-7`?"""
    analytic = np.array([1.0, bad])
    assert not rel_error(analytic, np.array([1.0, 2.0])) <= TOLERANCE


# directional_error


def test_directional_error_passes_the_right_gradient(rng):
    """For the right gradient, is the directional error below 1e-7?"""
    x = rng.standard_normal((4, 5))
    df = rng.standard_normal((4, 5))
    grad = smooth_derivative(x) * df
    assert directional_error(smooth_function, x, grad, df, rng=rng) <= TOLERANCE


def test_directional_error_catches_one_wrong_entry(rng):
    """Is a gradient with a single entry off by 1 percent flagged, with an
    error far above 1e-7?"""
    x = rng.standard_normal(20)
    grad = smooth_derivative(x)
    wrong = grad.copy()
    wrong[7] += 0.01 * max(abs(grad[7]), 1.0)
    assert directional_error(smooth_function, x, grad, rng=np.random.default_rng(1)) <= TOLERANCE
    assert directional_error(smooth_function, x, wrong, rng=np.random.default_rng(1)) > 1e-5


def test_directional_error_flags_a_scaled_gradient(rng):
    """Is 2.001 times the right gradient flagged with an error above 1e-3?"""
    x = rng.standard_normal(6)
    grad = WRONG_FACTOR * smooth_derivative(x)
    assert directional_error(smooth_function, x, grad) > 1e-3


def test_directional_error_is_reproducible_and_leaves_inputs_alone(rng):
    """Without an rng, is the result the same on every call, with x and
    grad unchanged?"""
    x = rng.standard_normal(5)
    grad = 1.01 * smooth_derivative(x)
    x0, grad0 = x.copy(), grad.copy()
    first = directional_error(smooth_function, x, grad)
    assert first == directional_error(smooth_function, x, grad)
    assert_allclose(x, x0, rtol=0, atol=0)
    assert_allclose(grad, grad0, rtol=0, atol=0)


class FixedDirections:
    """Stands in for the numpy Generator of directional_error and hands out
    the given directions, so a test can choose them."""

    def __init__(self, *directions: np.ndarray) -> None:
        self.directions = list(directions)

    def standard_normal(self, shape) -> np.ndarray:
        return np.asarray(self.directions.pop(0), dtype=np.float64).reshape(shape)


def test_directional_error_passes_a_right_gradient_along_an_orthogonal_direction():
    """Along a direction orthogonal to the right gradient (both directional
    derivatives ~0, up to the difference's ~1e-11 noise), is the gradient
    still passed rather than given an error of 1e-3?"""
    x = np.array([0.3, -0.7])
    grad = smooth_derivative(x)
    orthogonal = np.array([grad[1], -grad[0]])
    error = directional_error(
        smooth_function, x, grad, num_directions=1, rng=FixedDirections(orthogonal)
    )
    assert error <= TOLERANCE, f"a right gradient got a directional error of {error:.3e}"


def test_directional_error_rejects_a_gradient_of_the_wrong_shape():
    """Is a grad whose shape differs from x an error naming both shapes?"""
    with pytest.raises(ValueError, match=r"grad must have the shape of x \(2, 3\), got \(3, 2\)"):
        directional_error(smooth_function, np.ones((2, 3)), np.ones((3, 2)))


# Properties over random points


@settings(max_examples=25, deadline=None)
@given(seed=seeds, size=st.integers(1, 12), scale=st.sampled_from([0.1, 1.0, 3.0]))
def test_checker_separates_right_from_wrong_at_random_points(seed, size, scale):
    """At random points, does the right gradient pass both checks and the
    2.001-scaled one fail both?"""
    problems = RandomProblems(np.random.default_rng(seed))
    x = problems.normal(size, scale=scale)
    df = problems.normal(size)
    right = smooth_derivative(x) * df
    numeric = numerical_gradient(smooth_function, x, df)
    assert rel_error(right, numeric) <= TOLERANCE
    assert rel_error(WRONG_FACTOR * right, numeric) > 1e-3
    rng = problems.rng
    assert directional_error(smooth_function, x, right, df, rng=rng) <= TOLERANCE
    assert directional_error(smooth_function, x, WRONG_FACTOR * right, df, rng=rng) > 1e-3
