"""The hidden inputs: for each graded function, the calls it meets at
grading time. Their values are drawn when a submission is graded, from the
course's grading seed combined with the student and the submission's hash,
so no student file contains them and a leaked input helps nobody else.

The cases are derived from the specs: every layout a spec declares, every
optional argument left out and passed, every promise of its docstring
(tests/autograder/cases/test_hidden.py checks this, so a promise added to
a spec without a case fails the suite). Every function also meets axes of
length 1 and an input size D different from H.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from autograder.cases.references import REFERENCES
from autograder.cases.timing import TimingInput, draw_timing
from autograder.course_checks.inputs import Case, make_inputs
from autograder.course_checks.specs import LOSS_AT_LAST_STEP, ONLY_DC_REACHES, SPECS, FunctionSpec


@dataclass(frozen=True)
class HiddenTest:
    """The hidden test of one graded function.

    spec: how to call it (shared with the visible checks).
    cases: the calls it is judged on.
    reference: (inputs, case) -> the right outputs, in the spec's order.
    timing: the larger call its cost is measured on (None: not timed).
    """

    spec: FunctionSpec
    cases: tuple[Case, ...]
    reference: Callable[[Mapping[str, np.ndarray], Case], tuple]
    timing: Case | None = None

    def case_names(self) -> list[str]:
        return [f"case{k}" for k in range(len(self.cases))]

    def case(self, name: str) -> Case:
        return self.cases[int(name.removeprefix("case"))]

    def draw(self, seed: int) -> dict[str, dict[str, np.ndarray]]:
        """The hidden inputs for one seed: {case name: inputs}. The same
        seed always gives the same inputs, so regrading agrees."""
        stream = int.from_bytes(hashlib.sha256(self.spec.name.encode()).digest()[:4], "big")
        rng = np.random.default_rng([seed, stream])
        drawn = {
            name: make_inputs(self.spec, rng, case)
            for name, case in zip(self.case_names(), self.cases, strict=True)
        }
        return drawn

    def draw_timing(self, seed: int) -> TimingInput:
        """The timing input for one seed (autograder/cases/timing.py); only
        for a timed function."""
        if self.timing is None:
            raise ValueError(f"{self.spec.name} is not timed")
        return draw_timing(self.spec, self.timing, seed)


def _cases(*cases: Case) -> tuple[Case, ...]:
    return cases


_PEAKS = ("entries of mixed sizes", "largest |a| and largest |b| at different entries")
_LARGE = "logits of any magnitude"
_MASKED = "masked steps"
_NO_MASK = "mask=None keeps every step"
_ONES = "df=None means all ones"

_STEP = _cases(
    Case(sizes={"N": 3, "D": 4, "H": 5}),
    Case(sizes={"N": 1, "D": 2, "H": 1}),
    Case(sizes={"N": 2, "D": 1, "H": 3}),
)
_SEQUENCE = _cases(
    Case(sizes={"N": 2, "T": 4, "D": 3, "H": 5}),
    Case(sizes={"N": 1, "T": 1, "D": 2, "H": 3}),
    Case(sizes={"N": 3, "T": 3, "D": 4, "H": 1}),
    Case(sizes={"N": 2, "T": 6, "D": 2, "H": 2}),
)
_LSTM_STEP_BACKWARD = (*_STEP, Case(sizes={"N": 2, "D": 3, "H": 4}, promises=(ONLY_DC_REACHES,)))
_SEQUENCE_BACKWARD = (
    *_SEQUENCE,
    Case(sizes={"N": 2, "T": 5, "D": 3, "H": 3}, promises=(LOSS_AT_LAST_STEP,)),
)
_OUTPUT = _cases(
    Case("sequence", {"N": 2, "T": 3, "H": 4, "K": 5}),
    Case("single step", {"N": 3, "H": 4, "K": 2}),
    Case("sequence", {"N": 1, "T": 1, "H": 1, "K": 2}),
)
_STEP_TIMING = Case(sizes={"N": 32, "D": 128, "H": 128})
"""One step of 32 examples with D = H = 128: 32,896 weights and biases
(RNN; four times as many for the LSTM) and 8,192 inputs and states, so
that centred differences cost about 80,000 forward steps (RNN), while a
backward that loops over the 32 examples still does real work
(matrix-vector products of 128) in each Python iteration."""
_SEQUENCE_TIMING = Case(sizes={"N": 4, "T": 30, "D": 32, "H": 32})
"""30 steps of 4 sequences with D = H = 32: 2,080 weights and biases
(RNN; 8,320 for the LSTM) and 3,840 inputs, each of whose centred
differences costs two whole forward passes; the forward itself is a loop
over the 30 steps, as every honest backward is."""

_OUTPUT_TIMING = Case("sequence", {"N": 4, "T": 30, "H": 128, "K": 128})
_CROSS_ENTROPY_TIMING = Case(sizes={"N": 64, "K": 512})


def _beyond(timing: Case, layout: str | None = None) -> Case:
    """A case one longer than `timing` on each of its axes, for the forward
    pass a backward is timed against: a forward that stops at a fixed
    length or size loses its own point, where otherwise only the backward,
    whose timed call runs it on the larger input, would pay for it."""
    return Case(layout or timing.layout, {axis: n + 1 for axis, n in timing.sizes.items()})


_STEP_FORWARD = (*_STEP, _beyond(_STEP_TIMING))
_SEQUENCE_FORWARD = (*_SEQUENCE, _beyond(_SEQUENCE_TIMING))
_OUTPUT_FORWARD = (*_OUTPUT, _beyond(_OUTPUT_TIMING))

CASES: dict[str, tuple[Case, ...]] = {
    "rel_error": _cases(
        Case("matrix", {"N": 3, "K": 4}, promises=_PEAKS),
        Case("vector", {"K": 5}, promises=_PEAKS),
        Case("3-D", {"N": 2, "T": 2, "K": 3}, promises=_PEAKS),
        Case("matrix", {"N": 1, "K": 1}),
        Case("matrix", {"N": 2, "K": 3}, promises=("equal arrays give 0",)),
        Case("vector", {"K": 4}, promises=("two all-zero arrays give 0",)),
        Case("matrix", {"N": 2, "K": 3}, promises=("the 1e-8 floor",)),
        Case("vector", {"K": 0}, promises=("two empty arrays give 0",)),
        Case("matrix", {"N": 2, "K": 3}, promises=("integer arrays one apart",)),
    ),
    "numerical_gradient": _cases(
        Case("matrix", {"N": 2, "K": 3}, promises=("f couples the entries of x",)),
        Case("vector", {"K": 4}),
        Case("3-D", {"N": 2, "T": 2, "K": 2}),
        Case("f(x) of another shape", {"N": 2, "K": 3, "M": 4}),
        Case("f(x) a scalar", {"N": 2, "K": 2}, omit=("df",), promises=(_ONES,)),
        Case("matrix", {"N": 2, "K": 2}, omit=("df",), promises=(_ONES,)),
        Case("matrix", {"N": 2, "K": 3}, step=1e-2, promises=("the step h",)),
        Case("matrix", {"N": 1, "K": 1}),
    ),
    "softmax": _cases(
        Case("matrix", {"N": 3, "K": 5}),
        Case("vector", {"K": 4}),
        Case("3-D", {"N": 2, "T": 3, "K": 4}),
        Case("matrix", {"N": 2, "K": 1}, promises=("K = 1",)),
        Case("matrix", {"N": 4, "K": 3}, large_logits=True, promises=(_LARGE,)),
        Case("3-D", {"N": 2, "T": 2, "K": 3}, large_logits=True, promises=(_LARGE,)),
        Case("vector", {"K": 5}, large_logits=True, promises=(_LARGE,)),
        _beyond(_CROSS_ENTROPY_TIMING, "matrix"),
    ),
    "softmax_jacobian": _cases(
        Case(sizes={"K": 5}),
        Case(sizes={"K": 1}, promises=("K = 1",)),
        Case(sizes={"K": 4}, large_logits=True, promises=(_LARGE,)),
        Case(sizes={"K": 4}, large_logits=True, negative_maximum=True, promises=(_LARGE,)),
    ),
    "softmax_cross_entropy": _cases(
        Case(sizes={"N": 4, "K": 5}),
        Case(sizes={"N": 1, "K": 3}),
        Case(sizes={"N": 5, "K": 4}, large_logits=True, promises=(_LARGE,)),
    ),
    "temporal_softmax_loss": _cases(
        Case(sizes={"N": 3, "T": 4, "K": 5}, promises=(_MASKED,)),
        Case(sizes={"N": 2, "T": 3, "K": 4}, omit=("mask",), promises=(_NO_MASK,)),
        Case(sizes={"N": 1, "T": 1, "K": 2}),
        Case(sizes={"N": 3, "T": 2, "K": 3}, large_logits=True, promises=(_LARGE, _MASKED)),
    ),
    "rnn_step_forward": _STEP_FORWARD,
    "rnn_step_backward": _STEP,
    "rnn_forward": _SEQUENCE_FORWARD,
    "rnn_backward": _SEQUENCE_BACKWARD,
    "output_forward": _OUTPUT_FORWARD,
    "output_backward": _OUTPUT,
    "rnn_loss": _cases(
        Case(sizes={"N": 2, "T": 3, "D": 3, "H": 4, "K": 5}, promises=(_MASKED,)),
        Case(sizes={"N": 3, "T": 4, "D": 2, "H": 3, "K": 4}, omit=("mask",), promises=(_NO_MASK,)),
        Case(sizes={"N": 1, "T": 1, "D": 2, "H": 1, "K": 2}, omit=("mask",)),
    ),
    "lstm_step_forward": _STEP_FORWARD,
    "lstm_step_backward": _LSTM_STEP_BACKWARD,
    "lstm_forward": _SEQUENCE_FORWARD,
    "lstm_backward": _SEQUENCE_BACKWARD,
}

TIMING: dict[str, Case] = {
    "softmax_cross_entropy": _CROSS_ENTROPY_TIMING,
    "temporal_softmax_loss": Case(sizes={"N": 16, "T": 30, "K": 512}),
    "rnn_step_backward": _STEP_TIMING,
    "rnn_backward": _SEQUENCE_TIMING,
    "output_backward": _OUTPUT_TIMING,
    "rnn_loss": Case(sizes={"N": 4, "T": 30, "D": 32, "H": 32, "K": 32}),
    "lstm_step_backward": _STEP_TIMING,
    "lstm_backward": _SEQUENCE_TIMING,
}
"""The larger call each function that returns gradients is timed on
(autograder/grading/cost.py), against its baseline (specs.FunctionSpec.
cost_baseline) on the same input, within specs.COST_MULTIPLES.

The sizes are chosen from measurements (benchmarks/backward_cost.py; the
README gives the figures): large enough that finite differences, even
vectorised or perturbing whole columns at once, cost thousands of forward
passes, and that an honest backward written with Python loops over the
batch and time (tests/autograder/grading/slow_honest/) pays for its
loops with numerical work rather than with interpreter overhead. K = 512
classes for the losses (their honest loop styles run over the 64 or 480
rows, each a vector of 512); H = K = 128 for output_backward (its loop
style runs over the 120 (n, t) positions, each an outer product of 128 by
128, against a forward that is one matrix product)."""

HIDDEN_TESTS: dict[str, HiddenTest] = {
    name: HiddenTest(SPECS[name], cases, REFERENCES[name], TIMING.get(name))
    for name, cases in CASES.items()
}


def hidden_test_for_grade_id(grade_id: str) -> HiddenTest | None:
    """The hidden test a grade cell stands for: grade_id "test_<function>"."""
    return (
        HIDDEN_TESTS.get(grade_id.removeprefix("test_")) if grade_id.startswith("test_") else None
    )
