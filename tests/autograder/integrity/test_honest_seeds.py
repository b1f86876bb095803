"""Every honest style keeps every output on many seeds (honest_seeds.py;
run it with --seeds 300 for the full sweep; this runs 5 in the slow tier)."""

from __future__ import annotations

import warnings

import pytest

from tests.autograder.integrity.honest_seeds import lost_outputs

SEEDS = 5


@pytest.mark.slow
def test_every_honest_style_keeps_full_marks_on_every_seed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lost = lost_outputs(range(SEEDS))
    assert len(lost) == 8
    assert {student: failures for student, failures in lost.items() if failures} == {}


@pytest.mark.slow  # seconds, not milliseconds: kept out of make test-fast
def test_a_wrong_style_loses_outputs(monkeypatch):
    """Would the sweep notice a style that is wrong? (rnn_step_backward's dW
    of the einsum style made twice too large, on one seed)."""
    from tests.autograder.integrity import honest_seeds

    real = honest_seeds.style_functions

    def broken(assignment, style):
        functions = real(assignment, style)
        if (assignment, style) == ("a2_rnn", "einsum"):
            step_backward = functions["rnn_step_backward"]

            def doubled_dW(dh, cache):
                dx, dh_prev, dU, dW, db = step_backward(dh, cache)
                return dx, dh_prev, dU, 2 * dW, db

            functions["rnn_step_backward"] = doubled_dW
        return functions

    monkeypatch.setattr(honest_seeds, "style_functions", broken)
    lost = lost_outputs(range(1))
    assert [f for f in lost["a2_rnn einsum"] if "rnn_step_backward: dW" in f]
    assert all(not failures for student, failures in lost.items() if student != "a2_rnn einsum")
