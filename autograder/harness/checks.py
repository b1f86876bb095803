"""Checks of your functions against references, and where they differ.

This file ships with every assignment as ``course_checks.py``. The visible
checks in the notebooks call it on public inputs; the course grader runs the
same comparisons, outside your notebook, on hidden inputs. It needs NumPy
only.

Vocabulary
----------
spec
    A :class:`FunctionSpec`: the arguments of one graded function with
    their axes, and the outputs it returns.
axes
    Names of the axes of an array: N batch, T time, D input, H hidden,
    K classes, 4H the four stacked LSTM gate blocks (i, f, g, o).
slice error
    The largest difference inside one time step (or one gate block)
    divided by the size of the whole array, so that the slice errors of an
    output are at most its relative error and say where it comes from.
"""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

TOLERANCE = 1e-7
"""Largest relative error that counts as correct (float64, centred differences)."""

ABSOLUTE_FLOOR = 1e-9
"""Differences below this are round-off in the centred differences
(about 1e-16 / h = 1e-11 times the size of the loss), not mistakes: an
output whose entries all differ by less passes even when the output is so
small that its relative error is large."""

FORWARD_TOLERANCE = 1e-6
"""Largest relative error against printed or reference forward values."""

BOOK_URL = "https://gradients-course.github.io/rnn-gradients-course"
"""Where the book lives; feedback links to equations by label."""

GATE_ORDER = ("i", "f", "g", "o")


# --------------------------------------------------------------------------
# What is graded: one spec per function.


@dataclass(frozen=True)
class Output:
    """One returned array.

    name: e.g. "dU". axes: names of its axes ("T" marks time, "4H" the gate
    blocks). equation: label of the book's equation for it (page, label).
    backward: True for gradients, whose errors travel from the last time step
    towards the first; False for forward values, whose errors travel forward.
    """

    name: str
    axes: tuple[str, ...]
    equation: tuple[str, str] | None = None
    backward: bool = True

    @property
    def of(self) -> str | None:
        """For a gradient, the argument it is the gradient of ("dU" -> "U")."""
        return self.name[1:] if self.backward and self.name.startswith("d") else None


@dataclass(frozen=True)
class FunctionSpec:
    """How to call one graded function and what it returns.

    name: the function's name in the notebook.
    args: (argument name, axes) in call order.
    outputs: what it returns, in order.
    kind: "plain" calls name(*args); "backward" calls forward(*args), takes
        the cache (its last return value) and calls name(*upstream, cache);
        "numerical_gradient" calls name(f, x, df) for a smooth f whose
        scale s and shift t are drawn with the inputs (f is not fixed, so
        its derivative cannot be returned without differentiating).
    forward: for kind "backward", the forward function's name.
    upstream: for kind "backward", (name, axes) of the upstream gradients,
        one per forward output before the cache.
    labels: argument names holding integer labels (K classes) rather than reals.
    masks: argument names holding boolean masks.
    returns_cache: the function returns its outputs followed by a cache,
        which is passed on to the backward and not compared.
    """

    name: str
    args: tuple[tuple[str, tuple[str, ...]], ...]
    outputs: tuple[Output, ...]
    kind: str = "plain"
    forward: str | None = None
    upstream: tuple[tuple[str, tuple[str, ...]], ...] = ()
    labels: tuple[str, ...] = ()
    masks: tuple[str, ...] = ()
    returns_cache: bool = False

    @property
    def functions(self) -> tuple[str, ...]:
        """Names of the notebook functions a call needs."""
        return (self.forward, self.name) if self.forward else (self.name,)


def _out(name, axes, page=None, label=None, backward=True):
    return Output(name, tuple(axes), (page, label) if label else None, backward)


_RNN_WEIGHTS = (("U", ("H", "D")), ("W", ("H", "H")), ("b", ("H",)))
_LSTM_WEIGHTS = (("U", ("4H", "D")), ("W", ("4H", "H")), ("b", ("4H",)))
_RNN_GRADS = (
    _out("dU", "HD", "rnn_bptt", "rnn-dU"),
    _out("dW", "HH", "rnn_bptt", "rnn-dW"),
    _out("db", "H", "rnn_bptt", "rnn-db"),
)
_LSTM_GRADS = (
    _out("dU", ("4H", "D"), "lstm", "lstm-dU"),
    _out("dW", ("4H", "H"), "lstm", "lstm-dW"),
    _out("db", ("4H",), "lstm", "lstm-db"),
)

