"""Judging the arrays a probe wrote: the grader's side of a hidden test.

Nothing read here is trusted: the files were written by the student's
kernel. They are read with ``allow_pickle=False`` (an object that pretends
to be equal to everything cannot be stored without pickling), every array
is checked for dtype, shape and finiteness, and the only thing compared is
numbers. Every rule of judging (tolerances, exact comparison, outputs
credited only together) comes from the specs in autograder.course_checks.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.cases import HiddenTest
from autograder.course_checks.compare import OutputVerdict, compare, failed_outputs
from autograder.grading.diagnosis import diagnose

MAX_PROBE_FILE_BYTES = 64 * 1024 * 1024
"""A probe output file larger than this is not read (the hidden inputs are tiny)."""

MAX_ERRORS_FILE_BYTES = 1_000_000
"""The probe's file of error messages is read up to this size."""

Cases = Mapping[str, Mapping[str, np.ndarray]]


@dataclass
class HiddenVerdict:
    """The result of one hidden test.

    outputs: the worst verdict of each output over all cases.
    cases: {output name: description of the case its verdict comes from}.
    score: points earned; points: points possible.
    notes: sentences about the whole test (a kernel that died, a backward
        pass that costs as much as finite differences).
    """

    function: str
    outputs: list[OutputVerdict]
    cases: dict[str, str]
    score: float
    points: float
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(verdict.passed for verdict in self.outputs)

    def message(self) -> str:
        """The feedback a student reads under the grade cell. It names each
        output, its relative error against the tolerance, where it goes
        wrong, what the pattern suggests and the equation to read; it shows
        no hidden input or reference value."""
        lines = [
            f"Hidden test of {self.function}: {self.passed} of {len(self.outputs)} outputs "
            f"correct, {self.score:g} of {self.points:g} points."
        ]
        lines += self.notes
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


def write_inputs(test: HiddenTest, cases: Cases, path: Path) -> None:
    """Write the hidden inputs for the probe (.npz, keys "spec", "cases",
    "<case>/<argument>"), world-readable, to a new file: an existing file or
    link at `path` is an error, never followed."""
    arrays = {"spec": np.array(test.spec.name), "cases": np.array(list(cases))}
    for case, inputs in cases.items():
        for name, value in inputs.items():
            arrays[f"{case}/{name}"] = value
    write_for_kernel(arrays, path)


