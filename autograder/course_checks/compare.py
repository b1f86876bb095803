"""Comparing one returned array with its reference, and saying where they differ.

slice error
    The largest difference inside one time step (or one gate block)
    divided by the size of the whole array, so that the slice errors of an
    output are at most its relative error and say where it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .book import equation_url
from .specs import ABSOLUTE_FLOOR, GATE_ORDER, Output


@dataclass
class OutputVerdict:
    """The comparison of one returned array with its reference.

    error: relative error (inf when the value could not be compared).
    passed: whether it earns its share. problem: why it could not be
    compared or is not credited, if so. where: a sentence locating the
    error (time step or gate block). hint: what the pattern of the error
    suggests, and equation: the book's equation to read for it (both set by
    the grader's diagnosis; equation defaults to the output's own).
    worst: for the visible checks only, a sentence showing the student's
    and the expected value where they differ most.
    """

    output: Output
    error: float
    tolerance: float
    passed: bool
    problem: str = ""
    where: str = ""
    slice_errors: dict[str, float] = field(default_factory=dict)
    hint: str = ""
    equation: tuple[str, str] | None = None
    worst: str = ""

    def line(self) -> str:
        """The lines printed for this output, in the visible checks and in feedback."""
        mark = "PASS" if self.passed else "FAIL"
        if self.problem:
            detail = self.problem
        else:
            detail = f"relative error {self.error:.1e} (tolerance {self.tolerance:.0e})"
        text = f"  {mark}  {self.output.name:<13} {detail}"
        if self.passed:
            return text
        for sentence in (self.where, self.worst, self.hint):
            if sentence:
                text += f"\n        {sentence}"
        page_label = self.equation or self.output.equation
        if page_label:
            page, label = page_label
            text += f"\n        see equation ({label}): {equation_url(page, label)}"
        return text


def check_value(value, expected_shape: tuple[int, ...]) -> str:
    """Why `value` cannot be compared with a float64 array of
    `expected_shape`, or "" if it can."""
    if not isinstance(value, np.ndarray | float | int | np.floating):
        return f"is a {type(value).__name__}, expected a float64 NumPy array"
    array = np.asarray(value)
    if array.dtype != np.float64:
        return f"has dtype {array.dtype}, expected float64"
    if array.shape != tuple(expected_shape):
        return f"has shape {array.shape}, expected {tuple(expected_shape)}"
    if not np.all(np.isfinite(array)):
        return "contains NaN or infinity"
    return ""


def relative_error(a, b) -> float:
    """max |a - b| / max(1e-8, max |a| + max |b|); 0 for two equal arrays.

    The checks' measure of how far a returned array is from its reference.
    It deliberately is not the assignments' rel_error (whose denominator is
    max(|a| + |b|), entry by entry): this package ships with every
    assignment, and nothing in it may answer an exercise. The two agree to
    within a factor of 2, far below the gap between a right gradient
    (about 1e-9) and a wrong one (about 1e-1)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    diff = float(np.max(np.abs(a - b)))
    if diff == 0.0:
        return 0.0
    return diff / max(1e-8, float(np.max(np.abs(a))) + float(np.max(np.abs(b))))


def _scale(value: np.ndarray, reference: np.ndarray) -> float:
    """The denominator of relative_error, for slice errors."""
    if not value.size:
        return 1.0
    return max(1e-8, float(np.max(np.abs(value))) + float(np.max(np.abs(reference))))


def slices(axes: Sequence[str], shape: Sequence[int]) -> dict[str, tuple]:
    """Index tuples that cut an array with these axes into the parts an
    error is reported by: one per time step, or one per gate block, or
    none. Keys read like "t = 2" or "gate f"."""
    if "T" in axes:
        axis = list(axes).index("T")
        return {
            f"t = {t}": tuple(t if k == axis else slice(None) for k in range(len(axes)))
            for t in range(shape[axis])
        }
    if "4H" in axes:
        axis = list(axes).index("4H")
        block = shape[axis] // 4
        return {
            f"gate {gate}": tuple(
                slice(g * block, (g + 1) * block) if k == axis else slice(None)
                for k in range(len(axes))
            )
            for g, gate in enumerate(GATE_ORDER)
        }
    return {}


def wrong_slices(slice_errors: Mapping[str, float], tolerance: float) -> list[str]:
    return [key for key, error in slice_errors.items() if error > tolerance]