SPECS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        # Assignment 1: softmax and gradient checking
        FunctionSpec(
            "rel_error",
            (("a", ("N", "K")), ("b", ("N", "K"))),
            (_out("error", (), "gradient_checking", "rel-error", backward=False),),
        ),
        FunctionSpec(
            "numerical_gradient",
            (("x", ("N", "K")), ("df", ("N", "K")), ("s", ()), ("t", ())),
            (
                _out("grad", ("N", "K"), "gradient_checking", "centred-difference"),
                _out("x_after_call", ("N", "K"), backward=False),
            ),
            kind="numerical_gradient",
        ),
        FunctionSpec(
            "softmax",
            (("z", ("N", "K")),),
            (_out("S", ("N", "K"), "softmax", "softmax-def", backward=False),),
        ),
        FunctionSpec(
            "softmax_jacobian",
            (("z", ("K",)),),
            (_out("J", ("K", "K"), "softmax", "softmax-jacobian", backward=False),),
        ),
        FunctionSpec(
            "softmax_cross_entropy",
            (("logits", ("N", "K")), ("y", ("N",))),
            (
                _out("loss", (), "softmax", "softmax-ce-loss", backward=False),
                _out("dlogits", ("N", "K"), "softmax", "softmax-ce-grad"),
            ),
            labels=("y",),
        ),
        # Assignment 2: RNN and back-propagation through time
        FunctionSpec(
            "rnn_step_forward",
            (("x", ("N", "D")), ("h_prev", ("N", "H")), *_RNN_WEIGHTS),
            (_out("h", ("N", "H"), "rnn_bptt", "rnn-h", backward=False),),
            returns_cache=True,
        ),
        FunctionSpec(
            "rnn_step_backward",
            (("x", ("N", "D")), ("h_prev", ("N", "H")), *_RNN_WEIGHTS),
            (
                _out("dx", ("N", "D"), "rnn_bptt", "rnn-dx"),
                _out("dh_prev", ("N", "H"), "rnn_bptt", "rnn-dh-prev"),
                *_RNN_GRADS,
            ),
            kind="backward",
            forward="rnn_step_forward",
            upstream=(("dh", ("N", "H")),),
        ),
        FunctionSpec(
            "rnn_forward",
            (("x", ("N", "T", "D")), ("h0", ("N", "H")), *_RNN_WEIGHTS),
            (_out("h", ("N", "T", "H"), "rnn_bptt", "rnn-h", backward=False),),
            returns_cache=True,
        ),
        FunctionSpec(
            "rnn_backward",
            (("x", ("N", "T", "D")), ("h0", ("N", "H")), *_RNN_WEIGHTS),
            (
                _out("dx", ("N", "T", "D"), "rnn_bptt", "rnn-dh-recursion"),
                _out("dh0", ("N", "H"), "rnn_bptt", "rnn-dh-prev"),
                *_RNN_GRADS,
            ),
            kind="backward",
            forward="rnn_forward",
            upstream=(("dh", ("N", "T", "H")),),
        ),
        FunctionSpec(
            "output_forward",
            (("h", ("N", "T", "H")), ("V", ("K", "H")), ("c", ("K",))),
            (_out("o", ("N", "T", "K"), "rnn_bptt", "rnn-o", backward=False),),
            returns_cache=True,
        ),
        FunctionSpec(
            "output_backward",
            (("h", ("N", "T", "H")), ("V", ("K", "H")), ("c", ("K",))),
            (
                _out("dh", ("N", "T", "H"), "rnn_bptt", "rnn-o"),
                _out("dV", ("K", "H"), "rnn_bptt", "rnn-dV"),
                _out("dc", ("K",), "rnn_bptt", "rnn-dc"),
            ),
            kind="backward",
            forward="output_forward",
            upstream=(("do", ("N", "T", "K")),),
        ),
        FunctionSpec(
            "temporal_softmax_loss",
            (("o", ("N", "T", "K")), ("y", ("N", "T")), ("mask", ("N", "T"))),
            (
                _out("loss", (), "rnn_bptt", "rnn-loss", backward=False),
                _out("do", ("N", "T", "K"), "rnn_bptt", "rnn-do"),
            ),
            labels=("y",),
            masks=("mask",),
        ),
        FunctionSpec(
            "rnn_loss",
            (
                ("x", ("N", "T", "D")),
                ("y", ("N", "T")),
                ("h0", ("N", "H")),
                *_RNN_WEIGHTS,
                ("V", ("K", "H")),
                ("c", ("K",)),
            ),
            (
                _out("loss", (), "rnn_bptt", "rnn-loss", backward=False),
                _out("dh0", ("N", "H"), "rnn_bptt", "rnn-dh-prev"),
                *_RNN_GRADS,
                _out("dV", ("K", "H"), "rnn_bptt", "rnn-dV"),
                _out("dc", ("K",), "rnn_bptt", "rnn-dc"),
            ),
            labels=("y",),
        ),
        # Assignment 3: LSTM
        FunctionSpec(
            "lstm_step_forward",
            (("x", ("N", "D")), ("h_prev", ("N", "H")), ("c_prev", ("N", "H")), *_LSTM_WEIGHTS),
            (
                _out("h", ("N", "H"), "lstm", "lstm-h", backward=False),
                _out("c", ("N", "H"), "lstm", "lstm-c", backward=False),
            ),
            returns_cache=True,
        ),
        FunctionSpec(
            "lstm_step_backward",
            (("x", ("N", "D")), ("h_prev", ("N", "H")), ("c_prev", ("N", "H")), *_LSTM_WEIGHTS),
            (
                _out("dx", ("N", "D"), "lstm", "lstm-dz"),
                _out("dh_prev", ("N", "H"), "lstm", "lstm-dz"),
                _out("dc_prev", ("N", "H"), "lstm", "lstm-dc-prev"),
                *_LSTM_GRADS,
            ),
            kind="backward",
            forward="lstm_step_forward",
            upstream=(("dh", ("N", "H")), ("dc", ("N", "H"))),
        ),
        FunctionSpec(
            "lstm_forward",
            (("x", ("N", "T", "D")), ("h0", ("N", "H")), ("c0", ("N", "H")), *_LSTM_WEIGHTS),
            (_out("h", ("N", "T", "H"), "lstm", "lstm-h", backward=False),),
            returns_cache=True,
        ),
        FunctionSpec(
            "lstm_backward",
            (("x", ("N", "T", "D")), ("h0", ("N", "H")), ("c0", ("N", "H")), *_LSTM_WEIGHTS),
            (
                _out("dx", ("N", "T", "D"), "lstm", "lstm-dz"),
                _out("dh0", ("N", "H"), "lstm", "lstm-dh"),
                _out("dc0", ("N", "H"), "lstm", "lstm-dc-prev"),
                *_LSTM_GRADS,
            ),
            kind="backward",
            forward="lstm_forward",
            upstream=(("dh", ("N", "T", "H")),),
        ),
    )
}


