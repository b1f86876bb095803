"""Tests of :mod:`solutions.softmax`: gradients, known values, stability."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from solutions.gradcheck import (
    directional_error,
    numerical_gradient,
    softmax_cross_entropy_fd,
    temporal_softmax_loss_fd,
)
from solutions.softmax import (
    softmax,
    softmax_cross_entropy,
    softmax_jacobian,
    temporal_softmax_loss,
)
from tests.solutions.checks import assert_gradient_matches
from tests.solutions.problems import TOLERANCE, RandomProblems, seeds, shapes

CLASS_COUNTS = (1, 2, 3, 7)

# Overflow, 0 * inf and log(0) are the failures a naive softmax shows on large
# logits. Underflow is not among them: exp(-2e4) rounds to 0.0, which is the
# correct float64 value of that probability, so it is allowed to happen.
STRICT_FLOATS = dict(over="raise", invalid="raise", divide="raise")


def closed_form_softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum exp(z) written out, for moderate logits only (K,)."""
    e = np.exp(z)
    return e / e.sum()


# Gradients against finite differences


@pytest.mark.parametrize("num_classes", CLASS_COUNTS)
def test_softmax_jacobian_matches_finite_differences(rng, num_classes):
    """Is row i of softmax_jacobian the finite-difference gradient of S_i?"""
    z = rng.standard_normal(num_classes)
    numeric = np.stack(
        [numerical_gradient(softmax, z, df=np.eye(num_classes)[i]) for i in range(num_classes)]
    )
    assert_gradient_matches("softmax_jacobian", softmax_jacobian(z), numeric)


def test_softmax_cross_entropy_gradient_matches_finite_differences(problems, shape):
    """Is dlogits the finite-difference gradient of the mean loss?"""
    logits = problems.normal(shape.N, shape.K)
    y = problems.labels(shape.N, num_classes=shape.K)
    _, dlogits = softmax_cross_entropy(logits, y)
    assert_gradient_matches("dlogits", dlogits, softmax_cross_entropy_fd(logits, y))


@pytest.mark.parametrize("masked", [False, True], ids=["no-mask", "mask"])
def test_temporal_softmax_loss_gradient_matches_finite_differences(problems, shape, masked):
    """Is do the finite-difference gradient of the temporal loss, with and
    without a mask?"""
    o = problems.normal(shape.N, shape.T, shape.K)
    y = problems.labels(shape.N, shape.T, num_classes=shape.K)
    mask = problems.mask(shape.N, shape.T) if masked else None
    _, do = temporal_softmax_loss(o, y, mask)
    assert_gradient_matches("do", do, temporal_softmax_loss_fd(o, y, mask))


def test_temporal_softmax_loss_passes_a_directional_check(problems, shape):
    """Does do also agree with random directional derivatives of the loss?"""
    o = problems.normal(shape.N, shape.T, shape.K)
    y = problems.labels(shape.N, shape.T, num_classes=shape.K)
    mask = problems.mask(shape.N, shape.T)
    _, do = temporal_softmax_loss(o, y, mask)
    error = directional_error(
        lambda z: temporal_softmax_loss(z, y, mask)[0], o, do, num_directions=4, rng=problems.rng
    )
    assert error <= TOLERANCE, f"temporal_softmax_loss: directional error {error:.3e}"


# Known values


@pytest.mark.parametrize("num_classes", CLASS_COUNTS)
def test_softmax_jacobian_is_diag_minus_outer_product(rng, num_classes):
    """Is the Jacobian diag(S) - S S^T, symmetric, with rows summing to 0?"""
    z = rng.standard_normal(num_classes)
    s = closed_form_softmax(z)
    jacobian = softmax_jacobian(z)
    assert_allclose(jacobian, np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-15)
    assert_allclose(jacobian, jacobian.T, rtol=0, atol=1e-15, err_msg="not symmetric")
    assert_allclose(jacobian.sum(axis=1), 0.0, atol=1e-15, err_msg="rows do not sum to 0")


def test_softmax_matches_closed_form_on_every_row(rng):
    """Does softmax of a (2, 3, K) array normalise each last-axis row?"""
    z = rng.standard_normal((2, 3, 5))
    expected = np.apply_along_axis(closed_form_softmax, -1, z)
    assert_allclose(softmax(z), expected, rtol=1e-12, atol=0)
    assert_allclose(softmax(z).sum(axis=-1), 1.0, rtol=1e-12)


