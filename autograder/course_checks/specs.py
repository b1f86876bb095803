"""What is graded: one spec per graded function, and the rules it is judged by.

This module is the single statement of every judging rule: the tolerances,
which outputs are compared exactly, which are credited only together with
another, which shapes each function promises to accept, and which special
values its docstring promises to handle. The visible checks, the probe, the
hidden cases and the grader's verdicts all read them from here.

Vocabulary
----------
axes
    Names of the axes of an array: N batch, T time, D input, H hidden,
    K classes, M the outputs of a test function, 4H the four stacked LSTM
    gate blocks (i, f, g, o).
layout
    One shape variant a function promises in its docstring, e.g. softmax on
    a vector (K,), a batch (N, K) or a batch of sequences (N, T, K). Every
    layout of every spec is exercised by a hidden case.
promise
    A special value or optional argument the docstring promises to handle
    ("mask=None keeps every step", "logits of any magnitude"). Every promise
    of every spec is exercised by a hidden case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

TOLERANCE = 1e-7
"""Largest relative error of a gradient (float64, centred differences)."""

FORWARD_TOLERANCE = 1e-6
"""Largest relative error of a forward value against its reference."""

ABSOLUTE_FLOOR = 1e-9
"""Differences below this are round-off in the centred differences (about
1e-16 / FD_STEP = 1e-11 times the size of the loss), not mistakes: an
output whose entries all differ by less passes even when the output is so
small that its relative error is large."""

ONLY_DC_REACHES = "dh = 0: only dc reaches the step"
"""Promise of an LSTM step's backward: the upstream dh is all zeros and dc
is not, as at a step whose hidden state feeds nothing but the next step's
cell. A backward that shortcuts a zero dh drops dc there."""

LOSS_AT_LAST_STEP = "a loss on the last step only"
"""Promise of a backward through time: dh is zero at every step but the
last, as for a sequence classifier. Every earlier gradient is then carried
back through the recurrence alone; a backward that skips the steps where
nothing comes from above drops it."""

FD_STEP = 1e-5
"""The step of every centred difference, unless a case says otherwise."""

GATE_ORDER = ("i", "f", "g", "o")
"""Order of the LSTM's gate blocks in every stacked (4H, ...) array."""

GRADIENT = "gradient"
VALUE = "value"
UNCHANGED = "unchanged"
ELEMENTWISE = "elementwise"
RULES = MappingProxyType({GRADIENT: TOLERANCE, VALUE: FORWARD_TOLERANCE, UNCHANGED: 0.0})
"""Tolerance of each judging rule: a gradient against centred differences, a
forward value against the reference forward, and an input that must come
back bit for bit unchanged."""

REFERENCE = "reference"
"""The key of COST_MULTIPLES for the whole measurement against the solutions."""

COST_MULTIPLES = MappingProxyType({"forward": 100.0, ELEMENTWISE: 50.0, REFERENCE: 50.0})
"""The most CPU time a function that returns gradients may cost, as a
multiple of its baseline (specs.FunctionSpec.cost_baseline) on the timing
input (autograder/cases/hidden.py TIMING): 100 times its forward pass, or,
for a loss with no forward of its own (temporal_softmax_loss), 50 times
one elementwise pass over its input. A timed cell is cut off at four times
the larger multiple (grading/cost.py timed_cell_timeout), so a numerical
backward reads at least 400.

Measured with benchmarks/backward_cost.py (the README gives the runs): the
honest styles (vectorised, einsum, recomputing or preallocated caches,
Python loops over the batch and over time, the forward rerun inside the
backward) cost at most 24 times their forward (output_backward looping
over every (n, t)) and at most 5 times an elementwise pass, at least four
times below their multiple; every form of numerical differentiation that
does not defeat the measurement is cut off, at least four times (eight for
the elementwise baseline) above it. Loops over single matrix entries are
not held to it: they cost as much as finite differences.

REFERENCE bounds the whole measurement (every cell from the moment the
timing input exists in the kernel, baseline and timed calls, empty cells
and all) at 50 times what the solutions' forward and backward passes cost
for the same calls, timed in the grader (grading/cost.py). Measured: the
honest styles at most 9 (output_backward looping over the batch), the
finite differences moved into a forward pass 491 on assignment 1 (on
assignments 2 and 3 that forward runs out of time)."""