# --------------------------------------------------------------------------
# Inputs


def _axis_length(axis: str, sizes: Mapping[str, int]) -> int:
    return 4 * sizes["H"] if axis == "4H" else sizes[axis]


def make_inputs(
    spec: FunctionSpec, rng: np.random.Generator, sizes: Mapping[str, float]
) -> dict[str, np.ndarray]:
    """Random float64 inputs for one call of `spec`'s function.

    sizes: axis lengths (N, T, D, H, K as needed) and optionally "scale",
    the standard deviation of real-valued arguments other than weights
    (default 1; the hidden tests use 1e4 logits for the softmax functions).
    Weights (U, W, V) are drawn with standard deviation 0.5 so that tanh and
    the sigmoid stay away from saturation. Returns {argument name: array},
    upstream gradients included.
    """
    scale = float(sizes.get("scale", 1.0))
    inputs: dict[str, np.ndarray] = {}
    for name, axes in (*spec.args, *spec.upstream):
        shape = tuple(_axis_length(axis, sizes) for axis in axes)
        if name in spec.labels:
            inputs[name] = rng.integers(0, sizes["K"], size=shape)
        elif name in spec.masks:
            mask = rng.random(shape) < 0.75
            mask.reshape(-1)[0] = True  # at least one step counts
            if mask.size > 1:
                mask.reshape(-1)[-1] = False  # and one does not, so an ignored mask shows
            inputs[name] = mask
        elif spec.kind == "numerical_gradient" and name == "s":
            inputs[name] = np.array(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.5))
        elif spec.kind == "numerical_gradient" and name == "t":
            inputs[name] = np.array(rng.uniform(-1.0, 1.0))
        elif name in ("U", "W", "V"):
            inputs[name] = 0.5 * rng.standard_normal(shape)
        elif name in ("logits", "z", "o") and scale != 1.0:
            inputs[name] = _well_separated(rng, shape, scale)
        else:
            inputs[name] = rng.standard_normal(shape)
    if spec.name == "rel_error":
        _close_pair(rng, inputs["a"], inputs)
    _not_all_labels_at_the_maximum(spec, inputs)
    return inputs


