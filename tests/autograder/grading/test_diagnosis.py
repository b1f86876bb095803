"""Does the feedback name the term a wrong output is missing? Each
diagnosis is pinned here in-process by a student function with that one
mistake, and through the whole pipeline by a catalogue mutant
(tests/autograder/mutations/catalogue.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.compare import OutputVerdict, compare
from autograder.course_checks.specs import SPECS
from autograder.grading import diagnosis
from autograder.grading.diagnosis import diagnose
from solutions import lstm, rnn
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS, grade_in_process

SEED = 11


def _grade(tmp_path, name, **functions):
    return grade_in_process(tmp_path, name, {**REFERENCE_FUNCTIONS, **functions}, SEED)


def _verdict(result, output):
    return next(v for v in result.outputs if v.output.name == output)


def test_upstream_added_only_at_the_last_step_is_named(tmp_path):
    """Does a BPTT that adds dh[:, t] only at the last step get a hint about
    the gradient from above, not about the carry?"""

    def rnn_backward(dh, cache):
        only_last = np.zeros_like(dh)
        only_last[:, -1] = dh[:, -1]
        return rnn.rnn_backward(only_last, cache)

    result = _grade(tmp_path, "rnn_backward", rnn_backward=rnn_backward)
    dx = _verdict(result, "dx")
    assert not dx.passed
    assert dx.hint.startswith("matches back-propagation through time that adds the gradient")
    assert "dh[:, t], only at the last step" in dx.hint
    assert "rnn_bptt.html#equation-rnn-dh-recursion" in dx.line()


def test_a_missing_carry_is_named(tmp_path):
    """Does a BPTT without the carry from step t+1 get the carry hint?"""

    def rnn_backward(dh, cache):
        results = [rnn.rnn_step_backward(dh[:, t], s) for t, s in enumerate(cache.steps)]
        dx = np.stack([r[0] for r in results], axis=1)
        return dx, results[0][1], *(sum(r[k] for r in results) for k in (2, 3, 4))

    result = _grade(tmp_path, "rnn_backward", rnn_backward=rnn_backward)
    assert (
        "the gradient carried back from step t+1 (through W) is missing"
        in _verdict(result, "dW").hint
    )


def _forget_with_c_t(dh, dc, cache):
    c_t = cache.f * cache.c_prev + cache.i * cache.g
    return lstm.lstm_step_backward(dh, dc, replace(cache, c_prev=c_t))


def test_a_forget_gradient_with_the_new_cell_state_links_the_forget_gate(tmp_path):
    """Does df taken with c_t get a hint naming c_{t-1} and a link to the
    forget gate's equation, not the weight gradients'?"""
    result = _grade(tmp_path, "lstm_step_backward", lstm_step_backward=_forget_with_c_t)
    dU = _verdict(result, "dU")
    assert "wrong in gate block(s) f " in dU.where
    assert "with c_t where c_{t-1} belongs" in dU.hint
    assert "lstm.html#equation-lstm-df" in dU.line()
    assert _verdict(result, "dc_prev").passed


def test_a_cell_gradient_without_the_tanh_path_links_the_cell_equation(tmp_path):
    """Does dc_total without dh * o * tanh'(c) get a hint and the (lstm-dc) link?"""

    def lstm_step_backward(dh, dc, cache):
        through_h = dh * cache.o * (1 - cache.tanh_c**2)
        full = lstm.lstm_step_backward(dh, dc, cache)
        path = lstm.lstm_step_backward(np.zeros_like(dh), through_h, cache)
        return tuple(a - b for a, b in zip(full, path, strict=True))

    result = _grade(tmp_path, "lstm_step_backward", lstm_step_backward=lstm_step_backward)
    dc_prev = _verdict(result, "dc_prev")
    assert "without the path through h_t" in dc_prev.hint
    assert "lstm.html#equation-lstm-dc" in dc_prev.line()


def _read_as_i_f_o_g(weights):
    """The row blocks of a stacked (4H, ...) array exchanged so that the
    course's forward reads its gates as i, f, o, g."""
    i, f, g, o = np.split(weights, 4, axis=0)
    return np.concatenate([i, f, o, g], axis=0)


def test_gates_read_in_another_order_are_named_in_both_forwards(tmp_path):
    """An LSTM that stacks its gates i, f, o, g (CS231n's order): do h and c
    of the step, and h of the sequence, get the gate-order hint and the
    link to the stacked pre-activation (lstm-a)?"""

    def lstm_step_forward(x, h_prev, c_prev, U, W, b):
        swapped = (_read_as_i_f_o_g(a) for a in (U, W, b))
        return lstm.lstm_step_forward(x, h_prev, c_prev, *swapped)

    def lstm_forward(x, h0, c0, U, W, b):
        swapped = (_read_as_i_f_o_g(a) for a in (U, W, b))
        return lstm.lstm_forward(x, h0, c0, *swapped)

    step = _grade(tmp_path, "lstm_step_forward", lstm_step_forward=lstm_step_forward)
    sequence = _grade(tmp_path, "lstm_forward", lstm_forward=lstm_forward)
    for verdict in (_verdict(step, "h"), _verdict(step, "c"), _verdict(sequence, "h")):
        assert not verdict.passed
        assert verdict.hint.startswith("matches gates read in the order i, f, o, g"), verdict
        assert "lstm.html#equation-lstm-a" in verdict.line()


