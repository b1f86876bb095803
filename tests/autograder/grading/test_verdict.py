"""Tests of the grader's side of a hidden test: reading and judging what a
probe wrote, without trusting it."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.grading import verdict
from autograder.harness import checks
from tests.autograder.harness.test_checks import REFERENCE_FUNCTIONS

SEED = 7


class AlwaysEqual:
    """An object that claims to equal anything (module level, so it pickles)."""

    def __eq__(self, other):
        return True

    __hash__ = None


def _grade(tmp_path, name, functions, points=None):
    test = HIDDEN_TESTS[name]
    cases = test.cases(SEED)
    verdict.write_inputs(test, cases, tmp_path / "in.npz")
    checks.run_probe(functions, str(tmp_path / "in.npz"), str(tmp_path / "out.npz"))
    return verdict.judge(test, cases, tmp_path / "out.npz", points or len(test.spec.outputs))


@pytest.mark.parametrize("name", sorted(HIDDEN_TESTS))
def test_reference_implementations_earn_full_marks(tmp_path, name):
    """Does every reference implementation pass its own hidden test?"""
    result = _grade(tmp_path, name, REFERENCE_FUNCTIONS)
    assert result.score == result.points, result.message()


def test_partial_credit_per_returned_gradient(tmp_path):
    """Does a student whose dc0 alone is wrong keep the points of the other outputs?"""

    def lstm_backward(dh, cache):
        dx, dh0, dc0, dU, dW, db = REFERENCE_FUNCTIONS["lstm_backward"](dh, cache)
        return dx, dh0, 2 * dc0, dU, dW, db

    functions = {**REFERENCE_FUNCTIONS, "lstm_backward": lstm_backward}
    result = _grade(tmp_path, "lstm_backward", functions, points=6)
    assert result.score == 5
    failed = [v.output.name for v in result.outputs if not v.passed]
    assert failed == ["dc0"]
    assert "lstm-dc-prev" in result.message()


def test_hidden_inputs_depend_on_the_seed_and_nothing_else():
    """Are hidden inputs reproducible for a seed and different for another?"""
    test = HIDDEN_TESTS["rnn_backward"]
    first, again, other = test.cases(1), test.cases(1), test.cases(2)
    np.testing.assert_array_equal(first["case0"]["x"], again["case0"]["x"])
    assert not np.allclose(first["case0"]["x"], other["case0"]["x"])


def test_hidden_inputs_differ_from_the_public_ones():
    """Would hard-coding the outputs of the visible check earn nothing?"""
    public = checks.public_inputs("rnn_forward")
    for inputs in HIDDEN_TESTS["rnn_forward"].cases(SEED).values():
        assert inputs["x"].shape != public["x"].shape or not np.allclose(inputs["x"], public["x"])


def test_pickled_objects_are_never_loaded(tmp_path):
    """Does an output file holding a pickled object score zero instead of being unpickled?"""
    test = HIDDEN_TESTS["softmax"]
    cases = test.cases(SEED)
    arrays = {f"{case}/S": np.array([AlwaysEqual()], dtype=object) for case in cases}
    np.savez(tmp_path / "out.npz", **arrays)
    result = verdict.judge(test, cases, tmp_path / "out.npz", 1)
    assert result.score == 0
    assert "float64" in result.message()


def test_garbage_output_files_score_zero_with_a_reason(tmp_path):
    """Is a corrupt or missing results file a zero with a message, not a crash?"""
    test = HIDDEN_TESTS["softmax"]
    cases = test.cases(SEED)
    missing = verdict.judge(test, cases, tmp_path / "none.npz", 1)
    assert missing.score == 0 and "did not finish" in missing.message()
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 not really a zip")
    corrupt = verdict.judge(test, cases, tmp_path / "bad.npz", 1)
    assert corrupt.score == 0 and "could not be read" in corrupt.message()


def test_feedback_reveals_no_hidden_values(tmp_path):
    """Does a failing message leave out every hidden input and reference value?"""

    def rnn_forward(x, h0, U, W, b):
        h, cache = REFERENCE_FUNCTIONS["rnn_forward"](x, h0, U, W, b)
        return h + 1.0, cache

    result = _grade(tmp_path, "rnn_forward", {**REFERENCE_FUNCTIONS, "rnn_forward": rnn_forward})
    message = result.message()
    for inputs in HIDDEN_TESTS["rnn_forward"].cases(SEED).values():
        for value in inputs.values():
            for number in np.asarray(value).ravel()[:5]:
                assert f"{number:.4f}" not in message
    assert "FAIL  h" in message