def _close_pair(rng: np.random.Generator, a: np.ndarray, inputs: dict) -> None:
    """b close to a, with an exact zero pair (the floor) and, where there is
    room, one small entry off by 50 % (so that measuring each entry against
    its own size, instead of the array's, gives a different number)."""
    b = a + 1e-3 * rng.standard_normal(a.shape)
    flat_a, flat_b = a.reshape(-1), b.reshape(-1)
    flat_a[0] = flat_b[0] = 0.0
    if flat_a.size >= 3:
        flat_a[1] = 1e-3
        flat_b[1] = 1.5e-3
    inputs["b"] = b


def _not_all_labels_at_the_maximum(spec: FunctionSpec, inputs: dict) -> None:
    """Where every label is its row's largest logit, some mistakes cancel;
    move one label elsewhere."""
    logits = next((inputs[n] for n in ("logits", "o") if n in inputs), None)
    if logits is None or not spec.labels or logits.shape[-1] < 2:
        return
    labels = inputs[spec.labels[0]]
    argmax = np.argmax(logits, axis=-1)
    if np.all(labels == argmax):
        flat_labels, flat_argmax = labels.reshape(-1), argmax.reshape(-1)
        flat_labels[0] = (flat_argmax[0] + 1) % logits.shape[-1]


MIN_LARGE_LOGIT_GAP = 20.0
"""Least distance between two logits of a row in the large-logit cases, so
that the loss is linear to within e^-20 around them and centred differences
with a large step stay exact."""