def test_swapped_outputs_are_recognised(tmp_path):
    """Are dh0 and dc0 returned in each other's place named as swapped?"""

    def lstm_backward(dh, cache):
        dx, dh0, dc0, dU, dW, db = lstm.lstm_backward(dh, cache)
        return dx, dc0, dh0, dU, dW, db

    result = _grade(tmp_path, "lstm_backward", lstm_backward=lstm_backward)
    assert _verdict(result, "dh0").hint == (
        "dh0 equals the right dc0: are the values returned in the wrong order? lstm_backward "
        "returns (dx, dh0, dc0, dU, dW, db)"
    )


def test_no_swap_is_named_when_the_other_output_is_right():
    """dU computed as da.T @ U: on N = H = 1 it equals the right dx, but dx
    was returned right, so nothing is in the wrong order."""
    right_dx = np.array([[0.5, -1.5]])
    references = {"dx": right_dx, "dh_prev": np.array([[0.2]]), "dU": np.array([[0.3, 0.1]])}
    case = HIDDEN_TESTS["rnn_step_backward"].cases[1]
    value = right_dx.copy()
    hint = diagnosis._generic("rnn_step_backward", "dU", value, references, case, {"dU"})
    assert "wrong order" not in hint
    swapped = diagnosis._generic("rnn_step_backward", "dU", value, references, case, {"dU", "dx"})
    assert swapped.startswith("dU equals the right dx: are the values returned in the wrong order")


def test_a_mask_applied_to_the_loss_only_is_named(tmp_path):
    """Does a gradient that ignores the mask get a hint about the dropped steps?"""

    def temporal_softmax_loss(o, y, mask=None):
        loss, _ = REFERENCE_FUNCTIONS["temporal_softmax_loss"](o, y, mask)
        _, do = REFERENCE_FUNCTIONS["temporal_softmax_loss"](o, y)
        return loss, do

    result = _grade(tmp_path, "temporal_softmax_loss", temporal_softmax_loss=temporal_softmax_loss)
    do = _verdict(result, "do")
    assert "wrong exactly on the steps it drops" in do.hint
    assert "carried" not in do.line()
    assert _verdict(result, "loss").passed


def test_a_missing_mean_is_named_with_its_factor(tmp_path):
    """Does a gradient N times too large say so?"""

    def softmax_cross_entropy(logits, y):
        loss, dlogits = REFERENCE_FUNCTIONS["softmax_cross_entropy"](logits, y)
        return loss, dlogits * logits.shape[0]

    result = _grade(tmp_path, "softmax_cross_entropy", softmax_cross_entropy=softmax_cross_entropy)
    assert _verdict(result, "dlogits").hint.startswith("dlogits is N=")
    assert "summed over an axis where the loss takes the mean" in _verdict(result, "dlogits").hint


def test_a_transposed_weight_gradient_is_named(tmp_path):
    """Is dW returned transposed recognised?"""

    def rnn_step_backward(dh, cache):
        dx, dh_prev, dU, dW, db = rnn.rnn_step_backward(dh, cache)
        return dx, dh_prev, dU, dW.T, db

    result = _grade(tmp_path, "rnn_step_backward", rnn_step_backward=rnn_step_backward)
    assert _verdict(result, "dW").hint == "dW is the transpose of the right value"


def test_an_overflowing_softmax_is_told_why(tmp_path):
    """Does a softmax without the row-maximum shift get a hint about large logits?"""

    def softmax(z):
        with np.errstate(over="ignore", invalid="ignore"):  # the mistake overflows, as meant
            e = np.exp(z)
            return e / e.sum(axis=-1, keepdims=True)

    result = _grade(tmp_path, "softmax", softmax=softmax)
    assert "unless each row's own maximum is subtracted first" in _verdict(result, "S").hint


def _round_off(value: np.ndarray) -> np.ndarray:
    """`value` with a relative error of 3e-7 in every entry, just over the
    tolerance of 1e-7: float32 arithmetic gives errors of that size."""
    return value * (1.0 + 3e-7)


