"""Inputs of the graded functions, drawn as each spec says.

How an argument's values are drawn depends only on its kind in the spec
(specs.Arg.kind) and on the case: which layout, which sizes, whether its
logits are large, which optional arguments are left out and which of the
spec's promises it exercises. The visible checks draw from a fixed public
seed; the grader draws the hidden inputs from the course's grading seed.

Some mistakes show only on some inputs: an ignored mask when every step
counts, a softmax shifted by the global rather than the row maximum when
the rows' maxima are close, a relative error that adds max|a| and max|b|
when both peak at the same entry. The constructions below make every such
input by design, never by luck of the draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .specs import FD_STEP, LOSS_AT_LAST_STEP, ONLY_DC_REACHES, SPECS, FunctionSpec
from .testfunctions import draw_parameters

LARGE_LOGIT_STEP = 1e-2
"""Centred-difference step of the references in large-logit cases: around
logits that far apart the loss is linear to within e^-20, and a step of
1e-5 would drown in the round-off of a loss near 1e4."""

MIN_LARGE_LOGIT_GAP = 20.0
"""Least distance between two logits of a row in the large-logit cases."""

OVERFLOWING_LOGIT = 1000.0
"""Some row maximum of every large-logit case is beyond +-this: exp()
overflows above 709, so a softmax without the row-maximum shift gives
inf / inf; and below -745 every entry of a row underflows, so a shift by
anything but the row's maximum gives 0 / 0."""

ROW_MAXIMA_APART = 1500.0
"""In large-logit cases the rows' maxima lie at least this far apart, so a
softmax shifted by the global maximum underflows to 0 / 0 on some row."""

LABEL_BELOW_MAXIMUM = 800.0
"""In large-logit cases one label sits this far below its row's maximum:
its probability underflows to 0, so the log of the softmax is -inf."""


@dataclass(frozen=True)
class Case:
    """One call of a graded function: the shapes and values it gets.

    layout: name of the spec's layout (None: the main one).
    sizes: axis lengths, e.g. {"N": 2, "T": 3, "D": 4, "H": 5}.
    large_logits: logits of size 1e4, built as the module docstring says.
    negative_maximum: with large_logits, rows alternate in sign starting
        below -OVERFLOWING_LOGIT instead of above it (a single row is then
        all large negative numbers).
    omit: optional arguments left out of the call.
    step: the step passed to numerical_gradient as h (None: left out).
    promises: the spec's promises this case exercises.
    reference_step: step of the centred differences of the references.
    """

    layout: str | None = None
    sizes: Mapping[str, int] = field(default_factory=dict)
    large_logits: bool = False
    negative_maximum: bool = False
    omit: tuple[str, ...] = ()
    step: float | None = None
    promises: tuple[str, ...] = ()

    @property
    def reference_step(self) -> float:
        if self.step is not None:
            return self.step
        return LARGE_LOGIT_STEP if self.large_logits else FD_STEP

    def describe(self) -> str:
        """The case in words, without a single value: "N=2, T=3, D=4, H=5"."""
        parts = [", ".join(f"{axis}={n}" for axis, n in self.sizes.items())]
        if self.layout:
            parts.append(self.layout)
        if self.large_logits:
            parts.append("logits near -1e4" if self.negative_maximum else "logits of size 1e4")
        parts += [f"{name} left out" for name in self.omit]
        # The zero upstream gradients cannot be told from the sizes; say so.
        parts += [p for p in self.promises if p in (ONLY_DC_REACHES, LOSS_AT_LAST_STEP)]
        if self.step is not None:
            parts.append(f"h={self.step:g}")
        return ", ".join(part for part in parts if part)


def axis_length(axis: str, sizes: Mapping[str, int]) -> int:
    """Length of an axis: "4H" is four times H."""
    return 4 * sizes["H"] if axis == "4H" else sizes[axis]