def _well_separated(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """Logits of size `scale` whose rows have no two entries closer than
    MIN_LARGE_LOGIT_GAP (rows are redrawn until they do)."""
    logits = scale * rng.standard_normal(shape)
    rows = logits.reshape(-1, shape[-1])
    for row in rows:
        # Redraw until the entries are well apart and one is large enough to
        # overflow exp() unless the row maximum is subtracted.
        while np.max(row) < 1000.0 or (
            shape[-1] > 1 and np.min(np.diff(np.sort(row))) < MIN_LARGE_LOGIT_GAP
        ):
            row[:] = scale * rng.standard_normal(shape[-1])
    return rows.reshape(shape)


PUBLIC_SIZES: dict[str, dict[str, int]] = {
    "rel_error": {"N": 2, "K": 3},
    "numerical_gradient": {"N": 2, "K": 3},
    "softmax": {"N": 2, "K": 4},
    "softmax_jacobian": {"K": 4},
    "softmax_cross_entropy": {"N": 3, "K": 4},
    "temporal_softmax_loss": {"N": 2, "T": 3, "K": 4},
    "output_forward": {"N": 2, "T": 3, "H": 4, "K": 5},
    "output_backward": {"N": 2, "T": 3, "H": 4, "K": 5},
    "rnn_loss": {"N": 2, "T": 3, "D": 4, "H": 5, "K": 6},
}
"""Sizes of the public inputs; any spec not listed uses N=2, T=3, D=4, H=5."""

PUBLIC_SEED = 20261122


def public_inputs(name: str) -> dict[str, np.ndarray]:
    """The public inputs of the visible check of function `name` (fixed seed)."""
    spec = SPECS[name]
    sizes = PUBLIC_SIZES.get(name, {"N": 2, "T": 3, "D": 4, "H": 5})
    rng = np.random.default_rng([PUBLIC_SEED, sum(map(ord, name))])
    return make_inputs(spec, rng, sizes)


# --------------------------------------------------------------------------
# Calling the functions under test


def smooth_test_function(x: np.ndarray, s: float = 1.0, t: float = 0.0) -> np.ndarray:
    """The function the numerical_gradient check differentiates:
    f(x) = g(s x + t) with g(u) = sin(u) u**2 + exp(u / 2), elementwise.
    Its large third derivatives make a one-sided difference visibly wrong."""
    u = s * np.asarray(x, dtype=np.float64) + t
    return np.sin(u) * u**2 + np.exp(u / 2)


def smooth_test_gradient(x: np.ndarray, s: float = 1.0, t: float = 0.0) -> np.ndarray:
    """Exact derivative of :func:`smooth_test_function` with respect to x."""
    u = s * np.asarray(x, dtype=np.float64) + t
    return s * (np.cos(u) * u**2 + 2 * u * np.sin(u) + 0.5 * np.exp(u / 2))


def call_function(
    spec: FunctionSpec, functions: Mapping[str, Callable], inputs: Mapping[str, np.ndarray]
) -> tuple:
    """Call the function under test as its spec says; returns its outputs
    as a tuple in the order of ``spec.outputs`` (not yet validated)."""
    func = functions[spec.name]
    args = [np.array(inputs[name], copy=True) for name, _ in spec.args]
    if spec.kind == "numerical_gradient":
        x, df, s, t = args
        s, t = float(s), float(t)
        grad = func(lambda z: smooth_test_function(z, s, t), x, df)
        return (grad, x)
    if spec.kind == "backward":
        forward_result = functions[spec.forward](*args)
        if not isinstance(forward_result, tuple) or len(forward_result) != len(spec.upstream) + 1:
            raise TypeError(
                f"{spec.forward} must return {len(spec.upstream) + 1} values "
                f"({', '.join(n[1:] for n, _ in spec.upstream)}, cache), got "
                f"{_describe(forward_result)}"
            )
        cache = forward_result[-1]
        upstream = [np.array(inputs[name], copy=True) for name, _ in spec.upstream]
        result = func(*upstream, cache)
    else:
        result = func(*args)
    if spec.returns_cache:
        if not isinstance(result, tuple) or len(result) != len(spec.outputs) + 1:
            names = ", ".join(output.name for output in spec.outputs)
            raise TypeError(
                f"{spec.name} must return {len(spec.outputs) + 1} values ({names}, cache), "
                f"got {_describe(result)}"
            )
        result = result[:-1] if len(spec.outputs) > 1 else result[0]
    if len(spec.outputs) == 1:
        return (result,)
    if not isinstance(result, tuple) or len(result) != len(spec.outputs):
        names = ", ".join(output.name for output in spec.outputs)
        raise TypeError(
            f"{spec.name} must return a tuple of {len(spec.outputs)} values ({names}), "
            f"got {_describe(result)}"
        )
    return result


def _describe(value) -> str:
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return type(value).__name__


# --------------------------------------------------------------------------
# Comparing one output with its reference


@dataclass
class OutputVerdict:
    """The comparison of one returned array with its reference.

    error: relative error (inf when the value could not be compared).
    passed: error <= tolerance. problem: why it could not be compared, if so.
    where: a sentence locating the error (time step or gate block), if any.
    """

    output: Output
    error: float
    tolerance: float
    passed: bool
    problem: str = ""
    where: str = ""
    slice_errors: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        """One line of the table printed for students and in feedback."""
        mark = "PASS" if self.passed else "FAIL"
        if self.problem:
            detail = self.problem
        else:
            detail = f"relative error {self.error:.1e} (tolerance {self.tolerance:.0e})"
        text = f"  {mark}  {self.output.name:<13} {detail}"
        if not self.passed and self.where:
            text += f"\n        {self.where}"
        if not self.passed and self.output.equation:
            page, label = self.output.equation
            anchor = f"equation-{label.lower()}"  # Sphinx lower-cases equation anchors
            text += f"\n        see equation ({label}): {BOOK_URL}/book/{page}.html#{anchor}"
        return text


def check_value(output: Output, value, expected_shape: tuple[int, ...]) -> str:
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


def slices(axes: Sequence[str], shape: Sequence[int]) -> dict[str, tuple]:
    """Index tuples that cut an array with these axes into the parts an
    error is reported by: one per time step, or one per gate block, or the
    whole array. Keys read like "t = 2" or "gate f"."""
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


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1e-8, max(|a| + |b|)); 0 for two zero arrays.

    The same measure as solutions.gradcheck.rel_error, restated because this
    file ships to students without the solutions package (a test keeps the
    two equal)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    diff = float(np.max(np.abs(a - b)))
    return 0.0 if diff == 0.0 else diff / max(1e-8, float(np.max(np.abs(a) + np.abs(b))))


