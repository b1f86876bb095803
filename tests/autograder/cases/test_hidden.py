"""Are the hidden tests' finite-difference references accurate enough that
a correct solution never loses a point, whatever the course's seed?"""

from __future__ import annotations

import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.grading.verdict import tolerance_for
from autograder.harness import checks
from tests.autograder.harness.test_checks import REFERENCE_FUNCTIONS


def _failures(name: str, seeds) -> list[str]:
    """Outputs of the analytic reference that the hidden test would fail."""
    test = HIDDEN_TESTS[name]
    failures = []
    for seed in seeds:
        for case, inputs in test.cases(seed).items():
            analytic = checks.call_function(test.spec, REFERENCE_FUNCTIONS, inputs)
            references = test.reference(inputs, test.step(case))
            for output, value, reference in zip(
                test.spec.outputs, analytic, references, strict=True
            ):
                verdict = checks.compare(output, value, reference, tolerance_for(output))
                if not verdict.passed:
                    failures.append(f"seed {seed} {case} {output.name}: {verdict.error:.1e}")
    return failures


@pytest.mark.parametrize("name", sorted(HIDDEN_TESTS))
def test_a_correct_solution_passes_for_every_seed(name):
    """Does the analytic reference pass its hidden test for 30 different course seeds?"""
    assert _failures(name, range(30)) == []


@pytest.mark.parametrize("name", ["softmax_cross_entropy", "temporal_softmax_loss", "rnn_loss"])
def test_hard_cases_are_safe_for_many_seeds(name):
    """Do logits of size 1e4 and tiny size-1 models stay within tolerance over 300 seeds?"""
    assert _failures(name, range(30, 330)) == []
