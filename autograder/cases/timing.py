"""The larger input a function's cost is measured on, as the grader draws it.

A timed function is called hundreds of times in a row (autograder/grading/
cost.py). If every call saw the same input, a notebook could compute the
gradients once by finite differences and return them again from memory; if
its results were not looked at, it could return zeros when it sees it is
being timed. So:

- every call gets an input of its own: call i runs on
  base + weights[i] * shifts[i % SHIFTS] (float arguments only; labels and
  masks stay as they are), computed in the kernel by
  autograder/course_checks/probe.py Timing with the same arithmetic as
  :meth:`TimingInput.inputs` here, so both sides agree to the last bit;
- every timed call records some entries of each gradient it returns, and
  the grader compares them with the solutions' values for that call's
  input (a wrong loss value is the hidden cases' business, not the cost
  check's). The
  entries are whole lines of each array, two along every axis: an entry
  of a gradient costs finite differences one or two forward passes, and a
  whole line along a coupled axis (a row of a softmax, a column of a
  weight matrix) costs as many as the line is long, however the
  perturbations are batched. One-dimensional gradients are recorded in
  full.

Only the grader draws it, from the submission's seed, when the measurement
starts: nothing of it exists in the kernel before the measured cells.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from autograder.cases.analytic import ANALYTIC_FUNCTIONS
from autograder.course_checks.calls import call_function
from autograder.course_checks.inputs import Case, make_inputs
from autograder.course_checks.probe import shifted_input
from autograder.course_checks.specs import GRADIENT, FunctionSpec

SHIFTS = 4
"""Different directions the inputs move in, from call to call."""

CALLS = 8192
"""Weights drawn, one per call (the measurement makes fewer calls; more
would reuse them, each with another shift)."""

SHIFT_SCALE = 0.05
"""How far an input moves, at most, relative to the spread of its entries:
each call's input is as typical as the base, yet different in every entry."""

LINES_PER_AXIS = 2
"""Whole lines recorded along each axis of an output of two or more axes."""


@dataclass(frozen=True)
class TimingInput:
    """The timing input of one function for one submission.

    base: {argument: array}, the upstream gradients included.
    shifts: SHIFTS dicts {float argument: array of its shape}.
    weights: (CALLS,) floats in [-1, 1].
    lines: {gradient output name: bool array of the output's shape}, the
        entries each timed call records.
    """

    spec: FunctionSpec
    base: Mapping[str, np.ndarray]
    shifts: Sequence[Mapping[str, np.ndarray]]
    weights: np.ndarray
    lines: Mapping[str, np.ndarray] = field(default_factory=dict)

    def inputs(self, call: int) -> dict[str, np.ndarray]:
        """The input of call number `call` (the probe's Timing.inputs)."""
        return shifted_input(self.base, self.shifts, self.weights, call)

    def expected(self, call: int) -> dict[str, np.ndarray]:
        """{output name: the recorded entries of the solutions' outputs} for
        call number `call`."""
        outputs = call_function(self.spec, ANALYTIC_FUNCTIONS, self.inputs(call))
        return {
            output.name: np.asarray(value, dtype=np.float64)[self.lines[output.name]]
            for output, value in zip(self.spec.outputs, outputs, strict=True)
            if output.name in self.lines
        }

    def arrays(self) -> dict[str, np.ndarray]:
        """What the kernel's Timing reads (.npz keys "spec", "weights",
        "base/<argument>", "shift<j>/<argument>", "lines/<output>")."""
        arrays = {"spec": np.array(self.spec.name), "weights": self.weights}
        arrays.update({f"base/{name}": value for name, value in self.base.items()})
        for j, shift in enumerate(self.shifts):
            arrays.update({f"shift{j}/{name}": value for name, value in shift.items()})
        arrays.update({f"lines/{name}": mask for name, mask in self.lines.items()})
        return arrays


def line_mask(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Bool array of `shape`: LINES_PER_AXIS whole lines along every axis
    (everything for a scalar or a vector)."""
    mask = np.zeros(shape, dtype=bool)
    if len(shape) <= 1:
        mask[...] = True
        return mask
    for axis in range(len(shape)):
        for _ in range(LINES_PER_AXIS):
            index: list = [int(rng.integers(length)) for length in shape]
            index[axis] = slice(None)
            mask[tuple(index)] = True
    return mask


def draw_timing(spec: FunctionSpec, case: Case, seed: int) -> TimingInput:
    """The timing input of `spec` on `case` for one seed (the same seed
    always gives the same input, so regrading agrees)."""
    stream = int.from_bytes(hashlib.sha256(spec.name.encode()).digest()[:4], "big")
    rng = np.random.default_rng([seed, stream, 1])
    base = make_inputs(spec, rng, case)
    moving = {
        name: SHIFT_SCALE * (float(np.std(value)) or 1.0)
        for name, value in base.items()
        if np.issubdtype(value.dtype, np.floating) and value.ndim > 0
    }
    shifts = [
        {name: scale * rng.standard_normal(base[name].shape) for name, scale in moving.items()}
        for _ in range(SHIFTS)
    ]
    weights = rng.uniform(-1.0, 1.0, CALLS)
    outputs = call_function(spec, ANALYTIC_FUNCTIONS, base)
    lines = {
        output.name: line_mask(np.shape(value), rng)
        for output, value in zip(spec.outputs, outputs, strict=True)
        if output.rule == GRADIENT
    }
    return TimingInput(spec, base, tuple(shifts), weights, lines)


def verification_rng(seed: int, spec: FunctionSpec) -> np.random.Generator:
    """Which recorded calls the grader checks: drawn from the seed, so the
    kernel cannot know them and regrading checks the same ones."""
    stream = int.from_bytes(hashlib.sha256(spec.name.encode()).digest()[:4], "big")
    return np.random.default_rng([seed, stream, 2])
