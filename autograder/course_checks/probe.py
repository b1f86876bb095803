"""The probe: the only code that runs on hidden inputs in the student's kernel.

At each grade cell the grader writes the hidden inputs to a file the kernel
can read, and runs :func:`run_probe` in the kernel. It calls the notebook's
function on every hidden case and writes what comes back, as plain arrays,
to a file the grader reads and judges outside the kernel. It judges
nothing, holds no reference and no answer: whatever the student's code does
to it can only change what is written, and what is written is checked.

For functions that return gradients the grader then measures, from outside
the kernel, the CPU time of the backward pass against its forward pass,
cell by cell: :class:`Timing` loads the larger timing input, and its
run_baseline and run_timed each make one call, with printing silenced
(:func:`measured`).
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import sys
import traceback
import types
from collections.abc import Iterator, Mapping

import numpy as np

from .calls import (
    arguments,
    as_sequence,
    call_function,
    float_errors_ignored,
    returned_outputs,
)
from .specs import ELEMENTWISE, SPECS, FunctionSpec


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


def shifted_input(base, shifts, weights, call: int, names=None) -> dict[str, np.ndarray]:
    """The timing input of call number `call`: base + weights[call] *
    shifts[call % len(shifts)] for the shifted (float) arguments, the base
    for the others ({argument: array}; only `names` if given). The grader
    (autograder/cases/timing.py) computes the same, bit for bit."""
    weight = weights[call % len(weights)]
    shift = shifts[call % len(shifts)]
    return {
        name: base[name] + weight * shift[name] if name in shift else base[name]
        for name in (base if names is None else names)
    }


def call_baseline(baseline: str, names, functions: Mapping[str, object], inputs):
    """One call of a cost baseline on `inputs`: the forward pass `baseline`
    of `functions` on the arguments `names` (its result returned), or, for
    ELEMENTWISE, one elementwise pass over them (None)."""
    args = [inputs[name] for name in names]
    if baseline == ELEMENTWISE:
        for array in args:
            np.tanh(array)
        return None
    return functions[baseline](*args)


class _Discard(io.TextIOBase):
    """A text stream that drops what is written to it."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


def _print_nothing(*args, **kwargs) -> None:
    """print while a call is measured: its arguments were evaluated (work
    done to compute them counts), nothing is formatted or sent."""


def _str_without_values(a, max_line_width=None, precision=None, suppress_small=None,
                        array2string=None):  # fmt: skip
    """str() of an array while a call is measured (see measured())."""
    return str(a[()]) if a.shape == () else "[...]"


def _repr_without_values(arr, max_line_width=None, precision=None, suppress_small=None,
                         array2string=None):  # fmt: skip
    """repr() of an array while a call is measured (see measured())."""
    return repr(arr[()]) if arr.shape == () else "array([...])"


@contextlib.contextmanager
def _arrays_shown_without_values() -> Iterator[None]:
    """str() and repr() of every array give "[...]" inside the block (a 0-d
    array keeps its value). NumPy's C code holds on to its printing
    functions, so their code is swapped for the block's length, not their
    names; NumPy without them (another version) is left as it is."""
    printing = sys.modules.get("numpy._core.arrayprint")
    swaps = [
        (getattr(printing, name, None), replacement.__code__)
        for name, replacement in (
            ("_array_str_implementation", _str_without_values),
            ("_array_repr_implementation", _repr_without_values),
        )
    ]
    swaps = [(f, code) for f, code in swaps if isinstance(f, types.FunctionType)]
    saved = [f.__code__ for f, _ in swaps]
    try:
        for f, code in swaps:
            f.__code__ = code
        yield
    finally:
        for (f, _), code in zip(swaps, saved, strict=True):
            f.__code__ = code


@contextlib.contextmanager
def measured() -> Iterator[None]:
    """What a measured call runs under: floating-point errors ignored, as in
    every graded call, and printing silenced: ``print`` does nothing,
    ``sys.stdout``/``sys.stderr`` drop what is written, and arrays turned
    into text (an f-string formats its arrays before print is called) show
    no values. Formatting arrays costs far more CPU than the arithmetic of
    a small step: a right backward that prints its gradients at every time
    step measured 180 to 400 times its forward pass, one that formats two
    arrays in an f-string per step 155 times, and they lost their points
    as if they differentiated numerically. Silencing the forward pass too
    means prints cannot make the baseline costly either."""
    saved = builtins.print, sys.stdout, sys.stderr
    builtins.print = _print_nothing
    sys.stdout = sys.stderr = _Discard()
    try:
        with float_errors_ignored(), _arrays_shown_without_values():
            yield
    finally:
        builtins.print, sys.stdout, sys.stderr = saved


