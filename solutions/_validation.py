"""Argument checks shared by the reference implementations.

Every public function in :mod:`solutions` validates its inputs with these
helpers, so a wrong shape produces one kind of message everywhere::

    ValueError: rnn_forward: h0 must have shape (N, H) = (2, 4), got (2, 5)

Axis sizes are bound by name the first time an axis is seen (``N`` from
``x``, say) and every later argument must agree with them.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence

import numpy as np


def _format_expected(axes: Sequence[str], sizes: Mapping[str, int]) -> str:
    names = "(" + ", ".join(axes) + ("," if len(axes) == 1 else "") + ")"
    if all(axis in sizes for axis in axes):
        values = tuple(sizes[axis] for axis in axes)
        return f"{names} = {values}"
    return names


def float_array(
    func: str,
    name: str,
    value: object,
    axes: Sequence[str],
    sizes: MutableMapping[str, int],
    *,
    finite: bool = True,
) -> np.ndarray:
    """Return `value` as a float64 array whose axes are named by `axes`.

    Parameters
    ----------
    func, name:
        The public function and the argument being checked; both appear in
        the error message.
    value:
        Anything :func:`numpy.asarray` accepts. It is never modified: the
        result is a new array whenever a conversion is needed.
    axes:
        One name per expected axis, e.g. ``("N", "T", "D")``.
    sizes:
        Axis sizes known so far. Unknown axes are added to it, known ones
        must match.
    finite:
        Whether NaN and infinity are rejected.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{func}: {name} must be an array of real numbers with shape "
            f"{_format_expected(axes, sizes)}, got {type(value).__name__} ({error})"
        ) from None
    check_shape(func, name, array, axes, sizes)
    if finite and not np.all(np.isfinite(array)):
        count = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{func}: {name} must be finite, got {count} NaN or infinite "
            f"value(s) in an array of shape {array.shape}"
        )
    return array


def check_shape(
    func: str,
    name: str,
    array: np.ndarray,
    axes: Sequence[str],
    sizes: MutableMapping[str, int],
) -> None:
    """Raise ValueError unless `array` has one axis per name in `axes`,
    agreeing with `sizes` (and record the sizes it introduces)."""
    if array.ndim != len(axes):
        raise ValueError(
            f"{func}: {name} must have {len(axes)} dimension(s) with shape "
            f"{_format_expected(axes, sizes)}, got {array.ndim} dimension(s) "
            f"with shape {array.shape}"
        )
    for axis, length in zip(axes, array.shape, strict=True):
        known = sizes.get(axis)
        if known is not None and known != length:
            raise ValueError(
                f"{func}: {name} must have shape {_format_expected(axes, sizes)}, "
                f"got {array.shape} ({axis} = {length} does not match {axis} = {known} "
                "from the arguments before it)"
            )
    for axis, length in zip(axes, array.shape, strict=True):
        if axis.isidentifier():
            sizes.setdefault(axis, length)


def labels_array(
    func: str,
    name: str,
    value: object,
    axes: Sequence[str],
    sizes: MutableMapping[str, int],
    num_classes: int,
) -> np.ndarray:
    """Return `value` as an integer array of class labels in [0, num_classes)."""
    array = np.asarray(value)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"{func}: {name} must hold integer class labels with shape "
            f"{_format_expected(axes, sizes)}, got dtype {array.dtype}"
        )
    check_shape(func, name, array, axes, sizes)
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        bad = array[(array < 0) | (array >= num_classes)]
        raise ValueError(
            f"{func}: {name} must hold labels in [0, {num_classes}) for K = {num_classes} "
            f"classes, got {bad.size} label(s) out of range, e.g. {int(bad.flat[0])}"
        )
    return array


def mask_array(
    func: str, name: str, value: object, axes: Sequence[str], sizes: MutableMapping[str, int]
) -> np.ndarray:
    """Return `value` as a boolean mask with the given axes."""
    array = np.asarray(value)
    if array.dtype != np.bool_:
        raise ValueError(
            f"{func}: {name} must be a boolean array with shape "
            f"{_format_expected(axes, sizes)}, got dtype {array.dtype}"
        )
    check_shape(func, name, array, axes, sizes)
    return array


def upstream_array(
    func: str, name: str, value: object, expected_shape: tuple[int, ...]
) -> np.ndarray:
    """Return an upstream gradient as float64, checking it matches the
    shape of the forward output it belongs to."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{func}: {name} must be an array of real numbers with shape {expected_shape}, "
            f"got {type(value).__name__} ({error})"
        ) from None
    if array.shape != tuple(expected_shape):
        raise ValueError(
            f"{func}: {name} must have shape {tuple(expected_shape)} (the shape of the "
            f"forward output it is the gradient of), got {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        count = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{func}: {name} must be finite, got {count} NaN or infinite value(s) in an "
            f"array of shape {array.shape}"
        )
    return array