@dataclass(frozen=True)
class Output:
    """One value a graded function returns.

    name: e.g. "dU". rule: GRADIENT, VALUE or UNCHANGED (see RULES).
    of: the argument it is about: for a gradient, the argument it is the
        gradient of ("dU" -> "U"); for UNCHANGED, the input that must
        come back unchanged.
    equation: (page, label) of the book's equation for it.
    requires: the name of another output that must also be right for this
        one to earn its share ("x left unchanged" earns nothing unless the
        gradient is right too).
    derived: a value that is itself a derivative of the forward pass (the
        softmax's Jacobian): like a gradient, it earns nothing when the
        notebook computes it numerically (see is_derivative).
    """

    name: str
    rule: str
    of: str | None = None
    equation: tuple[str, str] | None = None
    requires: str | None = None
    derived: bool = False

    @property
    def tolerance(self) -> float:
        return RULES[self.rule]

    @property
    def is_gradient(self) -> bool:
        return self.rule == GRADIENT

    @property
    def is_derivative(self) -> bool:
        """A gradient, or a value that is a derivative: what must be derived."""
        return self.is_gradient or self.derived


@dataclass(frozen=True)
class Arg:
    """One argument of a graded function (or one upstream gradient).

    kind says how hidden and public values are drawn (see inputs.py):
    "real" standard normal, "weight" N(0, 0.25), "logits" normal or, in the
    large-logit cases, of size 1e4, "labels" integers in [0, K), "mask"
    booleans with gaps, "pair" an array close to the argument before it,
    "function" a test function of numerical_gradient, "step" a float.
    optional: the docstring promises that the argument may be left out.
    """

    name: str
    kind: str = "real"
    optional: bool = False


@dataclass(frozen=True)
class Layout:
    """One shape variant: the axes of every array argument, upstream
    gradient and output (scalars have ())."""

    name: str
    axes: Mapping[str, tuple[str, ...]]

    def __post_init__(self):
        object.__setattr__(self, "axes", MappingProxyType(dict(self.axes)))


@dataclass(frozen=True)
class FunctionSpec:
    """How to call one graded function, what it returns, and what it promises.

    name: the function's name in the notebook.
    args: its arguments in call order.
    outputs: what it returns, in order.
    layouts: the shape variants it promises; the first is the main one.
    kind: "plain" calls name(*args); "backward" calls forward(*args), takes
        the cache (its last return value) and calls name(*upstream, cache);
        "numerical_gradient" calls name(f, x, df[, h]).
    forward: for kind "backward", the forward function's name.
    upstream: for kind "backward", the upstream gradients, one per forward
        output before the cache.
    returns_cache: the function returns its outputs followed by a cache.
    recurrent: its gradients travel back through time (back-propagation
        through time), so a wrong step is usually followed by wrong earlier
        steps; otherwise its time steps are independent.
    promises: special values the docstring promises to handle.
    cost_baseline: for a function that returns gradients, (function,
        arguments): what its cost is compared with. The function is a
        notebook function (its forward pass) called on those of the timed
        call's arguments, or ELEMENTWISE: one elementwise pass over them,
        for a loss with no forward of its own in the notebook.
        None: not timed.
    """

    name: str
    args: tuple[Arg, ...]
    outputs: tuple[Output, ...]
    layouts: tuple[Layout, ...]
    kind: str = "plain"
    forward: str | None = None
    upstream: tuple[Arg, ...] = ()
    returns_cache: bool = False
    recurrent: bool = False
    promises: tuple[str, ...] = ()
    cost_baseline: tuple[str, tuple[str, ...]] | None = None

    @property
    def functions(self) -> tuple[str, ...]:
        """Names of the notebook functions a call needs, callee last."""
        return (self.forward, self.name) if self.forward else (self.name,)

    def layout(self, name: str | None = None) -> Layout:
        """The layout of that name (the main one for None)."""
        if name is None:
            return self.layouts[0]
        for layout in self.layouts:
            if layout.name == name:
                return layout
        known = ", ".join(layout.name for layout in self.layouts)
        raise KeyError(f"{self.name} has no layout {name!r} (it has: {known})")

    def output(self, name: str) -> Output:
        return next(output for output in self.outputs if output.name == name)

    @property
    def array_args(self) -> tuple[Arg, ...]:
        """Arguments and upstream gradients that are arrays (not functions or steps)."""
        return tuple(a for a in (*self.args, *self.upstream) if a.kind not in ("function", "step"))


