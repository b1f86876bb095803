"""Are the hidden cases derived from what the specs promise, do they expose
by construction the mistakes each promise is about, and are their
references accurate enough that a correct solution never loses a point?"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.calls import call_function
from autograder.course_checks.compare import compare
from autograder.course_checks.inputs import (
    LABEL_BELOW_MAXIMUM,
    OVERFLOWING_LOGIT,
    ROW_MAXIMA_APART,
    Case,
)
from autograder.course_checks.specs import LOSS_AT_LAST_STEP, ONLY_DC_REACHES, SPECS
from autograder.course_checks.testfunctions import CoupledFunction
from solutions import gradcheck
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS

SWEEP = range(300)
"""Seeds over which every promise must hold by construction."""


def test_every_graded_function_has_a_hidden_test():
    """Is there a hidden test for every spec, and a spec for every hidden test?"""
    assert set(HIDDEN_TESTS) == set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_layout_and_promise_has_a_case(name):
    """Does every shape variant, every optional argument (left out and
    passed) and every promise of the spec meet at least one hidden case?"""
    spec, test = SPECS[name], HIDDEN_TESTS[name]
    used_layouts = {spec.layout(case.layout).name for case in test.cases}
    assert used_layouts == {layout.name for layout in spec.layouts}
    for arg in spec.args:
        if arg.optional and arg.kind != "step":
            assert any(arg.name in case.omit for case in test.cases), arg.name
            assert any(arg.name not in case.omit for case in test.cases), arg.name
    promised = {promise for case in test.cases for promise in case.promises}
    assert promised == set(spec.promises)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_function_meets_axes_of_length_one_and_d_unlike_h(name):
    """Does every function meet a size-1 axis and, where it has both, D != H?"""
    sizes = [case.sizes for case in HIDDEN_TESTS[name].cases]
    assert any(1 in case.values() for case in sizes)
    if all("D" in case and "H" in case for case in sizes):
        assert any(case["D"] != case["H"] for case in sizes)


def _rows(array: np.ndarray) -> np.ndarray:
    return array.reshape(-1, array.shape[-1])


def _holds(promise: str, spec, case: Case, inputs: dict) -> bool:
    """Whether the drawn inputs really carry the promise they are for."""
    if promise == "entries of mixed sizes":
        a, b = inputs["a"], inputs["b"]
        entrywise = np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-300))
        return entrywise > 1.1 * gradcheck.rel_error(a, b)
    if promise == "largest |a| and largest |b| at different entries":
        a, b = np.abs(inputs["a"]), np.abs(inputs["b"])
        return np.max(a) + np.max(b) > 1.1 * np.max(a + b)
    if promise == "equal arrays give 0":
        return np.array_equal(inputs["a"], inputs["b"]) and np.any(inputs["a"] != 0)
    if promise == "two all-zero arrays give 0":
        return not np.any(inputs["a"]) and not np.any(inputs["b"])
    if promise == "two empty arrays give 0":
        return inputs["a"].size == 0 and inputs["b"].size == 0
    if promise == "integer arrays one apart":
        a, b = inputs["a"], inputs["b"]
        return np.array_equal(a, np.round(a)) and float(np.max(np.abs(a - b))) == 1.0
    if promise == "the 1e-8 floor":
        a, b = inputs["a"], inputs["b"]
        return np.max(np.abs(a) + np.abs(b)) < 1e-8 and not np.array_equal(a, b)
    if promise == "df=None means all ones":
        return "df" not in inputs
    if promise == "the step h":
        return float(inputs["h"]) != 1e-5
    if promise == "f couples the entries of x":
        f, x = CoupledFunction(inputs), inputs["x"]
        before = gradcheck.numerical_gradient(f, x, inputs.get("df"))
        moved = x.copy()
        moved.reshape(-1)[0] += 0.1
        after = gradcheck.numerical_gradient(f, moved, inputs.get("df"))
        return bool(np.all(np.abs((after - before).reshape(-1)[1:]) > 1e-9))
    if promise == "logits of any magnitude":
        logits = inputs[next(a.name for a in spec.args if a.kind == "logits")]
        maxima = np.max(_rows(logits), axis=1)
        spread = (
            len(maxima) < 2
            or np.min(np.abs(np.subtract.outer(maxima, maxima))[~np.eye(len(maxima), dtype=bool)])
            >= ROW_MAXIMA_APART
        )
        label_far = True
        label = next((a.name for a in spec.args if a.kind == "labels"), None)
        if label is not None:
            rows, labels = _rows(logits), inputs[label].reshape(-1)
            gaps = rows.max(axis=1) - rows[np.arange(len(labels)), labels]
            label_far = np.max(gaps) >= LABEL_BELOW_MAXIMUM
        return np.max(np.abs(maxima)) > OVERFLOWING_LOGIT and spread and label_far
    if promise == ONLY_DC_REACHES:
        return not inputs["dh"].any() and bool(np.all(inputs["dc"] != 0))
    if promise == LOSS_AT_LAST_STEP:
        dh = inputs["dh"]
        return dh.shape[1] >= 3 and not dh[:, :-1].any() and bool(np.all(dh[:, -1] != 0))
    if promise == "K = 1":
        return case.sizes["K"] == 1
    if promise == "mask=None keeps every step":
        return "mask" not in inputs
    if promise == "masked steps":
        mask = inputs["mask"]
        gap = mask.shape[1] < 3 or any(row[0] and not row[1] and row[2] for row in mask)
        return bool(mask.any() and not mask.all() and gap)
    raise AssertionError(f"no check written for the promise {promise!r}")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_promise_holds_on_every_seed(name):
    """Do the drawn inputs carry each promise of their case on 300 seeds, by
    construction rather than by luck of the draw?"""
    spec, test = SPECS[name], HIDDEN_TESTS[name]
    failures = []
    for seed in SWEEP:
        drawn = test.draw(seed)
        for case_name, case in zip(test.case_names(), test.cases, strict=True):
            for promise in case.promises:
                if not _holds(promise, spec, case, drawn[case_name]):
                    failures.append(f"seed {seed} {case_name}: {promise}")
    assert failures == []


def _failures(name: str, seeds) -> list[str]:
    """Outputs of the analytic reference that the hidden test would fail."""
    test = HIDDEN_TESTS[name]
    failures = []
    for seed in seeds:
        drawn = test.draw(seed)
        for case_name, case in zip(test.case_names(), test.cases, strict=True):
            inputs = drawn[case_name]
            analytic = call_function(test.spec, REFERENCE_FUNCTIONS, inputs)
            references = test.reference(inputs, case)
            layout = test.spec.layout(case.layout)
            for output, value, reference in zip(
                test.spec.outputs, analytic, references, strict=True
            ):
                verdict = compare(output, value, reference, layout.axes[output.name])
                if not verdict.passed:
                    failures.append(f"seed {seed} {case_name} {output.name}: {verdict.error:.1e}")
    return failures


@pytest.mark.parametrize("name", sorted(HIDDEN_TESTS))
def test_a_correct_solution_passes_on_a_few_seeds(name):
    """Does the analytic reference pass its hidden test for 3 seeds (the
    edit loop's version of the next test)?"""
    assert _failures(name, range(3)) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HIDDEN_TESTS))
