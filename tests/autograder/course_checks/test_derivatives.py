"""Numerical derivatives found in the code of a graded function, and none
found in honest code of every style the test suite holds."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from autograder.course_checks.derivatives import numerical_derivatives
from autograder.course_checks.specs import SPECS
from autograder.coursedir import DEFAULT_ASSIGNMENTS_DIR

TESTS = Path(__file__).resolve().parent.parent
HONEST_MODULES = sorted(
    [
        *(TESTS / "integrity" / "honest").glob("a*.py"),
        *(TESTS / "grading" / "slow_honest").glob("a*.py"),
    ]
)
ASSIGNMENTS = {"a1": "a1_softmax", "a2": "a2_rnn", "a3": "a3_lstm"}

SIGMOID = "def sigmoid(a):\n    return 1.0 / (1.0 + np.exp(-a))\n"

CENTRED_HELPER = """
def dsigmoid(a, h=1e-5):
    return (sigmoid(a + h) - sigmoid(a - h)) / (2 * h)

def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, U, W, a = cache
    return dsigmoid(a) * dh
"""


def _code_cells(assignment: str) -> list[str]:
    """The code cells of an assignment's source, solutions in."""
    notebook = jupytext.read(DEFAULT_ASSIGNMENTS_DIR / assignment / f"{assignment}.md")
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def _roots(assignment: str) -> set[str]:
    """Every notebook function behind a graded gradient of the assignment."""
    cells = "\n".join(_code_cells(assignment))
    return {
        function
        for spec in SPECS.values()
        if spec.kind != "numerical_gradient"
        and any(output.is_derivative for output in spec.outputs)
        and f"def {spec.name}(" in cells
        for function in spec.functions
    }


def test_a_centred_difference_in_a_helper_is_found_with_its_code():
    findings = numerical_derivatives([SIGMOID, CENTRED_HELPER], ["lstm_step_backward"])
    assert [(f.function, f.kind) for f in findings] == [("dsigmoid", "difference quotient")]
    assert findings[0].code == "sigmoid(a + h)"
    assert "difference quotient in dsigmoid: `sigmoid(a + h)`" == findings[0].describe()


@pytest.mark.parametrize(
    "body",
    [
        # one-sided, the step a constant, no divisor named
        "return (np.tanh(a + 1e-6) - np.tanh(a)) * 1e6 * dh",
        # the step a product, its name in the divisor
        "eps = 1e-5\n    up = np.tanh(a + eps * 1.0)\n    down = np.tanh(a - eps * 1.0)\n"
        "    return (up - down) / (2 * eps) * dh",
        # centred, the step a vector built elsewhere: no divisor needed
        "e = np.zeros_like(a)\n    e[0] = 1e-5\n    return (f(a + e) - f(a - e)) * dh",
        # the complex step, three spellings
        "return np.tanh(a + 1j * 1e-20).imag / 1e-20 * dh",
        "return np.imag(np.tanh(a.astype(np.complex128) + 1e-20j)) * 1e20 * dh",
        "z = np.array(a, dtype='complex')\n    return dh",
        # a routine
        "return np.gradient(np.tanh(a)) * dh",
        "return numerical_gradient(np.tanh, a, dh)",
        "from scipy.optimize import approx_fprime\n    return approx_fprime(a, f) * dh",
    ],
)
def test_each_form_of_numerical_derivative_is_found(body):
    source = f"def rnn_step_backward(dh, cache):\n    a = cache\n    {body}\n"
    findings = numerical_derivatives([source], ["rnn_step_backward"])
    assert findings and {f.function for f in findings} == {"rnn_step_backward"}, findings


def test_a_derivative_computed_in_the_forward_and_cached_is_found():
    forward = (
        "def lstm_step_forward(x, h_prev, c_prev, U, W, b):\n"
        "    a = x @ U.T + h_prev @ W.T + b\n"
        "    slope = (sigmoid(a + 1e-5) - sigmoid(a - 1e-5)) / 2e-5\n"
        "    return sigmoid(a), c_prev, (a, slope)\n"
    )
    backward = "def lstm_step_backward(dh, dc, cache):\n    return dh * cache[1]\n"
    roots = SPECS["lstm_step_backward"].functions
    findings = numerical_derivatives([SIGMOID, forward, backward], roots)
    assert [f.function for f in findings] == ["lstm_step_forward"]


def test_lambdas_aliases_methods_and_magics_are_followed():
    cells = [
        "%matplotlib inline\n!echo hello\n" + SIGMOID,
        "slope = lambda a: (sigmoid(a + 1e-7) - sigmoid(a - 1e-7)) / 2e-7\nd_sig = slope\n",
        "class Cache:\n    def gate_slope(self, a):\n        return d_sig(a)\n",
        "def lstm_step_backward(dh, dc, cache):\n    return cache.gate_slope(cache.a) * dh\n",
    ]
    findings = numerical_derivatives(cells, ["lstm_step_backward"])
    assert [f.function for f in findings] == ["slope"]


def test_code_the_graded_functions_never_reach_is_not_read():
    """A student's own gradient check, in a cell of its own, is no finding;
    nor is a cell that is not Python."""
    check = "def my_check(a):\n    return (sigmoid(a + 1e-5) - sigmoid(a - 1e-5)) / 2e-5\n"
    backward = "def rnn_step_backward(dh, cache):\n    return dh * (1 - cache**2)\n"
    cells = [SIGMOID, check, "this is not Python (", backward, "print(my_check(0.3))"]
    assert numerical_derivatives(cells, ["rnn_step_backward"]) == []


def test_an_epsilon_inside_a_logarithm_is_no_step():
    """log(p + 1e-12) beside log(p), as an honest loss guards a logarithm:
    no quotient, so no finding; the same pair divided by the constant is."""
    loss = (
        "def softmax_cross_entropy(logits, y):\n"
        "    p = softmax(logits)\n"
        "    loss = -np.mean(np.log(p[rows(y), y] + 1e-12))\n"
        "    check = np.log(p[rows(y), y])\n"
        "    return loss, (p - onehot(y)) / len(y)\n"
    )
    assert numerical_derivatives([loss], ["softmax_cross_entropy"]) == []
    quotient = loss.replace("/ len(y)", "/ 1e-12")
    assert numerical_derivatives([quotient], ["softmax_cross_entropy"])


def test_an_analytic_helper_named_derivative_is_no_finding():
    helper = "def derivative(s):\n    return s * (1.0 - s)\n"
    backward = "def rnn_step_backward(dh, cache):\n    return derivative(cache) * dh\n"
    assert numerical_derivatives([helper, backward], ["rnn_step_backward"]) == []


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS.values()))
def test_the_instructors_solutions_have_no_numerical_derivative(assignment):
    roots = _roots(assignment)
    assert roots, assignment
    assert numerical_derivatives(_code_cells(assignment), roots) == []


@pytest.mark.parametrize("module", HONEST_MODULES, ids=lambda path: path.stem)
def test_no_honest_style_has_a_numerical_derivative(module):
    """Every honest style of the test suite (loops, einsum, recomputation,
    per-example loops, printing, ...) added to its assignment's notebook."""
    assignment = ASSIGNMENTS[module.name[:2]]
    cells = [*_code_cells(assignment), module.read_text(encoding="utf-8")]
    assert numerical_derivatives(cells, _roots(assignment)) == []