def locate(output: Output, slice_errors: Mapping[str, float], tolerance: float) -> str:
    """A sentence saying where the error of one output lies."""
    wrong = [key for key, error in slice_errors.items() if error > tolerance]
    if not wrong or len(wrong) == len(slice_errors) == 1:
        return ""
    keys = list(slice_errors)
    if keys[0].startswith("gate"):
        blocks = ", ".join(key.split()[1] for key in wrong)
        right = ", ".join(key.split()[1] for key in keys if key not in wrong)
        text = f"wrong in gate block(s) {blocks} (rows in the order i, f, g, o)"
        return text + (f"; blocks {right} are right" if right else "")
    last = len(keys) - 1
    steps = [int(key.split("=")[1]) for key in wrong]
    if output.backward:
        first = max(steps)
        if first == last:
            return (
                f"wrong already at the last time step t = {last} (counting from 0), "
                "before anything was carried back from a later step"
            )
        return (
            f"right at the last time step(s) after t = {first}; first wrong at t = {first} "
            f"of 0..{last}, going backwards: check what is carried in from step t+1"
        )
    first = min(steps)
    if first == 0:
        return f"wrong already at the first time step t = 0 (of 0..{last})"
    return f"right up to t = {first - 1}; first wrong at t = {first} (of 0..{last})"


def compare(output: Output, value, reference: np.ndarray, tolerance: float) -> OutputVerdict:
    """Compare a returned value with its reference array, slice by slice."""
    reference = np.asarray(reference, dtype=np.float64)
    problem = check_value(output, value, reference.shape)
    if problem:
        return OutputVerdict(output, math.inf, tolerance, False, problem=problem)
    value = np.asarray(value, dtype=np.float64)
    error = relative_error(value, reference)
    scale = max(1e-8, float(np.max(np.abs(value) + np.abs(reference)))) if value.size else 1.0
    slice_errors = {
        key: float(np.max(np.abs(value[index] - reference[index]))) / scale
        for key, index in slices(output.axes, reference.shape).items()
    }
    if tolerance > 0 and float(np.max(np.abs(value - reference), initial=0.0)) <= ABSOLUTE_FLOOR:
        error = min(error, tolerance)  # round-off of a tiny output, not a mistake
        slice_errors = dict.fromkeys(slice_errors, 0.0)
    where = locate(output, slice_errors, tolerance)
    return OutputVerdict(
        output, error, tolerance, error <= tolerance, where=where, slice_errors=slice_errors
    )


def failed_call(spec: FunctionSpec, reason: str) -> list[OutputVerdict]:
    """Verdicts for every output of a call that raised or returned junk."""
    return [OutputVerdict(out, math.inf, TOLERANCE, False, problem=reason) for out in spec.outputs]


