"""Assertions shared by the gradient tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solutions.gradcheck import rel_error
from tests.solutions.problems import TOLERANCE


def assert_gradient_matches(name: str, analytic, numeric, tolerance: float = TOLERANCE) -> None:
    """Fail unless `analytic` and `numeric` have the same shape and a
    relative error of at most `tolerance`; the message names the gradient
    and shows both arrays."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    assert analytic.shape == numeric.shape, (
        f"{name}: analytic shape {analytic.shape} != numerical shape {numeric.shape}"
    )
    error = rel_error(analytic, numeric)
    assert error <= tolerance, (
        f"{name}: relative error {error:.3e} > {tolerance:.0e}\n"
        f"analytic:\n{analytic}\nnumerical:\n{numeric}"
    )


def assert_all_gradients_match(
    names: Sequence[str],
    analytic: Sequence,
    numeric: Sequence,
    tolerance: float = TOLERANCE,
    *,
    common_scale: bool = False,
) -> None:
    """:func:`assert_gradient_matches` for parallel sequences of gradients.

    With ``common_scale``, each array's largest difference is divided by the
    largest |analytic| + |numeric| over *all* the arrays rather than over its
    own entries. The property tests need this: at a random point one whole
    gradient can be tiny (a sum over time that nearly cancels, a saturated
    path), while the centred difference keeps an absolute noise of about
    eps |L| / h + h^2 |f'''| / 6, some 1e-11 to 1e-10; that array's own
    relative error then measures the noise, not the implementation. The
    fixed-seed sweeps keep the stricter per-array errors.
    """
    assert len(names) == len(analytic) == len(numeric), (
        f"expected {len(names)} gradients, got {len(analytic)} analytic and "
        f"{len(numeric)} numerical"
    )
    pairs = [
        (np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64))
        for a, n in zip(analytic, numeric, strict=True)
    ]
    if not common_scale:
        for name, (a, n) in zip(names, pairs, strict=True):
            assert_gradient_matches(name, a, n, tolerance)
        return
    for name, (a, n) in zip(names, pairs, strict=True):
        assert a.shape == n.shape, f"{name}: analytic shape {a.shape} != numerical {n.shape}"
    scale = max(float(np.max(np.abs(a) + np.abs(n), initial=0.0)) for a, n in pairs)
    for name, (a, n) in zip(names, pairs, strict=True):
        error = float(np.max(np.abs(a - n), initial=0.0)) / max(1e-8, scale)
        assert error <= tolerance, (
            f"{name}: error {error:.3e} > {tolerance:.0e} relative to the largest gradient "
            f"of the problem ({scale:.3e})\nanalytic:\n{a}\nnumerical:\n{n}"
        )