class Timing:
    """The timed calls of one function, made one per cell so that the grader
    can read the kernel's CPU time between them.

    The timing file (written by the grader when the measurement starts, see
    autograder/cases/timing.py) holds a base input ("base/<argument>"), a
    few shifts of its float arguments ("shift<j>/<argument>"), one weight
    per call ("weights") and, per output, a mask of the entries to record
    ("lines/<output>"). Call i runs on base + weights[i] * shift[i % SHIFTS]:
    no two calls see the same input, so nothing computed for one call
    serves another. Every timed call's masked entries are recorded, and
    :meth:`write_records` writes them for the grader to check: a timed call
    must return the right values, not merely return.
    """

    def __init__(self, namespace: Mapping[str, object], timing_path: str):
        with np.load(timing_path, allow_pickle=False) as data:
            self.spec = SPECS[str(data["spec"])]
            self.weights = data["weights"]
            base: dict[str, np.ndarray] = {}
            shifts: dict[int, dict[str, np.ndarray]] = {}
            self.lines: dict[str, np.ndarray] = {}
            for key in data.files:
                group, _, name = key.partition("/")
                if group == "base":
                    base[name] = data[key]
                elif group.startswith("shift"):
                    shifts.setdefault(int(group.removeprefix("shift")), {})[name] = data[key]
                elif group == "lines":
                    self.lines[name] = data[key]
        self.base = base
        self.shifts = [shifts[j] for j in sorted(shifts)]
        self.namespace = namespace
        self.caches: list = []
        self.records: list[tuple[int, list[np.ndarray]]] = []
        self.baseline_calls = 0
        self.timed_calls = 0
        function, names = self.spec.cost_baseline
        self.baseline = function
        self.baseline_args = names
        if self.spec.kind != "backward" and not self._forward_runs():
            # A loss whose forward the notebook lacks, or whose forward raises (a
            # stub left as released), is timed against elementwise passes: its own
            # gradient is not the forward's to lose. A backward cannot be: it
            # needs its forward's cache.
            self.baseline = ELEMENTWISE

    def _forward_runs(self) -> bool:
        """Does the baseline forward exist and return on the base input?"""
        if not callable(self.namespace.get(self.baseline)):
            return False
        try:
            with measured():
                call_baseline(self.baseline, self.baseline_args, self.namespace, self.base)
        except Exception:  # anything the student's forward raises
            return False
        return True

    def inputs(self, call: int, names=None) -> dict[str, np.ndarray]:
        """The input of call number `call` ({argument: array}; only `names`
        if given)."""
        return shifted_input(self.base, self.shifts, self.weights, call, names)

    def run_baseline(self) -> None:
        """One call of the baseline on the next input: the forward pass
        (keeping its cache for a backward), or one elementwise pass over the
        timed arguments. The inputs are not copied: only the time counts."""
        call = self.baseline_calls
        self.baseline_calls += 1
        inputs = self.inputs(call, self.baseline_args)
        with measured():
            result = call_baseline(self.baseline, self.baseline_args, self.namespace, inputs)
        if self.spec.kind == "backward":
            values = as_sequence(result, len(self.spec.upstream) + 1, self.baseline, [])
            self.caches.append((call, values[-1]))

    def run_timed(self) -> None:
        """One call of the timed function, whose masked entries are recorded.
        A backward uses the cache of one baseline call and that call's input
        (each cache once: a backward may consume its cache)."""
        if self.spec.kind == "backward":
            call, cache = self.caches.pop(0)
            inputs = self.inputs(call, [arg.name for arg in self.spec.upstream])
            upstream = [inputs[arg.name] for arg in self.spec.upstream]
            with measured():
                result = self.namespace[self.spec.name](*upstream, cache)
        else:
            call = self.timed_calls
            positional, keywords = arguments(self.spec, self.inputs(call))
            with measured():
                result = self.namespace[self.spec.name](*positional, **keywords)
        self.timed_calls += 1
        outputs = returned_outputs(self.spec, result)
        recorded = []
        for output, value in zip(self.spec.outputs, outputs, strict=True):
            if output.name not in self.lines:
                continue
            mask = self.lines[output.name]
            try:
                value = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                value = None
            if value is None or value.shape != mask.shape:
                # Not an array of the right shape: nothing right to record. The
                # grader checks only gradients that were right on the hidden cases.
                recorded.append(np.full(int(mask.sum()), np.nan))
                continue
            recorded.append(value[mask])
        self.records.append((call, recorded))

    def write_records(self, path: str) -> None:
        """Write the recorded entries of the timed calls since the last write
        (.npz: "calls", the input number of each, and per recorded output an
        array with one row per call) and forget them."""
        names = [o.name for o in self.spec.outputs if o.name in self.lines]
        arrays = {"calls": np.array([call for call, _ in self.records], dtype=np.int64)}
        for k, name in enumerate(names):
            arrays[name] = np.array([values[k] for _, values in self.records])
        self.records = []
        np.savez(path, **arrays)