def test_a_correct_solution_passes_for_every_seed(name):
    """Does the analytic reference pass its hidden test for 30 different seeds?"""
    assert _failures(name, range(30)) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "seeds"),
    [
        ("softmax_cross_entropy", 300),
        ("temporal_softmax_loss", 300),
        ("numerical_gradient", 300),
        ("rnn_loss", 100),  # its references take the longest; its hard part is the tiny model
    ],
)
def test_hard_cases_are_safe_for_many_seeds(name, seeds):
    """Do logits of size 1e4, tiny size-1 models and large steps stay within
    tolerance over many seeds?"""
    assert _failures(name, range(30, 30 + seeds)) == []


def test_hidden_inputs_depend_on_the_seed_and_nothing_else():
    """Are hidden inputs reproducible for a seed and different for another?"""
    test = HIDDEN_TESTS["rnn_backward"]
    first, again, other = test.draw(1), test.draw(1), test.draw(2)
    np.testing.assert_array_equal(first["case0"]["x"], again["case0"]["x"])
    assert not np.allclose(first["case0"]["x"], other["case0"]["x"])


def test_timing_inputs_are_larger_than_every_judged_case():
    """Is each timed function measured on an input larger than its cases?"""
    for name, test in HIDDEN_TESTS.items():
        if test.timing is None:
            assert SPECS[name].cost_baseline is None
            continue
        largest = max(np.prod(list(case.sizes.values())) for case in test.cases)
        assert np.prod(list(test.timing.sizes.values())) > 10 * largest


def test_every_timed_baseline_is_judged_beyond_the_timing_input():
    """Is the forward pass a function is timed against judged, among its own
    hidden cases, on an input at least as long on every axis as the timing
    input? A forward that stops at a fixed length (a buffer of 10 steps,
    say) then loses its own point, not only its backward's."""
    for name, test in HIDDEN_TESTS.items():
        baseline = SPECS[name].cost_baseline
        if test.timing is None or baseline[0] not in HIDDEN_TESTS:
            continue
        axes = SPECS[baseline[0]].layout(test.timing.layout).axes
        used = {axis for shape in axes.values() for axis in shape} - {"4H"}
        wanted = {axis: n for axis, n in test.timing.sizes.items() if axis in used}
        assert any(
            all(case.sizes.get(axis, 0) >= n for axis, n in wanted.items())
            for case in HIDDEN_TESTS[baseline[0]].cases
        ), (name, baseline[0], wanted)