def test_softmax_of_one_class_is_one():
    """Is the softmax of a single logit exactly 1, whatever its value?"""
    assert_allclose(softmax(np.array([[-3.0], [0.0], [250.0]])), 1.0, rtol=0, atol=0)


def test_cross_entropy_of_uniform_logits_is_log_k():
    """With all logits equal, is the loss log K and the gradient
    (1/K - onehot) / N?"""
    n, k = 3, 4
    y = np.array([0, 3, 1])
    loss, dlogits = softmax_cross_entropy(np.zeros((n, k)), y)
    assert_allclose(loss, np.log(k), rtol=1e-14)
    expected = (np.full((n, k), 1.0 / k) - np.eye(k)[y]) / n
    assert_allclose(dlogits, expected, rtol=0, atol=1e-16)


def test_cross_entropy_is_the_mean_negative_log_probability(problems):
    """Is the loss (1/N) sum_n -log S(logits_n)[y_n] computed row by row?"""
    logits = problems.normal(4, 5)
    y = problems.labels(4, num_classes=5)
    per_row = [
        -np.log(closed_form_softmax(row)[label]) for row, label in zip(logits, y, strict=True)
    ]
    loss, _ = softmax_cross_entropy(logits, y)
    assert_allclose(loss, np.mean(per_row), rtol=1e-13)


def test_temporal_loss_is_sum_over_time_of_batch_means(problems, shape):
    """Is the temporal loss the sum over t of softmax_cross_entropy at each
    step (each a mean over the batch), and its gradient theirs too?"""
    o = problems.normal(shape.N, shape.T, shape.K)
    y = problems.labels(shape.N, shape.T, num_classes=shape.K)
    steps = [softmax_cross_entropy(o[:, t], y[:, t]) for t in range(shape.T)]
    loss, do = temporal_softmax_loss(o, y)
    assert_allclose(loss, sum(step_loss for step_loss, _ in steps), rtol=1e-13, atol=1e-15)
    assert_allclose(do, np.stack([grad for _, grad in steps], axis=1), rtol=1e-13, atol=1e-16)


def test_masked_steps_contribute_no_loss_and_no_gradient(problems):
    """Is the masked loss (1/N) times the sum over kept steps only, with a
    zero gradient at masked steps, whatever their logits are?"""
    n, t, k = 3, 4, 5
    o = problems.normal(n, t, k)
    y = problems.labels(n, t, num_classes=k)
    mask = problems.mask(n, t)
    kept_losses = [
        softmax_cross_entropy(o[i, j][None], y[i, j][None])[0]
        for i in range(n)
        for j in range(t)
        if mask[i, j]
    ]
    loss, do = temporal_softmax_loss(o, y, mask)
    assert_allclose(loss, sum(kept_losses) / n, rtol=1e-13)
    assert np.all(do[~mask] == 0.0), "a masked step received a nonzero gradient"
    assert np.all(np.abs(do[mask]).sum(axis=-1) > 0), "a kept step received no gradient"

    scrambled = o.copy()
    scrambled[~mask] = problems.normal(int((~mask).sum()), k, scale=100.0)
    assert_allclose(temporal_softmax_loss(scrambled, y, mask)[0], loss, rtol=1e-13)


def test_all_true_mask_equals_no_mask(problems):
    """Does a mask of all True give exactly the unmasked loss and gradient?"""
    o = problems.normal(2, 3, 4)
    y = problems.labels(2, 3, num_classes=4)
    loss, do = temporal_softmax_loss(o, y)
    masked_loss, masked_do = temporal_softmax_loss(o, y, np.ones((2, 3), dtype=bool))
    assert_allclose(masked_loss, loss, rtol=1e-15)
    assert_allclose(masked_do, do, rtol=1e-15, atol=0)


def test_all_false_mask_gives_zero_loss_and_gradient(problems):
    """Does masking every step give a loss of 0 and a zero gradient?"""
    o = problems.normal(2, 3, 4)
    y = problems.labels(2, 3, num_classes=4)
    loss, do = temporal_softmax_loss(o, y, np.zeros((2, 3), dtype=bool))
    assert loss == 0.0
    assert not np.any(do)


# Stability at logits of +-1e4


@pytest.mark.filterwarnings("error")
def test_softmax_of_huge_logits_is_exact():
    """Is softmax([1e4, -1e4, 0]) exactly [1, 0, 0], with no overflow or nan?"""
    with np.errstate(**STRICT_FLOATS):
        s = softmax(np.array([1e4, -1e4, 0.0]))
    assert_allclose(s, [1.0, 0.0, 0.0], rtol=0, atol=0)


