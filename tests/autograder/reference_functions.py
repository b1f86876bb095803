"""The reference implementations under the names the notebooks use, and
in-process grading of a set of functions by the hidden tests (the probe and
the verdict, without nbgrader or a kernel)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from autograder.cases import HIDDEN_TESTS
from autograder.cases.analytic import ANALYTIC_FUNCTIONS
from autograder.course_checks.probe import run_probe
from autograder.grading import verdict

REFERENCE_FUNCTIONS: dict[str, Callable] = ANALYTIC_FUNCTIONS


def grade_in_process(
    folder: Path,
    name: str,
    functions: Mapping[str, Callable],
    seed: int,
    points: float | None = None,
) -> verdict.HiddenVerdict:
    """Judge `functions` on the hidden test of `name` for one seed, as the
    grader does but in this process: inputs file, probe, verdict."""
    test = HIDDEN_TESTS[name]
    cases = test.draw(seed)
    inputs, outputs = folder / f"{name}-{seed}-in.npz", folder / f"{name}-{seed}-out.npz"
    for path in (inputs, outputs, Path(f"{outputs}.json")):
        path.unlink(missing_ok=True)
    verdict.write_inputs(test, cases, inputs)
    run_probe(functions, str(inputs), str(outputs))
    return verdict.judge(test, cases, outputs, points or len(test.spec.outputs))
