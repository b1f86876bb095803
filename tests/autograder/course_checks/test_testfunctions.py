"""Tests of the functions numerical_gradient is checked on."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autograder.course_checks as package
from autograder.course_checks.testfunctions import CoupledFunction, draw_parameters
from solutions import gradcheck


def test_a_test_function_couples_every_entry(rng):
    """Does moving one entry of x change the gradient at every other entry
    (so that an estimate that forgets to put an entry back is wrong)?"""
    f = CoupledFunction(draw_parameters(rng, (2, 3), (2, 3)))
    x = rng.standard_normal((2, 3))
    before = gradcheck.numerical_gradient(f, x)
    moved = x.copy()
    moved[0, 0] += 1e-2
    after = gradcheck.numerical_gradient(f, moved)
    assert np.all(np.abs(after - before).reshape(-1)[1:] > 1e-8)


@pytest.mark.parametrize("out_shape", [(2, 3), (4,), ()])
def test_outputs_have_the_declared_shape(rng, out_shape):
    """Does f return arrays of its output shape, and a float64 scalar for ()?"""
    f = CoupledFunction(draw_parameters(rng, (2, 3), out_shape))
    value = f(rng.standard_normal((2, 3)))
    assert np.shape(value) == out_shape
    assert np.asarray(value).dtype == np.float64


def test_a_wrong_input_size_is_a_clear_error(rng):
    f = CoupledFunction(draw_parameters(rng, (2, 3), (2, 3)))
    with pytest.raises(ValueError, match=r"takes an array of 6 entries, got shape \(4,\)"):
        f(np.zeros(4))


def test_missing_parameters_are_named():
    with pytest.raises(ValueError, match=r"f\.A, f\.B"):
        CoupledFunction({})


def test_the_shipped_package_holds_no_gradient_of_a_test_function():
    """Is there nothing in the package a student could call for the exact
    gradient of the test function (no "grad" function, no closure over the
    parameters)?"""
    for module in (package.testfunctions, package.inputs, package.probe, package.calls):
        for name, value in vars(module).items():
            if callable(value) and "grad" in name.lower():
                pytest.fail(f"{module.__name__}.{name} looks like a gradient")
    source = inspect.getsource(package.testfunctions)
    assert "derivative" not in source.replace("Their derivatives are written nowhere", "")
    assert repr(CoupledFunction(draw_parameters(np.random.default_rng(0), (1,), (1,)))) == (
        "<a test function of numerical_gradient>"
    )
