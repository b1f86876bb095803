"""Tests of the grader's side of a hidden test: reading and judging what a
probe wrote, without trusting it."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.inputs import public_inputs
from autograder.grading import verdict
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS, grade_in_process

SEED = 7


class AlwaysEqual:
    """An object that claims to equal anything (module level, so it pickles)."""

    def __eq__(self, other):
        return True

    __hash__ = None


@pytest.mark.parametrize("name", sorted(HIDDEN_TESTS))
def test_reference_implementations_earn_full_marks(tmp_path, name):
    """Does every reference implementation pass its own hidden test?"""
    result = grade_in_process(tmp_path, name, REFERENCE_FUNCTIONS, SEED)
    assert result.score == result.points, result.message()


def test_partial_credit_per_returned_gradient(tmp_path):
    """Does a student whose dc0 alone is wrong keep the points of the other outputs?"""

    def lstm_backward(dh, cache):
        dx, dh0, dc0, dU, dW, db = REFERENCE_FUNCTIONS["lstm_backward"](dh, cache)
        return dx, dh0, 3 * dc0 + 1.0, dU, dW, db

    functions = {**REFERENCE_FUNCTIONS, "lstm_backward": lstm_backward}
    result = grade_in_process(tmp_path, "lstm_backward", functions, SEED, points=6)
    assert result.score == 5
    assert [v.output.name for v in result.outputs if not v.passed] == ["dc0"]
    assert "lstm.html#equation-lstm-dc-prev" in result.message()


def test_an_output_that_requires_another_earns_nothing_alone(tmp_path):
    """Does leaving x unchanged earn nothing when the gradient is wrong?"""

    def numerical_gradient(f, x, df=None, h=1e-5):
        return np.zeros_like(np.asarray(x, dtype=np.float64))

    functions = {**REFERENCE_FUNCTIONS, "numerical_gradient": numerical_gradient}
    result = grade_in_process(tmp_path, "numerical_gradient", functions, SEED, points=2)
    assert result.score == 0
    x_verdict = result.outputs[1]
    assert x_verdict.problem == "not credited: grad is wrong"


def test_withheld_gradients_lose_their_points_and_say_why(tmp_path):
    """Do gradients judged right lose their share, and only theirs, when the
    backward pass cost too much, with the reason in the message?"""
    result = grade_in_process(
        tmp_path, "softmax_cross_entropy", REFERENCE_FUNCTIONS, SEED, points=2
    )
    verdict.withhold_gradients(result, "Not credited: too costly.", "not computed so")
    assert result.score == 1
    assert [v.passed for v in result.outputs] == [True, False]
    assert "Not credited: too costly." in result.message()
    assert result.outputs[1].problem.startswith("not credited: right values (relative error ")
    assert result.outputs[1].problem.endswith("), but not computed so (see above)")


def test_withholding_takes_a_derived_value_but_no_plain_value(tmp_path):
    """Is the softmax's Jacobian, a value that is a derivative, withheld like
    a gradient, while softmax's own values never are?"""
    jacobian = grade_in_process(tmp_path, "softmax_jacobian", REFERENCE_FUNCTIONS, SEED, points=1)
    verdict.withhold_gradients(jacobian, "Not credited: differenced.", "differenced")
    assert jacobian.score == 0 and not jacobian.outputs[0].passed
    values = grade_in_process(tmp_path, "softmax", REFERENCE_FUNCTIONS, SEED, points=1)
    verdict.withhold_gradients(values, "Not credited: differenced.", "differenced")
    assert values.score == 1 and values.outputs[0].passed


def test_hidden_inputs_differ_from_the_public_ones():
    """Would hard-coding the outputs of the visible check earn nothing?"""
    public = public_inputs("rnn_forward")
    for inputs in HIDDEN_TESTS["rnn_forward"].draw(SEED).values():
        assert inputs["x"].shape != public["x"].shape or not np.allclose(inputs["x"], public["x"])


def test_pickled_objects_are_never_loaded(tmp_path):
    """Does an output file holding a pickled object score zero instead of being unpickled?"""
    test = HIDDEN_TESTS["softmax"]
    cases = test.draw(SEED)
    arrays = {f"{case}/S": np.array([AlwaysEqual()], dtype=object) for case in cases}
    np.savez(tmp_path / "out.npz", **arrays)
    result = verdict.judge(test, cases, tmp_path / "out.npz", 1)
    assert result.score == 0
    assert "was not returned as a float64 NumPy array" in result.message()


def test_garbage_output_files_score_zero_with_a_reason(tmp_path):
    """Is a corrupt or missing results file a zero with a message, not a crash?"""
    test = HIDDEN_TESTS["softmax"]
    cases = test.draw(SEED)
    missing = verdict.judge(test, cases, tmp_path / "none.npz", 1)
    assert missing.score == 0
    assert "the test did not finish (no results were written)" in missing.message()
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 not really a zip")
    corrupt = verdict.judge(test, cases, tmp_path / "bad.npz", 1)
    assert corrupt.score == 0
    assert "the results could not be read (BadZipFile)" in corrupt.message()


def test_feedback_reveals_no_hidden_values(tmp_path):
    """Does a failing message leave out every hidden input and reference value?"""

    def rnn_forward(x, h0, U, W, b):
        h, cache = REFERENCE_FUNCTIONS["rnn_forward"](x, h0, U, W, b)
        return h + 1.0, cache

    functions = {**REFERENCE_FUNCTIONS, "rnn_forward": rnn_forward}
    result = grade_in_process(tmp_path, "rnn_forward", functions, SEED)
    message = result.message()
    for inputs in HIDDEN_TESTS["rnn_forward"].draw(SEED).values():
        for value in inputs.values():
            for number in np.asarray(value).ravel()[:5]:
                assert f"{number:.4f}" not in message
    assert "FAIL  h" in message


def test_a_function_defined_after_its_test_cell_is_explained(tmp_path):
    """Does a function missing when the test runs get a message about cell
    order rather than a bare NameError?"""
    functions = {k: v for k, v in REFERENCE_FUNCTIONS.items() if k != "softmax"}
    result = grade_in_process(tmp_path, "softmax", functions, SEED)
    assert result.score == 0
    assert (
        "not defined when this test cell runs: softmax (cells run from the top: is the "
        "function's cell below its test cell, or was it never run?)"
    ) in result.message()