@pytest.mark.filterwarnings("error")
def test_softmax_jacobian_of_huge_logits_is_zero():
    """At a one-hot softmax, is the Jacobian diag(S) - S S^T exactly zero?"""
    with np.errstate(**STRICT_FLOATS):
        jacobian = softmax_jacobian(np.array([1e4, -1e4, 0.0]))
    assert_allclose(jacobian, np.zeros((3, 3)), rtol=0, atol=0)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(
    ("label", "expected_loss"),
    [(0, 0.0), (2, 1e4), (1, 2e4)],
    ids=["label-is-max", "gap-1e4", "gap-2e4"],
)
def test_cross_entropy_of_huge_logits_is_the_logit_gap(label, expected_loss):
    """For logits [1e4, -1e4, 0], is the loss max(z) - z_y (0 when y is the
    argmax) and the gradient onehot(argmax) - onehot(y)?"""
    logits = np.array([[1e4, -1e4, 0.0]])
    with np.errstate(**STRICT_FLOATS):
        loss, dlogits = softmax_cross_entropy(logits, np.array([label]))
    # log(1 + e^-1e4 + e^-2e4) is below float64 resolution next to 1e4.
    assert_allclose(loss, expected_loss, rtol=1e-15, atol=1e-12)
    assert_allclose(dlogits, [np.eye(3)[0] - np.eye(3)[label]], rtol=0, atol=1e-15)


@pytest.mark.filterwarnings("error")
def test_temporal_loss_of_huge_logits_is_the_sum_of_gaps():
    """Over a batch of two sequences with logits of +-1e4, is the loss the
    sum of the logit gaps divided by N, and every gradient entry finite?"""
    o = np.array(
        [
            [[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]],
            [[0.0, -1e4, 1e4], [1e4, 1e4, -1e4]],
        ]
    )
    y = np.array([[0, 2], [1, 2]])
    # gaps: 0 and 1e4 in the first sequence; 2e4 and, for the step whose two
    # largest logits tie at 1e4, 2e4 + log 2 in the second
    with np.errstate(**STRICT_FLOATS):
        loss, do = temporal_softmax_loss(o, y)
    assert_allclose(loss, (0.0 + 1e4 + 2e4 + 2e4 + np.log(2.0)) / 2, rtol=1e-15)
    assert np.all(np.isfinite(do))
    # the tie between two logits of 1e4 splits the probability in half
    assert_allclose(do[1, 1], np.array([0.5, 0.5, -1.0]) / 2, rtol=0, atol=1e-15)


# Properties over random shapes and seeds


@settings(max_examples=30, deadline=None)
@given(
    seed=seeds,
    num_classes=st.integers(1, 6),
    scale=st.sampled_from([1e-3, 1.0, 30.0, 1e4]),
    offset=st.floats(-1e3, 1e3),
)
def test_softmax_is_a_shift_invariant_distribution(seed, num_classes, scale, offset):
    """For logits of any scale, is softmax nonnegative, summing to 1, and
    unchanged when a constant is added to every logit?"""
    z = RandomProblems(np.random.default_rng(seed)).normal(3, num_classes, scale=scale)
    with np.errstate(**STRICT_FLOATS):
        s = softmax(z)
        shifted = softmax(z + offset)
    assert np.all(s >= 0)
    assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-14)
    # a shift changes z's rounding by up to ulp(|offset|), and S by that much relatively
    assert_allclose(shifted, s, rtol=1e-10, atol=1e-300)


@settings(max_examples=20, deadline=None)
@given(seed=seeds, shape=shapes, masked=st.booleans())
def test_temporal_loss_gradient_holds_for_random_problems(seed, shape, masked):
    """For random sizes, labels and masks, is do the finite-difference
    gradient of a nonnegative temporal loss?"""
    problems = RandomProblems(np.random.default_rng(seed))
    o = problems.normal(shape.N, shape.T, shape.K, scale=3.0)
    y = problems.labels(shape.N, shape.T, num_classes=shape.K)
    mask = problems.mask(shape.N, shape.T) if masked else None
    loss, do = temporal_softmax_loss(o, y, mask)
    assert loss >= 0.0
    assert_gradient_matches("do", do, temporal_softmax_loss_fd(o, y, mask))
