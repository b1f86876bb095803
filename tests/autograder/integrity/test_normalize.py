"""The normal form of code: what it makes equal, what it keeps apart, and
which statements count as giving a graded answer away."""

from __future__ import annotations

import pytest

from autograder.integrity.normalize import (
    code_statements,
    parse_code,
    render,
    revealing_features,
    statements_of,
)


def form(code: str):
    """The normal form of a one-statement snippet."""
    (statement,) = code_statements(code)
    return statement.form


def canonical(code: str) -> str:
    """The normal form of a one-statement snippet with its names numbered
    in order of appearance: what stays when names do not matter."""
    return render(form(code))


@pytest.mark.parametrize(
    ("written", "respelled"),
    [
        ("dU = da.T @ x", "dU = np.dot(da.T, x)"),
        ("dU = da.T @ x", "dU = numpy.matmul(da.T, x)"),
        ("dU = da.T @ x", "dU = da.T.dot(x)"),
        ("dU = da.T @ x", "dU = np.einsum('nh,nd->hd', da, x)"),
        ("dU = da.T @ x", "dU = (x.T @ da).T"),
        ("dU = da.T @ x", "dU = np.transpose(da) @ x"),
        ("dx = da @ U", "dx = np.einsum('nk,kd->nd', da, U)"),
        ("db = da.sum(axis=0)", "db = np.sum(da, 0)"),
        ("db = da.sum(axis=0)", "db = da.sum(0)"),
        ("a = x @ U.T + h_prev @ W.T + b", "a = b + (h_prev @ W.T) + x @ U.T"),
        ("a = x @ U.T + h_prev @ W.T + b", "a = x@U.T+h_prev@W.T+b  # the affine map"),
        ("d = p * q * r", "d = r * (q * p)"),
        ("d = a - b", "d = -b + a"),
        ("s = np.hstack([p, q])", "s = np.concatenate((p, q), axis=1)"),
        ("s = np.concatenate([p, q])", "s = np.concatenate([p, q], axis=0)"),
        ("y = x[:, None]", "y = x[:, np.newaxis]"),
        ("y = 2 * x", "y = 2.0 * x"),
    ],
)
def test_spellings_of_the_same_computation_have_one_normal_form(written: str, respelled: str):
    """Do respellings (NumPy aliases, einsum, transposes of products, order
    of terms and factors, spacing, comments) give the same normal form?"""
    assert canonical(written) == canonical(respelled)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("dU = da.T @ x", "dU = da @ x.T"),
        ("dU = da.T @ x", "dU = x @ da.T"),
        ("db = da.sum(axis=0)", "db = da.sum(axis=1)"),
        ("d = a - 2 * b", "d = 2 * a - b"),
        ("s = np.concatenate([p * q, p], axis=1)", "s = np.concatenate([p, p * q], axis=1)"),
        ("y = max(a, b)", "y = np.max(a, b)"),
    ],
)
def test_different_computations_keep_different_forms(one: str, other: str):
    """Are products in another order, another axis, another order of
    blocks, and the builtin max against NumPy's kept apart?"""
    assert canonical(one) != canonical(other)


def test_rendering_numbers_names_in_order_so_renamed_copies_render_alike():
    """Does render() give a renamed copy the same text as the original?"""
    assert (
        render(form("dW = da.T @ h_prev"))
        == render(form("grad_w = g.T @ prev"))
        == ("v0 = (v1.T @ v2)")
    )


def test_statements_are_flattened_with_their_loop_depth_and_without_docstrings():
    """Are the statements of a function body and of a loop listed one by
    one, with their loop depth, and are docstrings, imports and comments
    left out?"""
    code = '''
import numpy as np

def rnn_backward(dh, cache):
    """Docstring."""
    total = 0  # a comment
    for t in reversed(range(3)):
        total += t
    return total
'''
    statements = code_statements(code)
    assert [(st.source, st.loop_depth) for st in statements] == [
        ("total = 0", 0),
        ("for t in reversed(range(3)):", 0),
        ("total += t", 1),
        ("return total", 0),
    ]


def test_fragments_that_do_not_parse_as_a_whole_still_give_their_statements():
    """From a snippet with an IPython magic and a broken line, are the
    statements that parse recovered?"""
    snippet = (
        "%matplotlib inline\ndU = da.T @ x\nthen the bias: sum over rows\ndb = da.sum(axis=0)\n"
    )
    sources = [st.source for module in parse_code(snippet) for st in statements_of(module)]
    assert sources == ["dU = da.T @ x", "db = da.sum(axis=0)"]


@pytest.mark.parametrize(
    ("code", "features"),
    [
        ("dx = da @ U", {"matrix product": 1}),
        ("dW = da.T @ h_prev", {"matrix product": 1, "transpose": 1}),
        ("dW = np.einsum('nh,nd->hd', da, x)", {"matrix product": 1, "transpose": 1}),
        ("db = da.sum(axis=0)", {"sum over an axis": 1}),
        ("g = np.tanh(a[:, 2 * H : 3 * H])", {"gate slice": 1}),
        ("da = np.concatenate([di, df, dg, do], axis=1)", {"concatenation": 1}),
        ("a = x @ U.T + h_prev @ W.T + b", {"matrix product": 2, "transpose": 2}),
    ],
)
def test_batched_structure_is_revealing(code: str, features: dict):
    """Do matrix products, transposes, sums over an axis, gate-block slices
    and concatenations count, each as often as it occurs?"""
    (statement,) = code_statements(code)
    assert dict(revealing_features(statement)) == features


@pytest.mark.parametrize(
    "code",
    [
        "da = dh * (1 - h**2)",
        "do = dh * tanh_c",
        "dc_prev = dc_total * f",
        "N = x.shape[0]",
        "n, t_len, hidden = dh.shape",
        "x, h_prev, U, W, h = cache",
        "dW = np.zeros_like(W)",
        "dW += dW_t",
        "return dx, dh_prev, dU, dW, db",
        "loss = float(-np.sum(picked * keep) / n)",
        "shifted = z - np.max(z, axis=-1, keepdims=True)",
        "first = a[:, :3]",
        "x_t = x[:, t]",
    ],
)
def test_element_wise_and_trivial_statements_reveal_nothing(code: str):
    """Are element-wise formulas the book states in math, shapes, cache
    unpacking, allocation, accumulation, returns, a sum over everything, a
    shift by the maximum and slices with constant bounds left out?"""
    (statement,) = code_statements(code)
    assert revealing_features(statement) == {}


def test_the_carry_of_a_loop_over_time_is_revealing_only_inside_a_loop():
    """Is a call that feeds a loop's state back into itself (the backward
    loop's carry) revealing, and the same line outside a loop not?"""
    line = "dx[:, t], dh_next, dU_t = step_backward(dh[:, t] + dh_next, cache[t])"
    in_loop = code_statements(f"for t in reversed(range(T)):\n    {line}\n")[1]
    alone = code_statements(line)[0]
    accumulation = code_statements("for t in range(T):\n    dU = dU + dU_t\n")[1]
    assert dict(revealing_features(in_loop)) == {"loop carry": 1}
    assert revealing_features(alone) == {}
    assert revealing_features(accumulation) == {}
