"""How a graded function is called, and what its return value must look like.

The same protocol serves the visible checks (public inputs) and the probe
(hidden inputs): arguments are passed as fresh copies, in the order of the
spec; an optional argument a case leaves out is not passed at all; a
backward function gets the cache its own forward returned. Floating-point errors
neither raise nor warn during a call (:func:`float_errors_ignored`).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Mapping

import numpy as np

from .specs import FunctionSpec
from .testfunctions import PARAMETERS, CoupledFunction


class ReturnShapeError(TypeError):
    """A graded function returned something other than the values it must return."""


@contextlib.contextmanager
def float_errors_ignored() -> Iterator[None]:
    """Floating-point errors neither raise nor warn during a graded call,
    whatever the notebook set: a function is judged on its values (an
    overflow shows in them as inf or nan). A notebook that called
    ``np.seterr(all="raise")`` or ``warnings.simplefilter("error")`` to
    debug would otherwise see a right softmax fail because exp underflows
    to zero on large logits."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def arguments(
    spec: FunctionSpec, inputs: Mapping[str, np.ndarray]
) -> tuple[list, dict[str, object]]:
    """(positional, keyword) arguments of one call: copies of the inputs in
    the spec's order; after the first argument left out, the rest by name."""
    positional: list = []
    keywords: dict[str, object] = {}
    for arg in spec.args:
        if arg.kind == "function":
            value = CoupledFunction({f"f.{p}": inputs[f"f.{p}"] for p in PARAMETERS})
        elif arg.name in inputs:
            value = np.array(inputs[arg.name], copy=True)
            if arg.kind == "step":
                value = float(value)
        else:
            continue
        if keywords or len(positional) < spec.args.index(arg):
            keywords[arg.name] = value
        else:
            positional.append(value)
    return positional, keywords


def call_function(
    spec: FunctionSpec, functions: Mapping[str, Callable], inputs: Mapping[str, np.ndarray]
) -> tuple:
    """Call the function under test as its spec says; returns its outputs
    as a tuple in the order of ``spec.outputs`` (values not yet checked).

    functions: {name: callable} holding spec.functions.
    Raises ReturnShapeError when the function returns the wrong number or
    kind of values (anything the student's code raises passes through).
    """
    with float_errors_ignored():
        return _call(spec, functions, inputs)


def _call(
    spec: FunctionSpec, functions: Mapping[str, Callable], inputs: Mapping[str, np.ndarray]
) -> tuple:
    func = functions[spec.name]
    positional, keywords = arguments(spec, inputs)
    if spec.kind == "numerical_gradient":
        watched = WatchedFunction(positional[0], positional[1])
        grad = func(watched, *positional[1:], **keywords)
        # The caller's x as it first differed from its value before the call
        # (while f ran, or after): it must never differ.
        return (grad, watched.changed_x())
    if spec.kind == "backward":
        forward_result = functions[spec.forward](*positional, **keywords)
        values = as_sequence(
            forward_result,
            len(spec.upstream) + 1,
            spec.forward,
            [*(arg.name[1:] for arg in spec.upstream), "cache"],
        )
        upstream = [np.array(inputs[arg.name], copy=True) for arg in spec.upstream]
        result = func(*upstream, values[-1])
    else:
        result = func(*positional, **keywords)
    return returned_outputs(spec, result)


def returned_outputs(spec: FunctionSpec, result) -> tuple:
    """The outputs in `result` (what the function under test returned), as
    a tuple in the order of ``spec.outputs``; raises ReturnShapeError."""
    names = [output.name for output in spec.outputs]
    if spec.returns_cache:
        values = as_sequence(result, len(names) + 1, spec.name, [*names, "cache"])
        return tuple(values[:-1])
    if len(names) == 1:
        return (result,)
    return tuple(as_sequence(result, len(names), spec.name, names))


class WatchedFunction:
    """The test function given to numerical_gradient, which also notes
    whether the caller's x has changed when it is called: perturbing x in
    place and putting it back is still changing the caller's array."""

    def __init__(self, function: Callable, x: np.ndarray):
        self._function = function
        self._x = x
        self._before = x.copy()
        self._first_change: np.ndarray | None = None

    def __call__(self, point):
        self._note_change()
        return self._function(point)

    def _note_change(self) -> None:
        if self._first_change is None and not np.array_equal(self._x, self._before):
            self._first_change = np.array(self._x, copy=True)

    def changed_x(self) -> np.ndarray:
        """The caller's x as it first differed from its value before the
        call, or as it is now if it never did."""
        self._note_change()
        return self._x if self._first_change is None else self._first_change

    def __repr__(self) -> str:
        return repr(self._function)


def as_sequence(result, count: int, function: str, names: list[str]) -> list:
    """The values of a multiple return: a tuple or a list of `count` items.

    Raises ReturnShapeError, naming what was expected, for anything else
    (a generator, a dict, an array, a sequence of another length)."""
    expected = f"{function} must return {count} values ({', '.join(names)})"
    if isinstance(result, tuple | list):
        if len(result) != count:
            raise ReturnShapeError(f"{expected}, got {len(result)}")
        return list(result)
    raise ReturnShapeError(f"{expected} as a tuple, got {describe(result)}")


def describe(value) -> str:
    """A short description of a returned value, for messages (no values)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return "a dict"
    if hasattr(value, "__next__"):
        return "a generator or iterator (return a tuple, not a generator expression)"
    if value is None:
        return "None (is a return statement missing?)"
    return f"a {type(value).__name__}"
