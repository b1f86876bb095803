"""The reference implementations under the names the notebooks use, and
in-process grading of a set of functions by the hidden tests (the probe and
the verdict, without nbgrader or a kernel)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.probe import run_probe
from autograder.grading import verdict
from solutions import gradcheck, lstm, rnn, softmax

REFERENCE_FUNCTIONS: dict[str, Callable] = {
    **{
        name: getattr(rnn, name)
        for name in (
            "rnn_step_forward",
            "rnn_step_backward",
            "rnn_forward",
            "rnn_backward",
            "output_forward",
            "output_backward",
            "rnn_loss",
        )
    },
    **{
        name: getattr(lstm, name)
        for name in ("lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward")
    },
    **{
        name: getattr(softmax, name)
        for name in (
            "softmax",
            "softmax_jacobian",
            "softmax_cross_entropy",
            "temporal_softmax_loss",
        )
    },
    "rel_error": gradcheck.rel_error,
    "numerical_gradient": gradcheck.numerical_gradient,
}


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
