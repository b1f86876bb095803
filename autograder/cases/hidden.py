"""The hidden inputs: for each graded function, the sizes of the calls it
meets at grading time. The values are drawn at grading time from the
course's grading seed, which no student file contains.

Every function meets a size-1 case (N = 1, T = 1, H = 1 where they apply)
and one with D != H; the softmax functions also meet logits of size 1e4,
whose centred differences use a larger step (the loss is linear there, and
a step of 1e-5 would drown in the round-off of a loss near 1e4).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from autograder.cases.references import REFERENCES
from autograder.harness import checks
from solutions.gradcheck import DEFAULT_STEP

LARGE_LOGITS = {"scale": 1e4, "h": 1e-2}


@dataclass(frozen=True)
class HiddenTest:
    """The hidden test of one graded function.

    spec: how to call it (shared with the visible checks).
    sizes: one dict of axis lengths per hidden call (plus "scale" and "h").
    reference: inputs, h -> the right outputs, in the spec's order.
    """

    spec: checks.FunctionSpec
    sizes: tuple[Mapping[str, float], ...]
    reference: Callable[[dict, float], tuple]

    def cases(self, seed: int) -> dict[str, dict[str, np.ndarray]]:
        """The hidden inputs for this course's seed: {case name: inputs}.
        The same seed always gives the same inputs, so regrading agrees."""
        stream = zlib.crc32(self.spec.name.encode())
        rng = np.random.default_rng([seed, stream])
        return {
            f"case{k}": checks.make_inputs(self.spec, rng, sizes)
            for k, sizes in enumerate(self.sizes)
        }

    def step(self, case: str) -> float:
        """The finite-difference step for one case."""
        return float(self.sizes[int(case.removeprefix("case"))].get("h", DEFAULT_STEP))

    def describe(self, case: str) -> str:
        """The sizes of one case, e.g. "N=2, T=3, D=4, H=5" (no values)."""
        sizes = self.sizes[int(case.removeprefix("case"))]
        text = ", ".join(f"{k}={v}" for k, v in sizes.items() if k not in ("scale", "h"))
        return text + (f", logits of size {sizes['scale']:.0e}" if "scale" in sizes else "")


_STEP = ({"N": 3, "D": 4, "H": 5}, {"N": 1, "D": 2, "H": 1}, {"N": 2, "D": 1, "H": 3})
_SEQUENCE = (
    {"N": 2, "T": 4, "D": 3, "H": 5},
    {"N": 1, "T": 1, "D": 2, "H": 3},
    {"N": 3, "T": 3, "D": 4, "H": 1},
)

_SIZES: dict[str, tuple[Mapping[str, float], ...]] = {
    "rel_error": ({"N": 3, "K": 4}, {"N": 1, "K": 1}),
    "numerical_gradient": ({"N": 2, "K": 3}, {"N": 1, "K": 1}),
    "softmax": ({"N": 3, "K": 5}, {"N": 1, "K": 1}, {"N": 2, "K": 4, **LARGE_LOGITS}),
    "softmax_jacobian": ({"K": 5}, {"K": 1}, {"K": 3, **LARGE_LOGITS}),
    "softmax_cross_entropy": (
        {"N": 4, "K": 5},
        {"N": 1, "K": 3},
        {"N": 3, "K": 4, **LARGE_LOGITS},
    ),
    "temporal_softmax_loss": (
        {"N": 3, "T": 4, "K": 5},
        {"N": 1, "T": 1, "K": 2},
        {"N": 2, "T": 2, "K": 3, **LARGE_LOGITS},
    ),
    "rnn_step_forward": _STEP,
    "rnn_step_backward": _STEP,
    "rnn_forward": _SEQUENCE,
    "rnn_backward": _SEQUENCE,
    "output_forward": ({"N": 2, "T": 3, "H": 4, "K": 5}, {"N": 1, "T": 1, "H": 1, "K": 2}),
    "output_backward": ({"N": 2, "T": 3, "H": 4, "K": 5}, {"N": 1, "T": 1, "H": 1, "K": 2}),
    "rnn_loss": (
        {"N": 2, "T": 3, "D": 3, "H": 4, "K": 5},
        {"N": 1, "T": 1, "D": 2, "H": 1, "K": 2},
    ),
    "lstm_step_forward": _STEP,
    "lstm_step_backward": _STEP,
    "lstm_forward": _SEQUENCE,
    "lstm_backward": _SEQUENCE,
}

HIDDEN_TESTS: dict[str, HiddenTest] = {
    name: HiddenTest(checks.SPECS[name], sizes, REFERENCES[name]) for name, sizes in _SIZES.items()
}


def hidden_test_for_grade_id(grade_id: str) -> HiddenTest | None:
    """The hidden test a grade cell stands for: grade_id "test_<function>"."""
    return (
        HIDDEN_TESTS.get(grade_id.removeprefix("test_")) if grade_id.startswith("test_") else None
    )
