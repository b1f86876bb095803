"""What a wrong output's pattern says: the hint under a FAIL line.

A relative error says that an output is wrong; the pattern of the errors
says why. For each case the grader has the student's outputs and the
references, and this module compares them in ways that point at one term:

- generic patterns: an output that equals another output's reference
  (returned in the wrong order), its transpose, its negative, or a multiple
  of it by a size of the problem (a sum where the loss averages);
- patterns in time: for a loss that is a sum over masked steps, an output
  wrong exactly on the steps the mask drops;
- known partial computations (autograder/grading/variants.py): the output
  of a derivation with one term missing, computed on the grader's side;
  when the student's output matches one, the hint names that term and the
  equation that holds it.

Hints never show a value: only which term, where, and which equation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from autograder.cases import HiddenTest
from autograder.course_checks.compare import OutputVerdict, relative_error, wrong_gates
from autograder.course_checks.inputs import Case
from autograder.course_checks.specs import GATE_EQUATIONS, SPECS, UNCHANGED
from autograder.grading.variants import VARIANTS

MATCH = 1e-6
"""A wrong output "matches" a pattern when it is this close to it (relative
error): far tighter than any accident, far looser than round-off."""

SEPARATION = 100.0
"""One gate block is "the" wrong one when its error is at least this many
times every other block's."""


def diagnose(
    test: HiddenTest,
    case: Case,
    inputs: Mapping[str, np.ndarray],
    values: Mapping[str, np.ndarray | None],
    references: Mapping[str, np.ndarray],
    verdicts: dict[str, OutputVerdict],
) -> None:
    """Add a hint (and the equation to read) to each failed verdict of one case."""
    spec = test.spec
    failed = {
        name
        for name, verdict in verdicts.items()
        if not verdict.passed and not verdict.problem and values.get(name) is not None
    }
    for verdict in verdicts.values():
        if not verdict.passed and verdict.output.rule == UNCHANGED and not verdict.problem:
            verdict.problem = f"{spec.name} changed its input array {verdict.output.of}"
    if case.large_logits:
        for verdict in verdicts.values():
            if verdict.problem == "contains NaN or infinity":
                verdict.hint = (
                    "this case has logits of size 1e4: exp() overflows (or every entry of a "
                    "row underflows to 0) unless each row's own maximum is subtracted first"
                )
    if not failed:
        return
    _known_variants(test, case, inputs, values, references, failed, verdicts)
    layout = spec.layout(case.layout)
    for name in sorted(failed):
        verdict = verdicts[name]
        if verdict.hint:
            continue
        value = np.asarray(values[name], dtype=np.float64)
        verdict.hint = (
            _generic(spec.name, name, value, references, case, failed)
            or _masked_steps(spec, name, value, references[name], inputs)
            or _one_gate(verdict, layout.axes[name])
        )


def _one_gate(verdict: OutputVerdict, axes) -> str:
    """A stacked weight gradient wrong in one gate block only: the mistake
    is in that gate's gradient, whose equation is the one to read."""
    if "4H" not in axes:
        return ""
    gates = wrong_gates(verdict.slice_errors, verdict.tolerance)
    if len(gates) != 1:
        return ""
    others = [
        error
        for key, error in verdict.slice_errors.items()
        if key.startswith("gate") and key.split()[1] != gates[0]
    ]
    if others and max(others) * SEPARATION > verdict.slice_errors[f"gate {gates[0]}"]:
        # Errors of one size in every gate, one just over the tolerance: round-off
        # (float32 arithmetic, say), not a mistake in one gate.
        return ""
    verdict.equation = GATE_EQUATIONS[gates[0]]
    return (
        f"only the rows of gate {gates[0]} are wrong: the mistake is in the gradient of that "
        "gate's pre-activation, which all three weight gradients share"
    )