# --------------------------------------------------------------------------
# The catalogue


def _gradient(name, page, label, of=None):
    return Output(name, GRADIENT, of=of or name[1:], equation=(page, label))


def _value(name, page=None, label=None):
    return Output(name, VALUE, equation=(page, label) if label else None)


_OUTPUT_WEIGHT_AXES = {"V": ("K", "H"), "c": ("K",)}
_RNN_WEIGHT_AXES = {"U": ("H", "D"), "W": ("H", "H"), "b": ("H",)}
_LSTM_WEIGHT_AXES = {"U": ("4H", "D"), "W": ("4H", "H"), "b": ("4H",)}
_WEIGHTS = (Arg("U", "weight"), Arg("W", "weight"), Arg("b"))
_RNN_GRADS = (
    _gradient("dU", "rnn_bptt", "rnn-dU"),
    _gradient("dW", "rnn_bptt", "rnn-dW"),
    _gradient("db", "rnn_bptt", "rnn-db"),
)
_LSTM_GRADS = (
    _gradient("dU", "lstm", "lstm-dU"),
    _gradient("dW", "lstm", "lstm-dW"),
    _gradient("db", "lstm", "lstm-db"),
)
_WEIGHT_GRAD_AXES = {f"d{k}": v for k, v in _RNN_WEIGHT_AXES.items()}
_LSTM_WEIGHT_GRAD_AXES = {f"d{k}": v for k, v in _LSTM_WEIGHT_AXES.items()}

_RNN_STEP_AXES = {"x": ("N", "D"), "h_prev": ("N", "H"), "dh": ("N", "H"), **_RNN_WEIGHT_AXES}
_RNN_SEQ_AXES = {"x": ("N", "T", "D"), "h0": ("N", "H"), "dh": ("N", "T", "H"), **_RNN_WEIGHT_AXES}
_LSTM_STEP_AXES = {
    "x": ("N", "D"),
    "h_prev": ("N", "H"),
    "c_prev": ("N", "H"),
    "dh": ("N", "H"),
    "dc": ("N", "H"),
    **_LSTM_WEIGHT_AXES,
}
_LSTM_SEQ_AXES = {
    "x": ("N", "T", "D"),
    "h0": ("N", "H"),
    "c0": ("N", "H"),
    "dh": ("N", "T", "H"),
    **_LSTM_WEIGHT_AXES,
}

_NK = ("N", "K")
_ANY_SHAPE = {"matrix": _NK, "vector": ("K",), "3-D": ("N", "T", "K")}
"""The shapes tried where a docstring promises an array of any shape (or
any number of leading axes); the first is the main one."""

