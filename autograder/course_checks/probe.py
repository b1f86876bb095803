"""The probe: the only code that runs on hidden inputs in the student's kernel.

At each grade cell the grader writes the hidden inputs to a file the kernel
can read, and runs :func:`run_probe` in the kernel. It calls the notebook's
function on every hidden case and writes what comes back, as plain arrays,
to a file the grader reads and judges outside the kernel. It judges
nothing, holds no reference and no answer: whatever the student's code does
to it can only change what is written, and what is written is checked.

For functions that return gradients the grader then measures, from outside
the kernel, the CPU time of the backward pass against its forward pass,
cell by cell: :func:`prepare_timing` loads the larger timing input, and
:func:`run_baseline` and :func:`run_timed` each make one call.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping

import numpy as np

from .calls import arguments, as_sequence, call_function
from .specs import ELEMENTWISE, SPECS, FunctionSpec

TIMING_CASE = "timing"
"""Name of the larger input the cost of a backward pass is measured on."""


def read_cases(inputs_path: str) -> tuple[FunctionSpec, dict[str, dict[str, np.ndarray]]]:
    """The spec and {case: {argument: array}} of a hidden-inputs file (.npz
    with keys "spec", "cases" and "<case>/<argument>")."""
    with np.load(inputs_path, allow_pickle=False) as data:
        spec = SPECS[str(data["spec"])]
        names = [str(case) for case in data["cases"]]
        cases = {name: {} for name in names}
        for key in data.files:
            case, _, arg = key.partition("/")
            if case in cases and arg:
                cases[case][arg] = data[key]
    return spec, cases


def missing_functions(spec: FunctionSpec, namespace: Mapping[str, object]) -> list[str]:
    return [name for name in spec.functions if not callable(namespace.get(name))]


def run_probe(namespace: Mapping[str, object], inputs_path: str, outputs_path: str) -> None:
    """Call one spec's function on every hidden case in `inputs_path` and
    write its outputs to `outputs_path` (.npz, keys "<case>/<output>") and
    what it raised to `outputs_path` + ".json" ({case: message})."""
    spec, cases = read_cases(inputs_path)
    arrays: dict[str, np.ndarray] = {}
    errors: dict[str, str] = {}
    missing = missing_functions(spec, namespace)
    for case, inputs in cases.items():
        if case == TIMING_CASE:
            continue
        if missing:
            errors[case] = (
                f"not defined when this test cell runs: {', '.join(missing)} (cells run from "
                "the top: is the function's cell below its test cell, or was it never run?)"
            )
            continue
        try:
            outputs = call_function(spec, namespace, inputs)
            for output, value in zip(spec.outputs, outputs, strict=True):
                if isinstance(value, np.ndarray | float | int | np.floating | np.integer):
                    array = np.asarray(value)
                    if array.dtype != object:
                        arrays[f"{case}/{output.name}"] = array
        except BaseException as error:  # anything the student's code raises is a result
            errors[case] = "".join(traceback.format_exception_only(type(error), error)).strip()
    np.savez(outputs_path, **arrays)
    with open(outputs_path + ".json", "w", encoding="utf-8") as handle:
        json.dump(errors, handle)


class Timing:
    """The timed calls of one function, made one per cell so that the grader
    can read the kernel's CPU time between them."""

    def __init__(self, namespace: Mapping[str, object], inputs_path: str):
        self.spec, cases = read_cases(inputs_path)
        self.inputs = cases[TIMING_CASE]
        self.namespace = namespace
        self.caches: list = []
        function, names = self.spec.cost_baseline
        self.baseline = function
        self.baseline_args = names
        if function != ELEMENTWISE and not callable(namespace.get(function)):
            self.baseline = ELEMENTWISE

    def run_baseline(self) -> None:
        """One call of the baseline: the forward pass (keeping its cache for
        a backward), or one elementwise pass over the timed arguments. The
        inputs are not copied: only the time counts, not the values."""
        args = [self.inputs[name] for name in self.baseline_args]
        if self.baseline == ELEMENTWISE:
            for array in args:
                np.tanh(array)
            return
        result = self.namespace[self.baseline](*args)
        if self.spec.kind == "backward":
            values = as_sequence(result, len(self.spec.upstream) + 1, self.baseline, [])
            self.caches.append(values[-1])

    def run_timed(self) -> None:
        """One call of the timed function (a backward uses the cache of one
        baseline call, each cache once: a backward may consume its cache)."""
        if self.spec.kind == "backward":
            upstream = [self.inputs[arg.name] for arg in self.spec.upstream]
            self.namespace[self.spec.name](*upstream, self.caches.pop(0))
            return
        positional, keywords = arguments(self.spec, self.inputs)
        self.namespace[self.spec.name](*positional, **keywords)
