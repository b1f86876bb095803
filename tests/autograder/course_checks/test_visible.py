"""Tests of the checks students run on public inputs."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from autograder.cases.references import REFERENCES
from autograder.course_checks import (
    CheckFailed,
    check_forward,
    check_gradients,
    check_numerical_gradient,
)
from autograder.course_checks.inputs import public_case, public_inputs
from autograder.course_checks.specs import SPECS
from autograder.coursedir import REPOSITORY
from solutions import rnn
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS


def _expected(name: str) -> dict:
    spec = SPECS[name]
    values = REFERENCES[name](public_inputs(name), public_case(name))
    return {output.name: value for output, value in zip(spec.outputs, values, strict=True)}


@pytest.mark.parametrize(
    "name", [n for n, s in SPECS.items() if any(o.is_gradient for o in s.outputs)]
)
def test_reference_gradients_pass_the_visible_check(name, capsys):
    """Do the reference implementations pass the students' gradient check?"""
    if name == "numerical_gradient":
        check_numerical_gradient(REFERENCE_FUNCTIONS[name], _expected(name))
    else:
        spec = SPECS[name]
        check_gradients(*(REFERENCE_FUNCTIONS[f] for f in spec.functions), name=name)
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert " outputs correct" in out


@pytest.mark.parametrize(
    "name", [n for n, s in SPECS.items() if not any(o.is_gradient for o in s.outputs)]
)
def test_reference_forwards_pass_the_visible_check(name, capsys):
    """Do the reference forward passes match the values printed in the notebook?"""
    check_forward(REFERENCE_FUNCTIONS[name], _expected(name))
    assert "FAIL" not in capsys.readouterr().out


def _rnn_backward_without_the_carry(dh, cache):
    """BPTT that forgets the gradient carried in from step t+1."""
    steps = cache.steps
    dx = np.empty((dh.shape[0], len(steps), steps[0].x.shape[1]))
    total = [np.zeros_like(steps[0].U), np.zeros_like(steps[0].W), np.zeros(dh.shape[2])]
    dh_prev = None
    for t in reversed(range(len(steps))):
        dx[:, t], dh_prev, *grads = rnn.rnn_step_backward(dh[:, t], steps[t])
        total = [a + g for a, g in zip(total, grads, strict=True)]
    return dx, dh_prev, *total


def test_a_missing_carry_is_located_and_shows_both_numbers(capsys):
    """Does the check say that dx is right at the last step and wrong before
    it, and show the directional derivatives it compared?"""
    with pytest.raises(CheckFailed, match="dx"):
        check_gradients(rnn.rnn_forward, _rnn_backward_without_the_carry, name="rnn_backward")
    out = capsys.readouterr().out
    assert "FAIL  dx" in out
    assert "first wrong at t = 1 of 0..2, going backwards" in out
    assert "along a random direction in t = " in out
    assert "centred differences of your forward" in out
    assert "rnn_bptt.html#equation-rnn-dh-recursion" in out


def test_a_wrong_forward_value_shows_the_worst_entry(capsys):
    """Does a wrong forward value show the student's and the printed value?"""

    def softmax(z):
        return REFERENCE_FUNCTIONS["softmax"](z) * 1.1

    with pytest.raises(CheckFailed, match="softmax on the public inputs: wrong output"):
        check_forward(softmax, _expected("softmax"))
    out = capsys.readouterr().out
    assert "FAIL  S" in out
    assert "worst entry S[" in out and ", expected " in out


def test_numerical_gradient_check_catches_a_one_sided_difference(capsys):
    """Is a forward difference (error O(h)) caught by the numerical_gradient check?"""

    def forward_difference(f, x, df=None, h=1e-5):
        x = np.array(x, dtype=float)
        weights = 1.0 if df is None else df
        grad = np.zeros_like(x)
        base = np.sum(f(x) * weights)
        for k in range(x.size):
            step = x.copy()
            step.flat[k] += h
            grad.flat[k] = (np.sum(f(step) * weights) - base) / h
        return grad

    with pytest.raises(CheckFailed, match="grad"):
        check_numerical_gradient(forward_difference, _expected("numerical_gradient"))
    assert "FAIL  grad" in capsys.readouterr().out


def test_a_changed_input_is_named(capsys):
    """Does the numerical_gradient check say that x was changed?"""

    def in_place(f, x, df=None, h=1e-5):
        grad = REFERENCE_FUNCTIONS["numerical_gradient"](f, x, df, h)
        x += 1.0
        return grad

    with pytest.raises(CheckFailed, match="x_after_call"):
        check_numerical_gradient(in_place, _expected("numerical_gradient"))
    assert "numerical_gradient changed its input array x" in capsys.readouterr().out


def test_an_unfinished_stub_still_raises_not_implemented():
    """Does a stub's NotImplementedError reach the notebook unchanged?"""

    def softmax(z):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check_forward(softmax, _expected("softmax"))


def test_what_the_function_raises_is_reported_as_a_failure(capsys):
    """Is an exception in the student's code a FAIL line naming it?"""

    def rnn_step_forward(x, h_prev, U, W, b):
        raise ValueError("shapes do not match")

    with pytest.raises(CheckFailed):
        check_forward(rnn_step_forward, _expected("rnn_step_forward"))
    assert "raised ValueError: shapes do not match" in capsys.readouterr().out


NUMERICAL_TANH_CELLS = (
    "import numpy as np\nfrom autograder.course_checks import check_gradients\n",
    "def tanh_slope(a, h=1e-5):\n    return (np.tanh(a + h) - np.tanh(a - h)) / (2 * h)\n",
    "def rnn_step_forward(x, h_prev, U, W, b):\n"
    "    a = x @ U.T + h_prev @ W.T + b\n"
    "    return np.tanh(a), (x, h_prev, U, W, a)\n",
    "def rnn_step_backward(dh, cache):\n"
    "    x, h_prev, U, W, a = cache\n"
    "    da = dh * tanh_slope(a)\n"
    "    return da @ U, da @ W, da.T @ x, da.T @ h_prev, da.sum(axis=0)\n",
)


def _run_in_a_kernel(cells: list[str]) -> list[str]:
    """The text each cell printed (or the error it raised), run in a real
    IPython kernel started in the repository."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=120)
    client.execute(cwd=str(REPOSITORY))
    printed = []
    for cell in notebook.cells:
        parts = [o.get("text", "") for o in cell.outputs if o.output_type == "stream"]
        parts += [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        printed.append("".join(parts))
    return printed


def test_a_numerical_derivative_fails_the_visible_check_in_a_kernel():
    """In a real kernel: does check_gradients pass the values of a backward
    whose tanh' is differenced (they are right), then say where it
    differentiates numerically and fail; and, once the helper is rewritten
    from its formula in a later cell, pass (the functions as they are now
    are read, not the history of the cells)?"""
    check = "check_gradients(rnn_step_forward, rnn_step_backward)"
    analytic = "def tanh_slope(a):\n    return 1.0 - np.tanh(a) ** 2\n"
    printed = _run_in_a_kernel([*NUMERICAL_TANH_CELLS, check, analytic, check])
    numerical, derived = printed[-3], printed[-1]
    assert "5 of 5 outputs correct" in numerical
    found = "differentiates numerically: difference quotient in tanh_slope: `np.tanh(a + h)`"
    assert found in numerical
    assert "CheckFailed: rnn_step_backward: computed with a numerical derivative" in numerical
    assert "5 of 5 outputs correct" in derived
    assert "numerically" not in derived and "CheckFailed" not in derived