SPECS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        # Assignment 1: softmax and gradient checking
        FunctionSpec(
            "rel_error",
            (Arg("a"), Arg("b", "pair")),
            (_value("error", "gradient_checking", "rel-error"),),
            tuple(
                Layout(name, {"a": axes, "b": axes, "error": ()})
                for name, axes in _ANY_SHAPE.items()
            ),
            promises=(
                "entries of mixed sizes",
                "largest |a| and largest |b| at different entries",
                "equal arrays give 0",
                "two all-zero arrays give 0",
                "the 1e-8 floor",
                "two empty arrays give 0",
                "integer arrays one apart",
            ),
        ),
        FunctionSpec(
            "numerical_gradient",
            (Arg("f", "function"), Arg("x"), Arg("df", optional=True), Arg("h", "step", True)),
            (
                _gradient("grad", "gradient_checking", "centred-difference", of="x"),
                Output("x_after_call", UNCHANGED, of="x", requires="grad"),
            ),
            (
                *(
                    Layout(name, {"x": axes, "df": axes, "grad": axes, "x_after_call": axes})
                    for name, axes in _ANY_SHAPE.items()
                ),
                Layout(
                    "f(x) of another shape",
                    {"x": _NK, "df": ("M",), "grad": _NK, "x_after_call": _NK},
                ),
                Layout(
                    "f(x) a scalar",
                    {"x": _NK, "df": (), "grad": _NK, "x_after_call": _NK},
                ),
            ),
            kind="numerical_gradient",
            promises=(
                "df=None means all ones",
                "the step h",
                "f couples the entries of x",
            ),
        ),
        FunctionSpec(
            "softmax",
            (Arg("z", "logits"),),
            (_value("S", "softmax", "softmax-def"),),
            tuple(Layout(name, {"z": axes, "S": axes}) for name, axes in _ANY_SHAPE.items()),
            promises=("logits of any magnitude", "K = 1"),
        ),
        FunctionSpec(
            "softmax_jacobian",
            (Arg("z", "logits"),),
            (Output("J", VALUE, equation=("softmax", "softmax-jacobian"), derived=True),),
            (Layout("vector", {"z": ("K",), "J": ("K", "K")}),),
            promises=("logits of any magnitude", "K = 1"),
        ),
        FunctionSpec(
            "softmax_cross_entropy",
            (Arg("logits", "logits"), Arg("y", "labels")),
            (
                _value("loss", "softmax", "softmax-ce-loss"),
                _gradient("dlogits", "softmax", "softmax-ce-grad"),
            ),
            (
                Layout(
                    "batch",
                    {"logits": ("N", "K"), "y": ("N",), "loss": (), "dlogits": ("N", "K")},
                ),
            ),
            promises=("logits of any magnitude",),
            cost_baseline=("softmax", ("logits",)),
        ),
        # Assignment 2: RNN and back-propagation through time
        FunctionSpec(
            "rnn_step_forward",
            (Arg("x"), Arg("h_prev"), *_WEIGHTS),
            (_value("h", "rnn_bptt", "rnn-h"),),
            (Layout("step", {**_RNN_STEP_AXES, "h": ("N", "H")}),),
            returns_cache=True,
        ),
        FunctionSpec(
            "rnn_step_backward",
            (Arg("x"), Arg("h_prev"), *_WEIGHTS),
            (
                _gradient("dx", "rnn_bptt", "rnn-dx"),
                _gradient("dh_prev", "rnn_bptt", "rnn-dh-prev"),
                *_RNN_GRADS,
            ),
            (
                Layout(
                    "step",
                    {
                        **_RNN_STEP_AXES,
                        **_WEIGHT_GRAD_AXES,
                        "dx": ("N", "D"),
                        "dh_prev": ("N", "H"),
                    },
                ),
            ),
            kind="backward",
            forward="rnn_step_forward",
            upstream=(Arg("dh"),),
            cost_baseline=("rnn_step_forward", ("x", "h_prev", "U", "W", "b")),
        ),
        FunctionSpec(
            "rnn_forward",
            (Arg("x"), Arg("h0"), *_WEIGHTS),
            (_value("h", "rnn_bptt", "rnn-h"),),
            (Layout("sequence", {**_RNN_SEQ_AXES, "h": ("N", "T", "H")}),),
            returns_cache=True,
            recurrent=True,
        ),
        FunctionSpec(
            "rnn_backward",
            (Arg("x"), Arg("h0"), *_WEIGHTS),
            (
                _gradient("dx", "rnn_bptt", "rnn-dh-recursion"),
                _gradient("dh0", "rnn_bptt", "rnn-dh-prev"),
                *_RNN_GRADS,
            ),
            (
                Layout(
                    "sequence",
                    {
                        **_RNN_SEQ_AXES,
                        **_WEIGHT_GRAD_AXES,
                        "dx": ("N", "T", "D"),
                        "dh0": ("N", "H"),
                    },
                ),
            ),
            kind="backward",
            forward="rnn_forward",
            upstream=(Arg("dh"),),
            recurrent=True,
            promises=(LOSS_AT_LAST_STEP,),
            cost_baseline=("rnn_forward", ("x", "h0", "U", "W", "b")),
        ),
        FunctionSpec(
            "output_forward",
            (Arg("h"), Arg("V", "weight"), Arg("c")),
            (_value("o", "rnn_bptt", "rnn-o"),),
            (
                Layout(
                    "sequence", {**_OUTPUT_WEIGHT_AXES, "h": ("N", "T", "H"), "o": ("N", "T", "K")}
                ),
                Layout("single step", {**_OUTPUT_WEIGHT_AXES, "h": ("N", "H"), "o": ("N", "K")}),
            ),
            returns_cache=True,
        ),
        FunctionSpec(
            "output_backward",
            (Arg("h"), Arg("V", "weight"), Arg("c")),
            (
                _gradient("dh", "rnn_bptt", "rnn-o"),
                _gradient("dV", "rnn_bptt", "rnn-dV"),
                _gradient("dc", "rnn_bptt", "rnn-dc"),
            ),
            (
                Layout(
                    "sequence",
                    {
                        "h": ("N", "T", "H"),
                        "V": ("K", "H"),
                        "c": ("K",),
                        "do": ("N", "T", "K"),
                        "dh": ("N", "T", "H"),
                        "dV": ("K", "H"),
                        "dc": ("K",),
                    },
                ),
                Layout(
                    "single step",
                    {
                        "h": ("N", "H"),
                        "V": ("K", "H"),
                        "c": ("K",),
                        "do": ("N", "K"),
                        "dh": ("N", "H"),
                        "dV": ("K", "H"),
                        "dc": ("K",),
                    },
                ),
            ),
            kind="backward",
            forward="output_forward",
            upstream=(Arg("do"),),
            cost_baseline=("output_forward", ("h", "V", "c")),
        ),
        FunctionSpec(
            "temporal_softmax_loss",
            (Arg("o", "logits"), Arg("y", "labels"), Arg("mask", "mask", optional=True)),
            (
                _value("loss", "rnn_bptt", "rnn-loss"),
                _gradient("do", "rnn_bptt", "rnn-do", of="o"),
            ),
            (
                Layout(
                    "sequence",
                    {
                        "o": ("N", "T", "K"),
                        "y": ("N", "T"),
                        "mask": ("N", "T"),
                        "loss": (),
                        "do": ("N", "T", "K"),
                    },
                ),
            ),
            promises=("logits of any magnitude", "mask=None keeps every step", "masked steps"),
            cost_baseline=(ELEMENTWISE, ("o",)),
        ),
        FunctionSpec(
            "rnn_loss",
            (
                Arg("x"),
                Arg("y", "labels"),
                Arg("h0"),
                *_WEIGHTS,
                Arg("V", "weight"),
                Arg("c"),
                Arg("mask", "mask", optional=True),
            ),
            (
                _value("loss", "rnn_bptt", "rnn-loss"),
                _gradient("dh0", "rnn_bptt", "rnn-dh-prev"),
                *_RNN_GRADS,
                _gradient("dV", "rnn_bptt", "rnn-dV"),
                _gradient("dc", "rnn_bptt", "rnn-dc"),
            ),
            (
                Layout(
                    "sequence",
                    {
                        "x": ("N", "T", "D"),
                        "y": ("N", "T"),
                        "h0": ("N", "H"),
                        **_RNN_WEIGHT_AXES,
                        "V": ("K", "H"),
                        "c": ("K",),
                        "mask": ("N", "T"),
                        "loss": (),
                        "dh0": ("N", "H"),
                        **_WEIGHT_GRAD_AXES,
                        "dV": ("K", "H"),
                        "dc": ("K",),
                    },
                ),
            ),
            recurrent=True,
            promises=("mask=None keeps every step", "masked steps"),
            cost_baseline=("rnn_forward", ("x", "h0", "U", "W", "b")),
        ),
        # Assignment 3: LSTM
        FunctionSpec(
            "lstm_step_forward",
            (Arg("x"), Arg("h_prev"), Arg("c_prev"), *_WEIGHTS),
            (_value("h", "lstm", "lstm-h"), _value("c", "lstm", "lstm-c")),
            (Layout("step", {**_LSTM_STEP_AXES, "h": ("N", "H"), "c": ("N", "H")}),),
            returns_cache=True,
        ),
        FunctionSpec(
            "lstm_step_backward",
            (Arg("x"), Arg("h_prev"), Arg("c_prev"), *_WEIGHTS),
            (
                _gradient("dx", "lstm", "lstm-dz"),
                _gradient("dh_prev", "lstm", "lstm-dz"),
                _gradient("dc_prev", "lstm", "lstm-dc-prev"),
                *_LSTM_GRADS,
            ),
            (
                Layout(
                    "step",
                    {
                        **_LSTM_STEP_AXES,
                        **_LSTM_WEIGHT_GRAD_AXES,
                        "dx": ("N", "D"),
                        "dh_prev": ("N", "H"),
                        "dc_prev": ("N", "H"),
                    },
                ),
            ),
            kind="backward",
            forward="lstm_step_forward",
            upstream=(Arg("dh"), Arg("dc")),
            promises=(ONLY_DC_REACHES,),
            cost_baseline=("lstm_step_forward", ("x", "h_prev", "c_prev", "U", "W", "b")),
        ),
        FunctionSpec(
            "lstm_forward",
            (Arg("x"), Arg("h0"), Arg("c0"), *_WEIGHTS),
            (_value("h", "lstm", "lstm-h"),),
            (Layout("sequence", {**_LSTM_SEQ_AXES, "h": ("N", "T", "H")}),),
            returns_cache=True,
            recurrent=True,
        ),
        FunctionSpec(
            "lstm_backward",
            (Arg("x"), Arg("h0"), Arg("c0"), *_WEIGHTS),
            (
                _gradient("dx", "lstm", "lstm-dz"),
                _gradient("dh0", "lstm", "lstm-dh"),
                _gradient("dc0", "lstm", "lstm-dc-prev"),
                *_LSTM_GRADS,
            ),
            (
                Layout(
                    "sequence",
                    {
                        **_LSTM_SEQ_AXES,
                        **_LSTM_WEIGHT_GRAD_AXES,
                        "dx": ("N", "T", "D"),
                        "dh0": ("N", "H"),
                        "dc0": ("N", "H"),
                    },
                ),
            ),
            kind="backward",
            forward="lstm_forward",
            upstream=(Arg("dh"),),
            recurrent=True,
            promises=(LOSS_AT_LAST_STEP,),
            cost_baseline=("lstm_forward", ("x", "h0", "c0", "U", "W", "b")),
        ),
    )
}

GATE_EQUATIONS = MappingProxyType({gate: ("lstm", f"lstm-d{gate}") for gate in GATE_ORDER})
"""The book's equation for the gradient of each gate's pre-activation: where
feedback sends a student whose weight gradients are wrong in one gate block."""
