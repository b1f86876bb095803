"""Tests of how inputs are drawn from the specs."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.course_checks.inputs import (
    MIN_LARGE_LOGIT_GAP,
    OVERFLOWING_LOGIT,
    Case,
    make_inputs,
    public_inputs,
    shape_of,
)
from autograder.course_checks.specs import SPECS


@pytest.mark.parametrize("name", sorted(SPECS))
def test_public_inputs_have_the_shapes_of_the_main_layout(name):
    """Does every public input have exactly the shape its main layout declares?"""
    spec = SPECS[name]
    inputs = public_inputs(name)
    layout = spec.layout()
    sizes = {"N": 2, "T": 3, "D": 4, "H": 5, "K": 4, "M": 4}
    for arg in spec.array_args:
        assert inputs[arg.name].ndim == len(layout.axes[arg.name]), arg.name
    if name.startswith(("rnn_step", "rnn_forward", "rnn_backward", "lstm")):
        for arg in spec.array_args:
            assert inputs[arg.name].shape == shape_of(layout.axes[arg.name], sizes), arg.name


def test_large_logits_are_apart_within_and_between_rows(rng):
    """Are large logits at least the gap apart in a row, with maxima of both
    signs far apart and one above the overflow threshold?"""
    spec = SPECS["softmax"]
    z = make_inputs(spec, rng, Case("matrix", {"N": 4, "K": 5}, large_logits=True))["z"]
    for row in z:
        assert np.min(np.diff(np.sort(row))) >= MIN_LARGE_LOGIT_GAP
    maxima = np.max(z, axis=1)
    assert np.max(maxima) > OVERFLOWING_LOGIT and np.min(maxima) < -OVERFLOWING_LOGIT


def test_a_single_row_of_large_logits_can_be_all_negative(rng):
    """Is a vector asked for with negative_maximum all below -1000, so that a
    shift by anything but its maximum (max |z|, say) underflows every entry?"""
    spec = SPECS["softmax_jacobian"]
    case = Case(sizes={"K": 4}, large_logits=True, negative_maximum=True)
    z = make_inputs(spec, rng, case)["z"]
    assert z.shape == (4,) and np.max(z) < -OVERFLOWING_LOGIT
    assert np.all(np.exp(z - np.max(np.abs(z))) == 0.0)
    assert "near -1e4" in case.describe()


def test_a_left_out_argument_must_be_optional(rng):
    with pytest.raises(ValueError, match="argument y is not optional"):
        make_inputs(SPECS["softmax_cross_entropy"], rng, Case(sizes={"N": 2, "K": 3}, omit=("y",)))


def test_an_unknown_layout_is_named(rng):
    with pytest.raises(KeyError, match="softmax has no layout 'cube'"):
        make_inputs(SPECS["softmax"], rng, Case("cube", {"N": 2, "K": 3}))


def test_labels_are_never_all_at_their_rows_maximum(rng):
    spec = SPECS["softmax_cross_entropy"]
    for _ in range(50):
        inputs = make_inputs(spec, rng, Case(sizes={"N": 1, "K": 3}))
        assert inputs["y"][0] != np.argmax(inputs["logits"][0])