def wrong_gates(slice_errors: Mapping[str, float], tolerance: float) -> list[str]:
    """The gate blocks ("i", "f", ...) whose slice error is over the tolerance."""
    return [
        key.split()[1] for key in wrong_slices(slice_errors, tolerance) if key.startswith("gate")
    ]


def wrong_steps(slice_errors: Mapping[str, float], tolerance: float) -> list[int]:
    """The time steps whose slice error is over the tolerance."""
    return [
        int(key.split("=")[1])
        for key in wrong_slices(slice_errors, tolerance)
        if key.startswith("t =")
    ]


def locate(
    output: Output, slice_errors: Mapping[str, float], tolerance: float, recurrent: bool
) -> str:
    """A sentence saying where the error of one output lies.

    recurrent: the function carries gradients back through time, so the
    first wrong step (going backwards) is where to look."""
    wrong = wrong_slices(slice_errors, tolerance)
    if not wrong or len(wrong) == len(slice_errors) == 1:
        return ""
    keys = list(slice_errors)
    if keys[0].startswith("gate"):
        blocks = ", ".join(wrong_gates(slice_errors, tolerance))
        right = ", ".join(key.split()[1] for key in keys if key not in wrong)
        text = f"wrong in gate block(s) {blocks} (rows in the order i, f, g, o)"
        return text + (f"; blocks {right} are right" if right else "")
    last = len(keys) - 1
    steps = wrong_steps(slice_errors, tolerance)
    if not output.is_gradient:
        first = min(steps)
        if first == 0:
            return f"wrong already at the first time step t = 0 (of 0..{last})"
        return f"right up to t = {first - 1}; first wrong at t = {first} (of 0..{last})"
    if not recurrent:
        if len(steps) == len(keys):
            return f"wrong at every time step (t = 0..{last})"
        listed = ", ".join(str(t) for t in steps)
        return f"wrong at time step(s) t = {listed} (of 0..{last}); the other steps are right"
    first = max(steps)
    if first == last:
        return (
            f"wrong already at the last time step t = {last} (counting from 0), "
            "before anything was carried back from a later step"
        )
    return (
        f"right at the last time step(s) after t = {first}; first wrong at t = {first} "
        f"of 0..{last}, going backwards: the gradient reaching step t is the sum of what "
        "comes from above at step t and what is carried back from step t+1"
    )


def worst_entry(value: np.ndarray, reference: np.ndarray, name: str, expected: str) -> str:
    """ "worst entry dU[3, 1]: yours 0.1234, <expected> 0.5678"."""
    difference = np.abs(value - reference)
    index = np.unravel_index(int(np.argmax(difference)), difference.shape)
    label = f"{name}[{', '.join(str(int(i)) for i in index)}]" if index else name
    return (
        f"worst entry {label}: yours {float(value[index]):.6g}, "
        f"{expected} {float(reference[index]):.6g}"
    )


def compare(
    output: Output,
    value,
    reference,
    axes: Sequence[str],
    *,
    recurrent: bool = False,
    tolerance: float | None = None,
) -> OutputVerdict:
    """Compare a returned value with its reference array, slice by slice.

    axes: the names of the output's axes in this call's layout.
    tolerance: default the output's rule (specs.RULES).
    """
    tolerance = output.tolerance if tolerance is None else tolerance
    reference = np.asarray(reference, dtype=np.float64)
    problem = check_value(value, reference.shape)
    if problem:
        return OutputVerdict(output, math.inf, tolerance, False, problem=problem)
    value = np.asarray(value, dtype=np.float64)
    error = relative_error(value, reference)
    scale = _scale(value, reference)
    slice_errors = {
        key: float(np.max(np.abs(value[index] - reference[index]), initial=0.0)) / scale
        for key, index in slices(axes, reference.shape).items()
    }
    if tolerance > 0 and float(np.max(np.abs(value - reference), initial=0.0)) <= ABSOLUTE_FLOOR:
        error = min(error, tolerance)  # round-off of a tiny output, not a mistake
        slice_errors = dict.fromkeys(slice_errors, 0.0)
    where = locate(output, slice_errors, tolerance, recurrent)
    return OutputVerdict(
        output, error, tolerance, error <= tolerance, where=where, slice_errors=slice_errors
    )


def failed_outputs(outputs: Sequence[Output], reason: str) -> list[OutputVerdict]:
    """Verdicts for every output of a call that raised or returned junk."""
    return [OutputVerdict(out, math.inf, out.tolerance, False, problem=reason) for out in outputs]