def _known_variants(test, case, inputs, values, references, failed, verdicts) -> None:
    for variant in VARIANTS.get(test.spec.name, ()):
        if not failed & set(variant.outputs):
            continue
        expected = variant.compute(inputs, case)
        for name in failed & set(expected):
            if verdicts[name].hint:
                continue
            if relative_error(expected[name], references[name]) <= MATCH:
                # The mistake changes nothing on this case (dh added only at the
                # last step, when there is one step): matching it says nothing.
                continue
            if relative_error(values[name], expected[name]) <= MATCH:
                verdicts[name].hint = variant.hint
                verdicts[name].equation = variant.equation or verdicts[name].equation


def _generic(function: str, name: str, value, references, case: Case, failed) -> str:
    """A hint from the wrong value alone. `failed`: the outputs wrong on
    this case (a swap makes both wrong)."""
    reference = np.asarray(references[name], dtype=np.float64)
    names = list(references)
    for other in names:
        if other == name or other not in failed:
            continue
        candidate = np.asarray(references[other], dtype=np.float64)
        if candidate.shape == value.shape and relative_error(value, candidate) <= MATCH:
            return (
                f"{name} equals the right {other}: are the values returned in the wrong "
                f"order? {function} returns ({', '.join(names)})"
            )
    if value.ndim == 2 and value.shape == value.shape[::-1]:
        # A symmetric (or 1 x 1) right value is its own transpose: no hint then.
        symmetric = relative_error(reference.T, reference) <= MATCH
        if not symmetric and relative_error(value.T, reference) <= MATCH:
            return f"{name} is the transpose of the right value"
    if value.size and relative_error(-value, reference) <= MATCH:
        return f"{name} has the wrong sign"
    factor = _factor(value, reference)
    if factor is not None:
        return _factor_hint(function, name, factor, case)
    return ""


def _factor(value: np.ndarray, reference: np.ndarray) -> float | None:
    """k when value = k * reference for a k other than 1, else None (and
    None for a single number, always a multiple of another)."""
    if reference.size <= 1:
        return None
    norm = float(np.sum(reference * reference))
    if norm == 0.0:
        return None
    k = float(np.sum(value * reference)) / norm
    if abs(k - 1.0) < 1e-3 or k == 0.0:
        return None
    return k if relative_error(value, k * reference) <= MATCH else None


def _factor_hint(function: str, name: str, factor: float, case: Case) -> str:
    """Name the factor when it is the size of an axis a loss averages or sums
    over (N, T), for a function that computes a loss; else just give it."""
    has_loss = any(output.name == "loss" for output in SPECS[function].outputs)
    sizes = {
        axis: n for axis, n in case.sizes.items() if n > 1 and has_loss and axis in ("N", "T")
    }
    named = {f"{axis}={n}": float(n) for axis, n in sizes.items()}
    if "N" in sizes and "T" in sizes:
        named[f"N*T={sizes['N'] * sizes['T']}"] = float(sizes["N"] * sizes["T"])
    for label, n in named.items():
        if abs(factor - n) < 1e-6 * n:
            return (
                f"{name} is {label} times the right value: summed over an axis where the "
                "loss takes the mean, or a mean missing?"
            )
        if abs(factor - 1.0 / n) < 1e-6 / n:
            return (
                f"{name} is the right value divided by {label}: averaged over an axis "
                "where the loss sums?"
            )
    return f"{name} is the right value times {factor:.3g}: a constant factor is off"


def _masked_steps(spec, name: str, value, reference, inputs) -> str:
    """For a masked loss: the entries that are wrong lie exactly on the dropped steps."""
    mask = inputs.get("mask")
    if mask is None or value.shape != reference.shape or value.ndim < 2:
        return ""
    dropped = ~np.asarray(mask, dtype=bool)
    if not dropped.any() or value.shape[:2] != dropped.shape:
        return ""
    wrong = np.abs(value - reference).reshape(*dropped.shape, -1).max(axis=-1) > 1e-9 * max(
        1.0, float(np.max(np.abs(reference)))
    )
    if np.array_equal(wrong, dropped):
        return (
            f"{name} is right on the steps the mask keeps and wrong exactly on the steps it "
            "drops: a dropped step adds nothing to the loss, so its gradient is zero too"
        )
    return ""
