"""The functions that numerical_gradient is checked on.

Each is drawn at random (from the course's grading seed for the hidden
tests, from a fixed seed for the visible check): a smooth function that
couples the entries of x, so that an estimate which perturbs one entry and
forgets to put it back spoils every later entry. This module only
evaluates them. Their derivatives are written nowhere: the grader
differentiates them itself, outside the notebook.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

ACTIVATIONS = (np.tanh, np.sin, np.cos, lambda u: np.log1p(np.exp(u)))
"""Smooth elementwise functions a test function is built from, by index."""

PARAMETERS = ("A", "B", "C", "a", "codes", "shape")
"""Names of a test function's parameters, as stored with the other inputs
(prefixed "f."): mixing matrices A, B, C of shape (m, n), offsets a of
shape (m,), two activation indices and the shape of the output."""


class CoupledFunction:
    """f(x) = act0(A v + a) * act1(B v) + (C v)**2 / 4, with v = x flattened,
    reshaped to `shape` (a scalar, the sum, when `shape` is empty)."""

    def __init__(self, parameters: Mapping[str, np.ndarray]):
        missing = [name for name in PARAMETERS if f"f.{name}" not in parameters]
        if missing:
            raise ValueError(f"a test function needs f.{', f.'.join(missing)}")
        self._A, self._B, self._C, self._a = (
            np.asarray(parameters[f"f.{name}"], dtype=np.float64) for name in ("A", "B", "C", "a")
        )
        first, second = (int(code) for code in np.asarray(parameters["f.codes"]).reshape(-1))
        self._outer, self._inner = ACTIVATIONS[first], ACTIVATIONS[second]
        self._shape = tuple(int(n) for n in np.asarray(parameters["f.shape"]).reshape(-1))

    def __call__(self, x) -> np.ndarray | np.float64:
        v = np.asarray(x, dtype=np.float64).reshape(-1)
        if v.size != self._A.shape[1]:
            raise ValueError(
                f"this test function takes an array of {self._A.shape[1]} entries, got shape "
                f"{np.shape(x)}"
            )
        coupled = self._outer(self._A @ v + self._a) * self._inner(self._B @ v)
        out = coupled + (self._C @ v) ** 2 / 4
        if not self._shape:
            return np.float64(np.sum(out))
        return out.reshape(self._shape)

    def __repr__(self) -> str:
        return "<a test function of numerical_gradient>"


def draw_parameters(
    rng: np.random.Generator, x_shape: tuple[int, ...], out_shape: tuple[int, ...]
) -> dict[str, np.ndarray]:
    """Random parameters of a CoupledFunction from arrays of `x_shape` to
    arrays of `out_shape` (() for a scalar, which sums three coupled terms)."""
    n = int(np.prod(x_shape, dtype=int))
    m = int(np.prod(out_shape, dtype=int)) if out_shape else 3
    scale = 1.0 / np.sqrt(max(n, 1))
    return {
        "f.A": scale * rng.standard_normal((m, n)) * 1.5,
        "f.B": scale * rng.standard_normal((m, n)) * 1.5,
        "f.C": scale * rng.standard_normal((m, n)),
        "f.a": rng.uniform(-1.0, 1.0, size=m),
        "f.codes": rng.choice(len(ACTIVATIONS), size=2),
        "f.shape": np.array(out_shape, dtype=np.int64),
    }