def test_round_off_on_a_single_step_is_not_named_as_a_known_mistake():
    """On the hidden case with one time step, adding dh only at the last
    step gives the right gradient. Is an rnn_backward off by round-off
    there told nothing about that mistake (it matched it within 1e-6)?"""
    test = HIDDEN_TESTS["rnn_backward"]
    case = test.case("case1")
    assert case.sizes["T"] == 1
    inputs = test.draw(SEED)["case1"]
    names = [output.name for output in test.spec.outputs]
    references = dict(zip(names, test.reference(inputs, case), strict=True))
    values = {name: _round_off(reference) for name, reference in references.items()}
    verdicts = {
        output.name: compare(
            output, values[output.name], references[output.name],
            test.spec.layout(case.layout).axes[output.name], recurrent=True,
        )
        for output in test.spec.outputs
    }  # fmt: skip
    diagnose(test, case, inputs, values, references, verdicts)
    failed = [verdict for verdict in verdicts.values() if not verdict.passed]
    assert failed
    for verdict in failed:
        assert "only at the last step" not in verdict.hint, verdict.line()


def _gate_verdict(errors: dict[str, float]) -> OutputVerdict:
    output = next(o for o in SPECS["lstm_step_backward"].outputs if o.name == "dW")
    slices = {f"gate {gate}": error for gate, error in errors.items()}
    return OutputVerdict(output, max(errors.values()), 1e-7, False, slice_errors=slices)


def test_one_gate_is_named_only_when_its_error_stands_out():
    """Is a gate block named as the wrong one when its error dwarfs the
    others' (a mistake in that gate), and not when every block has round-off
    of one size and one is just over the tolerance?"""
    mistake = _gate_verdict({"i": 2e-11, "f": 3e-11, "o": 0.4, "g": 1e-11})
    round_off = _gate_verdict({"i": 8e-8, "f": 9e-8, "o": 1.3e-7, "g": 7e-8})
    assert diagnosis._one_gate(mistake, ("4H", "D")).startswith("only the rows of gate o")
    assert diagnosis._one_gate(round_off, ("4H", "D")) == ""


def test_a_single_number_is_not_called_a_constant_factor_off(tmp_path):
    """A loss that ignores the mask (its gradient applies it): is the wrong
    scalar loss left without the "a constant factor is off" hint (any
    number is a multiple of any other)?"""

    def temporal_softmax_loss(o, y, mask=None):
        loss, _ = REFERENCE_FUNCTIONS["temporal_softmax_loss"](o, y)
        return loss, REFERENCE_FUNCTIONS["temporal_softmax_loss"](o, y, mask)[1]

    result = _grade(tmp_path, "temporal_softmax_loss", temporal_softmax_loss=temporal_softmax_loss)
    loss = _verdict(result, "loss")
    assert not loss.passed
    assert "constant factor" not in loss.hint, loss.line()


def test_a_one_by_one_value_is_not_called_a_transpose():
    """dc_prev of a case with N = H = 1 off by round-off: a 1 x 1 matrix is
    its own transpose, so is the hint not "the transpose of the right
    value"? (A real transpose of a square value still is.)"""
    test = HIDDEN_TESTS["lstm_step_backward"]
    case = next(test.case(n) for n in test.case_names() if test.case(n).sizes["H"] == 1)
    reference = np.array([[0.25]])
    assert diagnosis._generic("lstm_step_backward", "dc_prev", _round_off(reference),
                              {"dc_prev": reference}, case, {"dc_prev"}) == ""  # fmt: skip
    square = np.arange(4.0).reshape(2, 2)
    assert (
        diagnosis._generic(
            "lstm_step_backward", "dc_prev", square.T, {"dc_prev": square}, case, {"dc_prev"}
        )
        == "dc_prev is the transpose of the right value"
    )


def test_a_factor_is_named_as_a_mean_only_for_a_loss_and_its_batch_axes():
    """db doubled in an LSTM step (no loss, no mean anywhere) on a case with
    D = 2: is the hint the plain factor, not "D=2 times ...: a mean
    missing?", while a loss's gradient N times too large is still named?"""
    test = HIDDEN_TESTS["lstm_step_backward"]
    case = next(test.case(n) for n in test.case_names() if test.case(n).sizes.get("D") == 2)
    reference = np.array([0.5, -1.5, 2.0])
    assert diagnosis._generic("lstm_step_backward", "db", 2.0 * reference,
                              {"db": reference}, case, {"db"}) == (
        "db is the right value times 2: a constant factor is off"
    )  # fmt: skip
    loss_test = HIDDEN_TESTS["softmax_cross_entropy"]
    loss_case = next(
        loss_test.case(n) for n in loss_test.case_names() if loss_test.case(n).sizes["N"] > 1
    )
    n = loss_case.sizes["N"]
    gradient = np.arange(1.0, 7.0).reshape(2, 3)
    hint = diagnosis._generic("softmax_cross_entropy", "dlogits", n * gradient,
                              {"loss": np.array(1.0), "dlogits": gradient}, loss_case,
                              {"dlogits"})  # fmt: skip
    assert hint.startswith(f"dlogits is N={n} times the right value")
