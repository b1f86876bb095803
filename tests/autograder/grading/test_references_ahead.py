"""The references computed ahead are the ones the verdict would compute, the
reference costs are measured before the thread runs, and nothing is left
running after close()."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.grading import cost
from autograder.grading.references_ahead import ReferencesAhead, compute_references

SEED = 11
TIMED = ("temporal_softmax_loss", "rnn_step_backward")  # two cheap ones of assignment 2


def _same(left: dict, right: dict) -> bool:
    return left.keys() == right.keys() and all(
        len(left[k]) == len(right[k])
        and all(np.array_equal(a, b) for a, b in zip(left[k], right[k], strict=True))
        for k in left
    )


@pytest.mark.parametrize("name", ["softmax", "softmax_cross_entropy", "rnn_step_backward"])
def test_each_case_gets_the_reference_the_verdict_computes(name):
    test = HIDDEN_TESTS[name]
    expected = {
        case: test.reference(inputs, test.case(case)) for case, inputs in test.draw(SEED).items()
    }
    assert set(expected) == set(test.case_names())
    assert _same(compute_references(test, SEED), expected)


def test_the_cells_get_their_own_tests_references_and_the_thread_ends(monkeypatch):
    monkeypatch.setattr(cost, "_REFERENCE_COSTS", {})
    tests = {3 + 2 * k: HIDDEN_TESTS[name] for k, name in enumerate(TIMED)}
    ahead = ReferencesAhead(tests, SEED)
    # Measured in this thread before the references thread started.
    assert set(cost._REFERENCE_COSTS) == set(TIMED)
    try:
        for index, test in tests.items():
            assert _same(ahead.of_cell(index), compute_references(test, SEED))
    finally:
        ahead.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("references-ahead")]


def test_close_drops_what_was_not_computed_yet():
    tests = {index: HIDDEN_TESTS["rnn_step_backward"] for index in range(20)}
    ahead = ReferencesAhead(tests, SEED)
    ahead.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("references-ahead")]
    assert any(future.cancelled() for future in ahead._futures.values())