def write_for_kernel(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Write arrays the kernel may read (.npz), world-readable, to a new
    file: an existing file or link at `path` is an error, never followed."""
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
    raw_errors = _read_regular_file(Path(str(path) + ".json"), MAX_ERRORS_FILE_BYTES)
    if isinstance(raw_errors, bytes):
        try:
            loaded = json.loads(raw_errors.decode("utf-8"))
            if isinstance(loaded, dict):
                errors = {str(k): str(v)[:2000] for k, v in loaded.items()}
        except (ValueError, UnicodeDecodeError):
            errors = {}
    arrays, problem = read_arrays(path)
    return arrays, errors, problem


def read_arrays(path: Path) -> tuple[dict[str, np.ndarray], str]:
    """The arrays of an .npz file the kernel wrote, and "" or why it could
    not be read (object arrays are left out: none is a right answer)."""
    raw = _read_regular_file(path, MAX_PROBE_FILE_BYTES)
    if raw == "missing":
        return {}, "the test did not finish (no results were written)"
    if isinstance(raw, str):
        return {}, f"the results file is {raw}"
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            for key in data.files:
                try:
                    arrays[key] = data[key]
                except ValueError:
                    continue  # an object array: it cannot be a right answer
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        return {}, f"the results could not be read ({type(error).__name__})"
    return arrays, ""


def judge(
    test: HiddenTest,
    cases: Cases,
    outputs_path: Path,
    points: float,
    notes: list[str] | None = None,
    references_of: Mapping[str, tuple] | None = None,
) -> HiddenVerdict:
    """Compare the probe's outputs with the references, case by case
    (`references_of` as in :func:`judge_outputs`).

    Each output earns an equal share of `points` if it is right in every
    case; a student whose dU is right and whose dc0 is wrong gets the dU
    share. An output that requires another (specs.Output.requires) earns
    its share only if that one is right too.
    """
    arrays, errors, problem = read_outputs(outputs_path)
    return judge_outputs(test, cases, arrays, errors, problem, points, notes, references_of)


def judge_outputs(
    test: HiddenTest,
    cases: Cases,
    arrays: Mapping[str, np.ndarray],
    errors: Mapping[str, str],
    problem: str,
    points: float,
    notes: list[str] | None = None,
    references_of: Mapping[str, tuple] | None = None,
) -> HiddenVerdict:
    """The verdict of :func:`judge` on outputs already read (read_outputs'
    arrays, errors and problem). `references_of` ({case name: outputs}) saves
    recomputing them when many submissions meet the same inputs (mutation
    testing); None computes each case's references from its inputs."""
    spec = test.spec
    worst: dict[str, OutputVerdict] = {}
    where: dict[str, str] = {}
    for case_name, inputs in cases.items():
        if case_name not in test.case_names():
            continue  # the timing input is not judged
        case = test.case(case_name)
        if problem or case_name in errors:
            reason = problem or _shorten(errors[case_name])
            for verdict in failed_outputs(spec.outputs, reason):
                _keep_worst(worst, where, verdict, case.describe())
            continue
        references = (
            test.reference(inputs, case) if references_of is None else references_of[case_name]
        )
        layout = spec.layout(case.layout)
        values = {output.name: arrays.get(f"{case_name}/{output.name}") for output in spec.outputs}
        verdicts = {}
        for output, reference in zip(spec.outputs, references, strict=True):
            value = values[output.name]
            if value is None:
                verdicts[output.name] = OutputVerdict(
                    output,
                    math.inf,
                    output.tolerance,
                    False,
                    problem="was not returned as a float64 NumPy array",
                )
                continue
            verdicts[output.name] = compare(
                output, value, reference, layout.axes[output.name], recurrent=spec.recurrent
            )
        diagnose(test, case, inputs, values, dict(zip(values, references, strict=True)), verdicts)
        for verdict in verdicts.values():
            _keep_worst(worst, where, verdict, case.describe())
    verdicts = [worst[output.name] for output in spec.outputs]
    _withhold_unearned(verdicts)
    score = _score(verdicts, points)
    return HiddenVerdict(spec.name, verdicts, where, score, points, list(notes or ()))


def withhold_gradients(
    result: HiddenVerdict, note: str, reason: str, only: set[str] | None = None
) -> None:
    """Take the points of every gradient (or other derivative, see
    Output.is_derivative) that was right on the hidden cases, or of those
    named in `only`, and say why: `note` above the outputs, and on each
    output "right values (...), but <reason> (see above)"."""
    for index, verdict in enumerate(result.outputs):
        chosen = only is None or verdict.output.name in only
        if verdict.passed and verdict.output.is_derivative and chosen:
            result.outputs[index] = OutputVerdict(
                verdict.output,
                verdict.error,
                verdict.tolerance,
                False,
                problem=f"not credited: right values (relative error {verdict.error:.1e}), "
                f"but {reason} (see above)",
            )
    result.notes.append(note)
    result.score = _score(result.outputs, result.points)


def _score(verdicts: list[OutputVerdict], points: float) -> float:
    """Each output earns an equal share of the points."""
    share = points / len(verdicts)
    return round(sum(share for verdict in verdicts if verdict.passed), 6)


def _withhold_unearned(verdicts: list[OutputVerdict]) -> None:
    """An output that requires another earns nothing unless that one passed."""
    by_name = {verdict.output.name: verdict for verdict in verdicts}
    for index, verdict in enumerate(verdicts):
        required = verdict.output.requires
        if verdict.passed and required and not by_name[required].passed:
            verdicts[index] = OutputVerdict(
                verdict.output,
                math.inf,
                verdict.tolerance,
                False,
                problem=f"not credited: {required} is wrong",
            )


def _keep_worst(worst, where, verdict: OutputVerdict, case: str) -> None:
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
    if last.startswith("not defined when this test cell runs"):
        return last[:400]
    return f"raised {last[:300]}"