# --------------------------------------------------------------------------
# Finite differences of the student's own forward (visible checks)


def _objective(
    spec: FunctionSpec, functions, inputs, upstream
) -> Callable[[str, np.ndarray], float]:
    """<forward outputs, upstream> as a function of one argument."""

    def value(arg_name: str, arg_value: np.ndarray) -> float:
        args = [arg_value if name == arg_name else inputs[name] for name, _ in spec.args]
        if spec.kind == "backward":
            outputs = functions[spec.forward](*[np.array(a, copy=True) for a in args])[:-1]
            return float(
                sum(np.sum(np.asarray(o) * u) for o, u in zip(outputs, upstream, strict=True))
            )
        loss = functions[spec.name](*[np.array(a, copy=True) for a in args])[0]
        return float(loss)

    return value


def directional_slice_errors(
    spec: FunctionSpec,
    functions: Mapping[str, Callable],
    inputs: Mapping[str, np.ndarray],
    gradients: Mapping[str, np.ndarray],
    h: float = 1e-5,
    directions: int = 2,
) -> dict[str, tuple[float, dict[str, float]]]:
    """Compare returned gradients with centred differences of the forward
    along random directions, one set of directions per slice (time step or
    gate block), so that a wrong gradient is also located.

    gradients: {argument name: the gradient returned for it}.
    Returns {argument name: (relative error, {slice: slice error})}.
    """
    upstream = [inputs[name] for name, _ in spec.upstream]
    objective = _objective(spec, functions, inputs, upstream)
    axes_of = dict(spec.args)
    rng = np.random.default_rng(0)
    results = {}
    for name, grad in gradients.items():
        point = np.asarray(inputs[name], dtype=np.float64)
        axes = axes_of[name]
        parts = slices(axes, point.shape) or {"all": tuple(slice(None) for _ in axes)}
        pairs = {}
        for key, index in parts.items():
            worst = (0.0, 0.0, 0.0)
            for _ in range(directions):
                v = np.zeros_like(point)
                v[index] = rng.standard_normal(v[index].shape)
                plus, minus = objective(name, point + h * v), objective(name, point - h * v)
                numeric = (plus - minus) / (2 * h)
                analytic = float(np.sum(np.asarray(grad, dtype=np.float64) * v))
                if abs(analytic - numeric) >= worst[0]:
                    worst = (abs(analytic - numeric), analytic, numeric)
            pairs[key] = worst
        scale = max(1e-8, max(abs(a) + abs(n) for _, a, n in pairs.values()))
        errors = {key: diff / scale for key, (diff, _, _) in pairs.items()}
        results[name] = (max(errors.values()), errors if len(errors) > 1 else {})
    return results


# --------------------------------------------------------------------------
# Visible checks: what the notebooks call


class CheckFailed(AssertionError):
    """A visible check found a wrong output; the table above says which."""


def _functions_from_caller(spec: FunctionSpec, given: Sequence[Callable]) -> dict[str, Callable]:
    return dict(zip(spec.functions, given, strict=True))


def _report(title: str, verdicts: Sequence[OutputVerdict]) -> None:
    passed = sum(v.passed for v in verdicts)
    print(f"{title}: {passed} of {len(verdicts)} outputs correct")
    for verdict in verdicts:
        print(verdict.line())
    if passed < len(verdicts):
        names = ", ".join(v.output.name for v in verdicts if not v.passed)
        raise CheckFailed(f"{title}: wrong output(s): {names} (see the table above)")


def check_forward(function: Callable, expected: Mapping[str, object], name: str | None = None):
    """Compare a forward function on its public inputs with printed values.

    function: your function; expected: {output name: values printed in the
    notebook}. Prints a table and raises CheckFailed if an output is off.
    """
    spec = SPECS[name or function.__name__]
    inputs = public_inputs(spec.name)
    try:
        outputs = call_function(spec, {spec.name: function}, inputs)
    except NotImplementedError:
        raise
    except Exception as error:  # the student's code may raise anything
        _report(spec.name, failed_call(spec, f"raised {type(error).__name__}: {error}"))
        return
    verdicts = [
        compare(output, value, np.asarray(expected[output.name]), FORWARD_TOLERANCE)
        for output, value in zip(spec.outputs, outputs, strict=True)
        if output.name in expected
    ]
    _report(f"{spec.name} on the public inputs", verdicts)


