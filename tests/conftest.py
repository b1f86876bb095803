"""Fixtures shared by every test directory."""

from __future__ import annotations

import numpy as np
import pytest

TEST_SEED = 20240611
"""Seed of the per-test random generator: every test starts from the same
state, so a failure reproduces on rerun and no test depends on the order
in which the others ran."""


@pytest.fixture(autouse=True)
def rng() -> np.random.Generator:
    """A freshly seeded NumPy generator for the test that asks for it.

    Autouse so that every test gets its own generator built when the test
    starts, never at import time; tests take their randomness from it rather
    than from NumPy's global state.
    """
    return np.random.default_rng(TEST_SEED)
