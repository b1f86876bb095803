"""Random problems for the tests of :mod:`solutions`: inputs, parameters and
upstream gradients of given shapes, all float64.

N is the batch size, T the sequence length, D the input size, H the hidden
size and K the number of classes. The shape sweep :data:`SHAPES` holds the
size-1 cases (N = 1, T = 1, H = 1) and inputs wider and narrower than the
hidden state (D != H), where transposed weights would not even broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from solutions.univariate_lstm import WEIGHT_NAMES

TOLERANCE = 1e-7
"""Largest relative error (as :func:`solutions.gradcheck.rel_error` measures
it) accepted between an analytic gradient and a finite-difference one. A
correct float64 gradient with step 1e-5 lands near 1e-9; a wrong one near 1."""

WEIGHT_SCALE = 0.5
"""Standard deviation of random weights: large enough that every term of a
gradient matters, small enough that tanh and sigma stay out of saturation."""


@dataclass(frozen=True)
class Shape:
    """Sizes of one test problem."""

    N: int
    T: int
    D: int
    H: int
    K: int

    def __str__(self) -> str:
        return f"N{self.N}-T{self.T}-D{self.D}-H{self.H}-K{self.K}"


SHAPES = (
    Shape(N=1, T=1, D=1, H=1, K=2),
    Shape(N=1, T=1, D=3, H=2, K=3),
    Shape(N=2, T=3, D=4, H=3, K=4),
    Shape(N=3, T=2, D=2, H=5, K=3),
    Shape(N=1, T=4, D=3, H=1, K=2),
    Shape(N=2, T=1, D=1, H=4, K=1),
)
"""The parametrized sweep: N = 1, T = 1, H = 1, K = 1 and D != H all occur."""

shapes = st.builds(
    Shape,
    N=st.integers(1, 3),
    T=st.integers(1, 4),
    D=st.integers(1, 4),
    H=st.integers(1, 4),
    K=st.integers(1, 4),
)
"""Hypothesis strategy for small random problem sizes."""

seeds = st.integers(0, 2**32 - 1)
"""Hypothesis strategy for the seed of a :class:`RandomProblems`."""


class RandomProblems:
    """Builds random arguments for the functions of :mod:`solutions`.

    Every method returns a dict keyed by the argument names of the function
    it feeds, so a test can call ``rnn_forward(**problems.rnn(shape))``.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def normal(self, *dims: int, scale: float = 1.0) -> np.ndarray:
        """Standard normal array of shape `dims`, times `scale`."""
        return scale * self.rng.standard_normal(dims)

    def labels(self, *dims: int, num_classes: int) -> np.ndarray:
        """Integer labels in [0, num_classes), shape `dims`."""
        return self.rng.integers(0, num_classes, size=dims)

    def mask(self, *dims: int) -> np.ndarray:
        """Boolean mask of shape `dims` with at least one False and one True
        entry whenever it has two or more entries."""
        keep = self.rng.random(dims) < 0.5
        flat = keep.reshape(-1)
        if flat.size >= 2:
            flat[0], flat[-1] = True, False
        return keep

    def weights(self, *dims: int) -> np.ndarray:
        return self.normal(*dims, scale=WEIGHT_SCALE)

    def rnn_step(self, shape: Shape) -> dict[str, np.ndarray]:
        """x (N, D), h_prev (N, H), U (H, D), W (H, H), b (H,)."""
        n, d, h = shape.N, shape.D, shape.H
        return dict(
            x=self.normal(n, d),
            h_prev=self.normal(n, h),
            U=self.weights(h, d),
            W=self.weights(h, h),
            b=self.weights(h),
        )

    def rnn(self, shape: Shape) -> dict[str, np.ndarray]:
        """x (N, T, D), h0 (N, H), U (H, D), W (H, H), b (H,)."""
        n, t, d, h = shape.N, shape.T, shape.D, shape.H
        return dict(
            x=self.normal(n, t, d),
            h0=self.normal(n, h),
            U=self.weights(h, d),
            W=self.weights(h, h),
            b=self.weights(h),
        )

    def output(self, shape: Shape, *, with_time: bool = True) -> dict[str, np.ndarray]:
        """h (N, T, H) (or (N, H) without time), V (K, H), c (K,)."""
        h_dims = (shape.N, shape.T, shape.H) if with_time else (shape.N, shape.H)
        return dict(
            h=self.normal(*h_dims), V=self.weights(shape.K, shape.H), c=self.weights(shape.K)
        )

    def rnn_model(self, shape: Shape) -> dict[str, np.ndarray]:
        """The arguments of rnn_loss: x (N, T, D), y (N, T) labels in [0, K),
        h0 (N, H), U (H, D), W (H, H), b (H,), V (K, H), c (K,)."""
        sequence = self.rnn(shape)
        output = self.output(shape)
        return dict(
            x=sequence["x"],
            y=self.labels(shape.N, shape.T, num_classes=shape.K),
            h0=sequence["h0"],
            U=sequence["U"],
            W=sequence["W"],
            b=sequence["b"],
            V=output["V"],
            c=output["c"],
        )

    def lstm_step(self, shape: Shape) -> dict[str, np.ndarray]:
        """x (N, D), h_prev (N, H), c_prev (N, H), U (4H, D), W (4H, H), b (4H,)."""
        n, d, h = shape.N, shape.D, shape.H
        return dict(
            x=self.normal(n, d),
            h_prev=self.normal(n, h),
            c_prev=self.normal(n, h),
            U=self.weights(4 * h, d),
            W=self.weights(4 * h, h),
            b=self.weights(4 * h),
        )

    def lstm(self, shape: Shape) -> dict[str, np.ndarray]:
        """x (N, T, D), h0 (N, H), c0 (N, H), U (4H, D), W (4H, H), b (4H,)."""
        n, t, d, h = shape.N, shape.T, shape.D, shape.H
        return dict(
            x=self.normal(n, t, d),
            h0=self.normal(n, h),
            c0=self.normal(n, h),
            U=self.weights(4 * h, d),
            W=self.weights(4 * h, h),
            b=self.weights(4 * h),
        )

    def univariate(self, length: int) -> dict:
        """x (T,), weights {name: float} over WEIGHT_NAMES, h0 and c0 floats.

        W_y has magnitude in [0.5, 1.5]: every gradient but those of W_y and
        W_y0 is proportional to it, so a draw near 0 would leave nothing
        for a finite difference to measure.
        """
        weights = {name: float(value) for name, value in zip(
            WEIGHT_NAMES, self.normal(len(WEIGHT_NAMES), scale=2 * WEIGHT_SCALE), strict=True
        )}  # fmt: skip
        weights["W_y"] = float(self.rng.choice([-1.0, 1.0]) * self.rng.uniform(0.5, 1.5))
        return dict(
            x=self.normal(length),
            weights=weights,
            h0=float(self.normal(scale=0.5)),
            c0=float(self.normal(scale=0.5)),
        )
