"""Fixtures for the tests of the reference library :mod:`solutions`."""

from __future__ import annotations

import numpy as np
import pytest

from tests.solutions.problems import SHAPES, RandomProblems, Shape


@pytest.fixture
def problems(rng: np.random.Generator) -> RandomProblems:
    """Random arguments drawn from the test's seeded generator."""
    return RandomProblems(rng)


@pytest.fixture(params=SHAPES, ids=str)
def shape(request: pytest.FixtureRequest) -> Shape:
    """Every test that asks for a shape runs once per entry of the sweep."""
    return request.param
