"""Judging the arrays a probe wrote: the grader's side of a hidden test.

Nothing read here is trusted: the files were written by the student's
kernel. They are read with ``allow_pickle=False`` (an object that pretends
to be equal to everything cannot be stored without pickling), every array
is checked for dtype, shape and finiteness, and the only thing compared is
numbers.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.cases import HiddenTest
from autograder.harness import checks

MAX_OUTPUT_BYTES = 64 * 1024 * 1024
"""A probe output larger than this is not read (the hidden inputs are tiny)."""


@dataclass
class HiddenVerdict:
    """The result of one hidden test.

    outputs: the worst verdict of each output over all cases.
    cases: {output name: description of the case its verdict comes from}.
    score: points earned; points: points possible.
    """

    function: str
    outputs: list[checks.OutputVerdict]
    cases: dict[str, str]
    score: float
    points: float
    note: str = ""

    @property
    def passed(self) -> int:
        return sum(verdict.passed for verdict in self.outputs)

    def message(self) -> str:
        """The feedback a student reads under the grade cell. It names each
        output, its relative error against the tolerance, where it goes
        wrong and the equation to read; it shows no hidden input or
        reference value."""
        lines = [
            f"Hidden test of {self.function}: {self.passed} of {len(self.outputs)} outputs "
            f"correct, {self.score:g} of {self.points:g} points."
        ]
        if self.note:
            lines.append(self.note)
        for verdict in self.outputs:
            line = verdict.line()
            if not verdict.passed and self.cases.get(verdict.output.name):
                line += f"\n        (in the hidden case with {self.cases[verdict.output.name]})"
            lines.append(line)
        lines.append(
            "Graded outside your notebook on hidden inputs; gradients are compared with "
            "centred differences of the reference forward pass."
        )
        return "\n".join(lines)


def write_inputs(test: HiddenTest, cases: dict[str, dict[str, np.ndarray]], path: Path) -> None:
    """Write the hidden inputs for the probe (.npz, keys "spec", "cases",
    "<case>/<argument>"), world-readable, to a new file: an existing file or
    link at `path` is an error, never followed."""
    arrays = {"spec": np.array(test.spec.name), "cases": np.array(list(cases))}
    for case, inputs in cases.items():
        for name, value in inputs.items():
            arrays[f"{case}/{name}"] = value
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        np.savez(handle, **arrays)
    os.chmod(path, 0o644, follow_symlinks=False)  # whatever the umask


def _read_regular_file(path: Path, limit: int) -> bytes | str:
    """The bytes of a regular file written by the kernel, or why it cannot
    be read. Links are not followed and a FIFO or device is never read from
    (it could block the grader forever)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"not a plain file ({error.strerror})"
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return "not a plain file"
        if status.st_size > limit:
            return "far larger than the outputs asked for"
        return handle.read(limit + 1)


def read_outputs(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str], str]:
    """Read what the probe wrote. Returns (arrays, errors per case, problem);
    problem is "" when the files could be read."""
    errors: dict[str, str] = {}
    raw_errors = _read_regular_file(Path(str(path) + ".json"), 1_000_000)
    if isinstance(raw_errors, bytes):
        try:
            loaded = json.loads(raw_errors.decode("utf-8"))
            if isinstance(loaded, dict):
                errors = {str(k): str(v)[:2000] for k, v in loaded.items()}
        except (ValueError, UnicodeDecodeError):
            errors = {}
    raw = _read_regular_file(path, MAX_OUTPUT_BYTES)
    if raw == "missing":
        return {}, errors, "the test did not finish (no results were written)"
    if isinstance(raw, str):
        return {}, errors, f"the results file is {raw}"
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            for key in data.files:
                try:
                    arrays[key] = data[key]
                except ValueError:
                    continue  # an object array: it cannot be a right answer
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        return {}, errors, f"the results could not be read ({type(error).__name__})"
    return arrays, errors, ""


def judge(
    test: HiddenTest,
    cases: dict[str, dict[str, np.ndarray]],
    outputs_path: Path,
    points: float,
    note: str = "",
) -> HiddenVerdict:
    """Compare the probe's outputs with the references, case by case.

    Each output earns an equal share of `points` if it is right in every
    case; a student whose dU is right and whose dc0 is wrong gets the dU share.
    """
    spec = test.spec
    arrays, errors, problem = read_outputs(outputs_path)
    worst: dict[str, checks.OutputVerdict] = {}
    where: dict[str, str] = {}
    for case, inputs in cases.items():
        if problem or case in errors:
            reason = problem or _shorten(errors[case])
            for verdict in checks.failed_call(spec, reason):
                _keep_worst(worst, where, verdict, test.describe(case))
            continue
        references = test.reference(inputs, test.step(case))
        case_passed = True
        for output, reference in zip(spec.outputs, references, strict=True):
            key = f"{case}/{output.name}"
            value = arrays.get(key)
            if value is None:
                verdict = checks.OutputVerdict(
                    output,
                    math.inf,
                    checks.TOLERANCE,
                    False,
                    problem="was not returned as a float64 NumPy array",
                )
            else:
                tolerance = 0.0 if output.name == "x_after_call" else tolerance_for(output)
                verdict = checks.compare(output, value, reference, tolerance)
                if output.name == "x_after_call" and not verdict.passed and not verdict.problem:
                    verdict.problem = "numerical_gradient changed its input array x"
                if output.name == "x_after_call" and verdict.passed and not case_passed:
                    # Leaving x alone earns nothing unless the gradient is right too.
                    verdict = checks.OutputVerdict(
                        output, math.inf, 0.0, False, problem="not credited: grad is wrong"
                    )
            case_passed = case_passed and verdict.passed
            _keep_worst(worst, where, verdict, test.describe(case))
    verdicts = [worst[output.name] for output in spec.outputs]
    share = points / len(verdicts)
    score = round(sum(share for verdict in verdicts if verdict.passed), 6)
    return HiddenVerdict(spec.name, verdicts, where, score, points, note)


def tolerance_for(output: checks.Output) -> float:
    """Gradients must match to TOLERANCE, forward values to FORWARD_TOLERANCE."""
    return checks.TOLERANCE if output.backward else checks.FORWARD_TOLERANCE


def _keep_worst(worst, where, verdict: checks.OutputVerdict, case: str) -> None:
    name = verdict.output.name
    current = worst.get(name)
    if (
        current is None
        or (current.passed and not verdict.passed)
        or (current.passed == verdict.passed and verdict.error > current.error)
    ):
        worst[name] = verdict
        where[name] = case if not verdict.passed else ""


def _shorten(error: str) -> str:
    last = error.strip().splitlines()[-1] if error.strip() else "an error"
    return f"raised {last[:300]}"
