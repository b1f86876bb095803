"""The checks students run in their notebooks, on public inputs.

Each prints one line per returned value, PASS or FAIL, with its relative
error and, for a FAIL, where it goes wrong, the student's value next to the
expected one, and the book's equation to read; then raises CheckFailed if
anything is wrong.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .calls import call_function
from .compare import (
    OutputVerdict,
    check_value,
    compare,
    failed_outputs,
    locate,
    worst_entry,
)
from .derivatives import REASON, numerical_derivatives
from .derivatives import note as derivatives_note
from .fd import directional_checks
from .inputs import public_inputs
from .specs import SPECS, FunctionSpec


class CheckFailed(AssertionError):
    """A visible check found a wrong output; the table above says which."""


def _report(title: str, verdicts: Sequence[OutputVerdict]) -> None:
    passed = sum(v.passed for v in verdicts)
    print(f"{title}: {passed} of {len(verdicts)} outputs correct")
    for verdict in verdicts:
        print(verdict.line())
    if passed < len(verdicts):
        names = ", ".join(v.output.name for v in verdicts if not v.passed)
        raise CheckFailed(f"{title}: wrong output(s): {names} (see the table above)")


def _refuse_numerical_derivatives(spec: FunctionSpec) -> None:
    """Say so, and raise CheckFailed, when the notebook's functions compute
    a derivative that `spec` returns numerically: right values that the
    grader gives no points (see derivatives.py)."""
    if spec.kind == "numerical_gradient" or not any(o.is_derivative for o in spec.outputs):
        return
    findings = numerical_derivatives(_current_definitions(), spec.functions)
    if findings:
        print(derivatives_note(spec.name, findings))
        raise CheckFailed(f"{spec.name}: {REASON} (see above)")


def _current_definitions() -> list[str]:
    """The source of every function and class the notebook defines now (the
    latest definition of each name, not the cells' history)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    shell = get_ipython()
    if shell is None:
        return []
    sources = []
    for value in list(shell.user_ns.values()):
        mine = getattr(value, "__module__", None) == "__main__"
        if mine and (inspect.isfunction(value) or inspect.isclass(value)):
            try:
                sources.append(textwrap.dedent(inspect.getsource(value)))
            except (OSError, TypeError):
                continue  # defined by exec, say: nothing to read
    return sources


def _call(spec: FunctionSpec, functions: Mapping[str, Callable], inputs) -> tuple | None:
    """The outputs of one call, or None after reporting what it raised."""
    try:
        return call_function(spec, functions, inputs)
    except NotImplementedError:
        raise  # the stub is not filled in yet: let the notebook say so
    except Exception as error:  # the student's code may raise anything
        _report(spec.name, failed_outputs(spec.outputs, f"raised {type(error).__name__}: {error}"))
        return None


def _against_expected(
    spec: FunctionSpec, outputs: tuple, expected: Mapping[str, object]
) -> list[OutputVerdict]:
    layout = spec.layout()
    verdicts = []
    for output, value in zip(spec.outputs, outputs, strict=True):
        if output.name not in expected:
            continue
        reference = np.asarray(expected[output.name], dtype=np.float64)
        verdict = compare(
            output, value, reference, layout.axes[output.name], recurrent=spec.recurrent
        )
        if not verdict.passed and not verdict.problem:
            verdict.worst = worst_entry(
                np.asarray(value, dtype=np.float64), reference, output.name, "expected"
            )
        verdicts.append(verdict)
    return verdicts


def check_forward(function: Callable, expected: Mapping[str, object], name: str | None = None):
    """Compare a function on its public inputs with the values printed in
    the notebook.

    function: your function; expected: {output name: values}. Prints a
    table and raises CheckFailed if an output is off.
    """
    spec = SPECS[name or function.__name__]
    outputs = _call(spec, {spec.name: function}, public_inputs(spec.name))
    if outputs is not None:
        _report(f"{spec.name} on the public inputs", _against_expected(spec, outputs, expected))
        _refuse_numerical_derivatives(spec)


def check_numerical_gradient(numerical_gradient: Callable, expected: Mapping[str, object]):
    """Check your numerical_gradient on a public test function (the
    expected gradient is printed in the notebook) and check that it leaves
    its input x unchanged."""
    spec = SPECS["numerical_gradient"]
    inputs = public_inputs(spec.name)
    outputs = _call(spec, {spec.name: numerical_gradient}, inputs)
    if outputs is not None:
        verdicts = _against_expected(spec, outputs, {**expected, "x_after_call": inputs["x"]})
        if not verdicts[1].passed and not verdicts[1].problem:
            verdicts[1].problem = "numerical_gradient changed its input array x"
        _report("numerical_gradient on a public test function", verdicts)


def check_gradients(*functions: Callable, name: str | None = None):
    """Check the gradients a function returns against centred differences
    of your own forward (for a backward: pass forward and backward; for a
    loss that returns (loss, gradients...): pass that function).

    Prints one line per gradient with its relative error and, for a wrong
    one, the time step or gate block where it goes wrong; raises
    CheckFailed if any is off.
    """
    spec = SPECS[name or functions[-1].__name__]
    funcs = dict(zip(spec.functions, functions, strict=True))
    inputs = public_inputs(spec.name)
    outputs = _call(spec, funcs, inputs)
    if outputs is None:
        return
    verdicts = []
    gradients = {}
    for output, value in zip(spec.outputs, outputs, strict=True):
        if not output.is_gradient:
            continue
        problem = check_value(value, np.shape(inputs[output.of]))
        if problem:
            verdicts.append(
                OutputVerdict(output, math.inf, output.tolerance, False, problem=problem)
            )
        gradients[output.of] = value
    if not verdicts:
        checks = directional_checks(spec, funcs, inputs, gradients)
        for output in spec.outputs:
            if not output.is_gradient:
                continue
            check = checks[output.of]
            where_key, analytic, numeric = check.worst
            verdict = OutputVerdict(
                output,
                check.error,
                output.tolerance,
                check.error <= output.tolerance,
                where=locate(output, check.slice_errors, output.tolerance, spec.recurrent),
                slice_errors=check.slice_errors,
            )
            if not verdict.passed:
                along = "" if where_key == "all" else f" in {where_key}"
                verdict.worst = (
                    f"along a random direction{along}: yours {analytic:.6g}, centred "
                    f"differences of your forward {numeric:.6g}"
                )
            verdicts.append(verdict)
    _report(f"{spec.name}: gradients against centred differences of your forward", verdicts)
    _refuse_numerical_derivatives(spec)
