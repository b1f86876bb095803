"""Directional finite differences of the student's own forward pass, for the
visible gradient checks.

A returned gradient g of an argument p is right when, for a random
direction v, the directional derivative <g, v> matches
(F(p + h v) - F(p - h v)) / 2h, where F is the scalar the gradient is of:
<forward outputs, upstream gradients> for a backward function, the loss
for a function that returns a loss and its gradients. One set of
directions per time step (or gate block) also says where a gradient goes
wrong. Two forward passes per direction check every entry at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .calls import arguments, as_sequence, float_errors_ignored
from .compare import slices
from .specs import FD_STEP, FunctionSpec


@dataclass(frozen=True)
class DirectionalCheck:
    """The directional check of one gradient.

    error: largest difference between the analytic and the numerical
        directional derivative over the sum of their largest magnitudes.
    slice_errors: {slice: error} per time step or gate block ({} if none).
    worst: (slice, analytic, numerical) where they differ most.
    """

    error: float
    slice_errors: dict[str, float]
    worst: tuple[str, float, float]


def objective(
    spec: FunctionSpec, functions: Mapping[str, Callable], inputs: Mapping[str, np.ndarray]
) -> Callable[[str, np.ndarray], float]:
    """The scalar the returned gradients are the gradient of, as a function
    of one argument (name, value) with the others held at `inputs`."""

    def value(arg_name: str, arg_value: np.ndarray) -> float:
        with float_errors_ignored():
            return _value(arg_name, arg_value)

    def _value(arg_name: str, arg_value: np.ndarray) -> float:
        moved = {**inputs, arg_name: arg_value}
        positional, keywords = arguments(spec, moved)
        if spec.kind == "backward":
            result = functions[spec.forward](*positional, **keywords)
            outputs = as_sequence(result, len(spec.upstream) + 1, spec.forward, [])[:-1]
            return float(
                sum(
                    np.sum(np.asarray(out, dtype=np.float64) * inputs[up.name])
                    for out, up in zip(outputs, spec.upstream, strict=True)
                )
            )
        result = functions[spec.name](*positional, **keywords)
        return float(as_sequence(result, len(spec.outputs), spec.name, [])[0])

    return value


def directional_checks(
    spec: FunctionSpec,
    functions: Mapping[str, Callable],
    inputs: Mapping[str, np.ndarray],
    gradients: Mapping[str, np.ndarray],
    *,
    step: float = FD_STEP,
    directions: int = 2,
) -> dict[str, DirectionalCheck]:
    """Check returned gradients against centred differences of the forward
    along random directions, one set of directions per slice.

    gradients: {argument name: the gradient returned for it}.
    Returns {argument name: DirectionalCheck}.
    """
    scalar = objective(spec, functions, inputs)
    layout = spec.layout()
    rng = np.random.default_rng(0)
    results = {}
    for name, grad in gradients.items():
        point = np.asarray(inputs[name], dtype=np.float64)
        grad = np.asarray(grad, dtype=np.float64)
        axes = layout.axes[name]
        parts = slices(axes, point.shape) or {"all": tuple(slice(None) for _ in axes)}
        pairs = {}
        for key, index in parts.items():
            worst = (0.0, 0.0, 0.0)
            for _ in range(directions):
                v = np.zeros_like(point)
                v[index] = rng.standard_normal(v[index].shape)
                numeric = (scalar(name, point + step * v) - scalar(name, point - step * v)) / (
                    2 * step
                )
                analytic = float(np.sum(grad * v))
                if abs(analytic - numeric) >= worst[0]:
                    worst = (abs(analytic - numeric), analytic, numeric)
            pairs[key] = worst
        scale = max(
            1e-8,
            max(abs(a) for _, a, _ in pairs.values()) + max(abs(n) for _, _, n in pairs.values()),
        )
        errors = {key: diff / scale for key, (diff, _, _) in pairs.items()}
        worst_key = max(errors, key=errors.get)
        _, analytic, numeric = pairs[worst_key]
        results[name] = DirectionalCheck(
            max(errors.values()),
            errors if len(errors) > 1 else {},
            (worst_key, analytic, numeric),
        )
    return results