def check_gradients(*functions: Callable, name: str | None = None):
    """Check the gradients a function returns against centred differences
    of your own forward (for a backward: pass forward and backward; for a
    loss that returns (loss, gradients...): pass that function).

    Prints one line per gradient with its relative error and, for a wrong
    one, the time step or gate block where it goes wrong; raises CheckFailed
    if any is off.
    """
    spec = SPECS[name or functions[-1].__name__]
    funcs = _functions_from_caller(spec, functions)
    inputs = public_inputs(spec.name)
    try:
        outputs = call_function(spec, funcs, inputs)
    except NotImplementedError:
        raise
    except Exception as error:
        _report(spec.name, failed_call(spec, f"raised {type(error).__name__}: {error}"))
        return
    verdicts = []
    gradients = {}
    for output, value in zip(spec.outputs, outputs, strict=True):
        if output.of is None:
            continue
        problem = check_value(output, value, np.shape(inputs[output.of]))
        if problem:
            verdicts.append(OutputVerdict(output, math.inf, TOLERANCE, False, problem=problem))
        gradients[output.of] = value
    if not verdicts:
        errors = directional_slice_errors(spec, funcs, inputs, gradients)
        for output in spec.outputs:
            if output.of is None:
                continue
            error, slice_errors = errors[output.of]
            verdicts.append(
                OutputVerdict(
                    output,
                    error,
                    TOLERANCE,
                    error <= TOLERANCE,
                    where=locate(output, slice_errors, TOLERANCE),
                    slice_errors=slice_errors,
                )
            )
    _report(f"{spec.name}: gradients against centred differences of your forward", verdicts)


def check_numerical_gradient(numerical_gradient: Callable):
    """Check your numerical_gradient on a smooth function whose derivative
    is known exactly, and check that it leaves its input unchanged."""
    spec = SPECS["numerical_gradient"]
    inputs = public_inputs(spec.name)
    grad, x_after = call_function(spec, {spec.name: numerical_gradient}, inputs)
    exact = smooth_test_gradient(inputs["x"], inputs["s"], inputs["t"]) * inputs["df"]
    verdicts = [
        compare(spec.outputs[0], grad, exact, TOLERANCE),
        compare(spec.outputs[1], x_after, inputs["x"], 0.0),
    ]
    _report("numerical_gradient on f(x) = g(s x + t), g(u) = sin(u) u^2 + exp(u/2)", verdicts)


# --------------------------------------------------------------------------
# The probe: what the grader runs inside the notebook's kernel. It calls the
# notebook's functions on hidden inputs and writes plain arrays; the grader
# judges them outside the kernel. Nothing written here is trusted.


def run_probe(namespace: Mapping[str, object], inputs_path: str, outputs_path: str) -> None:
    """Call one spec's function on every hidden case in `inputs_path` (an
    .npz written by the grader, keys "spec", "cases" and "<case>/<arg>") and
    write its outputs to `outputs_path` (.npz, keys "<case>/<output>") and
    the errors it raised to `outputs_path` + ".json"."""
    arrays: dict[str, np.ndarray] = {}
    errors: dict[str, str] = {}
    with np.load(inputs_path, allow_pickle=False) as data:
        spec = SPECS[str(data["spec"])]
        cases = [str(case) for case in data["cases"]]
        inputs = {
            case: {
                key.split("/", 1)[1]: data[key] for key in data.files if key.startswith(case + "/")
            }
            for case in cases
        }
    missing = [name for name in spec.functions if not callable(namespace.get(name))]
    for case in cases:
        if missing:
            errors[case] = f"not defined in the notebook: {', '.join(missing)}"
            continue
        try:
            outputs = call_function(spec, namespace, inputs[case])
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
