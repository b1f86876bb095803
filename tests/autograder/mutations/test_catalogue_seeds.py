"""Every catalogue mutant is caught on every seed, not only on the fixed
seed of test_mutations.py (make mutation-test runs 300 seeds; this runs 20)."""

from __future__ import annotations

import pytest

from tests.autograder.mutations.catalogue import MUTANTS
from tests.autograder.mutations.catalogue_seeds import run

SEEDS = 20


@pytest.mark.slow  # seconds, not milliseconds: kept out of make test-fast
def test_every_catalogue_mutant_is_caught_on_every_seed():
    outcomes = run(range(SEEDS))
    assert list(outcomes) == [mutant.name for mutant in MUTANTS]
    escaped = {
        name: f"escaped on {o.escaped} of {o.seeds} seeds {o.error}"
        for name, o in outcomes.items()
        if o.escaped or o.seeds != SEEDS or not o.tests
    }
    assert not escaped