def shape_of(axes: tuple[str, ...], sizes: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(axis_length(axis, sizes) for axis in axes)


def make_inputs(spec: FunctionSpec, rng: np.random.Generator, case: Case) -> dict[str, np.ndarray]:
    """Float64 (and integer label, boolean mask) inputs for one call.

    Returns {argument name: array} for every argument that is passed, the
    upstream gradients included; a test function's parameters are stored
    as "f.A", "f.B", ... (see testfunctions.PARAMETERS) and the step h as a
    0-d array.
    """
    layout = spec.layout(case.layout)
    sizes = case.sizes
    inputs: dict[str, np.ndarray] = {}
    previous = None
    for arg in (*spec.args, *spec.upstream):
        if arg.name in case.omit:
            if not arg.optional:
                raise ValueError(f"{spec.name}: argument {arg.name} is not optional")
            continue
        if arg.kind == "function":
            x_shape = shape_of(layout.axes["x"], sizes)
            out_shape = shape_of(layout.axes["df"], sizes)
            inputs.update(draw_parameters(rng, x_shape, out_shape))
            continue
        if arg.kind == "step":
            if case.step is not None:
                inputs[arg.name] = np.array(float(case.step))
            continue
        shape = shape_of(layout.axes[arg.name], sizes)
        inputs[arg.name] = _draw(arg.kind, rng, shape, sizes, case, inputs.get(previous))
        previous = arg.name
    _apply_promises(spec, rng, case, inputs)
    return inputs


def _draw(kind: str, rng, shape, sizes, case: Case, previous) -> np.ndarray:
    """Values of one argument; `previous` is the argument drawn before it."""
    if kind == "weight":
        # Weights of size 0.5 keep tanh and the sigmoid away from saturation.
        return 0.5 * rng.standard_normal(shape)
    if kind == "labels":
        return rng.integers(0, sizes["K"], size=shape)
    if kind == "mask":
        return _mask_with_gaps(rng, shape)
    if kind == "logits" and case.large_logits:
        return _large_logits(rng, shape, -1.0 if case.negative_maximum else 1.0)
    if kind == "pair":
        return _pair_peaking_elsewhere(rng, previous)
    return rng.standard_normal(shape)


def _mask_with_gaps(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A boolean (N, T) mask with at least one kept and one dropped step,
    and, where T >= 3, a dropped step between two kept ones in the first
    sequence (a gap, not only a short sequence). The last sequence keeps
    only its first step when N >= 2."""
    mask = rng.random(shape) < 0.7
    if mask.size == 0:
        return mask
    n, t = shape
    mask[0, 0] = True
    if t >= 3:
        mask[0, 1] = False
        mask[0, 2] = True
    elif mask.size > 1:
        mask.reshape(-1)[-1] = False
    if n >= 2:
        mask[-1, :] = False
        mask[-1, 0] = True
    return mask


def _large_logits(
    rng: np.random.Generator, shape: tuple[int, ...], first_sign: float
) -> np.ndarray:
    """Logits of size about 1e4 whose rows (along the last axis) have

    - entries at least MIN_LARGE_LOGIT_GAP apart (the loss is then linear to
      within e^-20 around them, and the references' differences exact);
    - maxima at least ROW_MAXIMA_APART apart, alternating in sign, the first
      row's of sign `first_sign` (+1 or -1) and beyond OVERFLOWING_LOGIT.
    """
    k = shape[-1]
    rows = int(np.prod(shape[:-1], dtype=int))
    logits = np.empty((rows, k))
    order = rng.permutation(rows)
    for position, row in enumerate(order):
        # Row maxima at about +-(2000 + 1600 r): far apart, both signs, and the
        # first one far beyond the overflow threshold, on the side asked for.
        sign = first_sign if position % 2 == 0 else -first_sign
        maximum = sign * (2000.0 + (ROW_MAXIMA_APART + 100.0) * (position // 2))
        maximum += rng.uniform(-50.0, 50.0)
        offsets = _separated_offsets(rng, k)
        logits[row] = maximum + offsets
    return logits.reshape(shape)


def _separated_offsets(rng: np.random.Generator, k: int) -> np.ndarray:
    """k offsets <= 0, one exactly 0 (the row maximum), the others spread
    over [-3000, -MIN_LARGE_LOGIT_GAP] at least MIN_LARGE_LOGIT_GAP apart,
    one of them at least LABEL_BELOW_MAXIMUM below, all shuffled so that
    the maximum is not always the first entry."""
    while True:
        below = -rng.uniform(MIN_LARGE_LOGIT_GAP, 3000.0, size=k - 1)
        if k >= 2:
            below[0] = -rng.uniform(LABEL_BELOW_MAXIMUM + 200.0, 3000.0)
        values = np.sort(np.concatenate([[0.0], below]))
        if k == 1 or np.min(np.diff(values)) >= MIN_LARGE_LOGIT_GAP:
            return rng.permutation(values)


def _pair_peaking_elsewhere(rng: np.random.Generator, a: np.ndarray) -> np.ndarray:
    """b for rel_error(a, b): a with errors whose sizes span three orders of
    magnitude, where |a| and |b| peak at different entries (where there
    are two), and one entry where both are zero (where there are three).

    With the peaks apart, max|a| + max|b| is not max(|a| + |b|); with mixed
    sizes, dividing each entry by its own size gives another number than
    dividing the largest difference by the largest size."""
    np.clip(a, -1.0, 1.0, out=a)  # the two peaks below stand out of the rest
    flat_a = a.reshape(-1)
    b = a + 1e-3 * rng.standard_normal(a.shape) * np.abs(a)
    flat_b = b.reshape(-1)
    if flat_a.size >= 2:
        first, second = rng.choice(flat_a.size, size=2, replace=False)
        flat_a[first], flat_b[first] = 3.0, 1.0
        flat_a[second], flat_b[second] = 0.5, 2.5
    if flat_a.size >= 3:
        rest = [k for k in range(flat_a.size) if k not in (first, second)]
        zero = rest[0]
        flat_a[zero] = flat_b[zero] = 0.0
        if len(rest) >= 2:
            small = rest[1]
            flat_a[small], flat_b[small] = 1e-3, 1.5e-3
    return b


def _apply_promises(spec: FunctionSpec, rng, case: Case, inputs: dict) -> None:
    """Special values that one case of a spec must carry."""
    promises = set(case.promises)
    if "equal arrays give 0" in promises:
        inputs["b"] = inputs["a"].copy()
    if "two all-zero arrays give 0" in promises:
        inputs["a"] = np.zeros_like(inputs["a"])
        inputs["b"] = np.zeros_like(inputs["b"])
    if "integer arrays one apart" in promises:
        # Whole numbers, b = a but one entry larger by exactly 1: the largest
        # difference is 1.0, a value no other case gives.
        a = rng.integers(-4, 5, size=inputs["a"].shape).astype(np.float64)
        b = a.copy()
        b.reshape(-1)[int(rng.integers(0, b.size))] += 1.0
        inputs["a"], inputs["b"] = a, b
    if "the 1e-8 floor" in promises:
        # Both arrays so small that max(|a| + |b|) is below 1e-8: the floor
        # decides the denominator.
        inputs["a"] = inputs["a"] * 1e-11
        inputs["b"] = inputs["b"] * 1e-11
    if ONLY_DC_REACHES in promises:
        inputs["dh"] = np.zeros_like(inputs["dh"])
    if LOSS_AT_LAST_STEP in promises:
        inputs["dh"][:, :-1] = 0.0
    if spec.args[0].kind == "logits" or any(a.kind == "labels" for a in spec.args):
        _place_labels(spec, rng, case, inputs)


def _place_labels(spec: FunctionSpec, rng, case: Case, inputs: dict) -> None:
    """Labels that expose the usual mistakes: never all at their row's
    maximum (some mistakes cancel there), and, with large logits, one far
    below it (its probability underflows)."""
    label_arg = next((a.name for a in spec.args if a.kind == "labels"), None)
    logits_arg = next((a.name for a in spec.args if a.kind == "logits"), None)
    if label_arg is None or label_arg not in inputs:
        return
    labels = inputs[label_arg].reshape(-1)
    k = case.sizes.get("K", 1)
    if logits_arg is None or k < 2:
        return
    rows = inputs[logits_arg].reshape(-1, k)
    argmax = np.argmax(rows, axis=1)
    if np.all(labels == argmax):
        labels[0] = (argmax[0] + 1) % k
    if case.large_logits:
        row = int(rng.integers(0, len(labels)))
        far = rows[row].max() - rows[row] >= LABEL_BELOW_MAXIMUM
        if np.any(far):
            labels[row] = int(rng.choice(np.flatnonzero(far)))


PUBLIC_SEED = 20261122

PUBLIC_CASES: dict[str, Case] = {
    "rel_error": Case(sizes={"N": 2, "K": 3}),
    "numerical_gradient": Case(sizes={"N": 2, "K": 3}),
    "softmax": Case(sizes={"N": 2, "K": 4}),
    "softmax_jacobian": Case(sizes={"K": 4}),
    "softmax_cross_entropy": Case(sizes={"N": 3, "K": 4}),
    "temporal_softmax_loss": Case(sizes={"N": 2, "T": 3, "K": 4}),
    "output_forward": Case(sizes={"N": 2, "T": 3, "H": 4, "K": 5}),
    "output_backward": Case(sizes={"N": 2, "T": 3, "H": 4, "K": 5}),
    "rnn_loss": Case(sizes={"N": 2, "T": 3, "D": 4, "H": 5, "K": 6}),
}
"""The public case of each visible check; any spec not listed uses
N=2, T=3, D=4, H=5 in its main layout."""

_DEFAULT_PUBLIC_CASE = Case(sizes={"N": 2, "T": 3, "D": 4, "H": 5})


def public_case(name: str) -> Case:
    return PUBLIC_CASES.get(name, _DEFAULT_PUBLIC_CASE)


def public_inputs(name: str) -> dict[str, np.ndarray]:
    """The public inputs of the visible check of function `name` (fixed seed)."""
    rng = np.random.default_rng([PUBLIC_SEED, sum(map(ord, name))])
    return make_inputs(SPECS[name], rng, public_case(name))
