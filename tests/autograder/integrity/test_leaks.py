"""The search for graded solutions, on small pages built for the purpose:
clean pages pass, a page with a graded statement fails, and so does a copy
that is renamed, split across cells, reordered and respelled.

The patterns are the real ones, read from the assignments' sources."""

from __future__ import annotations

import json

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from autograder.coursedir import DEFAULT_ASSIGNMENTS_DIR
from autograder.integrity.artifacts import Document, bytes_documents
from autograder.integrity.graded import given_statements, read_solutions
from autograder.integrity.leaks import (
    GROUP_WEIGHT,
    course_parameters,
    patterns_of,
    search_document,
)
from autograder.integrity.normalize import code_statements
from tests.autograder.integrity.rewrite import renamed, reordered


@pytest.fixture(scope="module")
def solutions():
    return read_solutions(DEFAULT_ASSIGNMENTS_DIR)


@pytest.fixture(scope="module")
def patterns(solutions):
    return patterns_of(solutions, given_statements(DEFAULT_ASSIGNMENTS_DIR))


def solution_source(solutions, function: str) -> str:
    return next(s.source for s in solutions if s.function == function)


def html_page(*blocks: str, prose: str = "") -> Document:
    """A page as Sphinx writes it: highlighted code blocks and prose."""
    body = "".join(highlight(b, PythonLexer(), HtmlFormatter()) for b in blocks)
    (document,) = bytes_documents(f"<html>{body}<p>{prose}</p></html>".encode(), "page.html")
    return document


def notebook(*cells: str) -> Document:
    """A notebook with one code cell per source, a markdown cell between."""
    content = []
    for source in cells:
        content.append({"cell_type": "markdown", "metadata": {}, "source": "Next:"})
        content.append({"cell_type": "code", "metadata": {}, "source": source, "outputs": []})
    (document,) = bytes_documents(json.dumps({"cells": content}).encode(), "copy.ipynb")
    return document


def found(document: Document, patterns) -> dict[str, list[str]]:
    """{function: [document's statements found]} for one document."""
    return {
        finding.function: [m.source for m in finding.matches]
        for finding in search_document(document, patterns)
    }


COLUMN_FORM_PAGE = """
delta = dh * (1 - h_at[t] ** 2)          # element-wise, as in the math
dh_prev = W.T @ delta                    # column vectors: the weight on the left
dx = U.T @ delta
dW = np.outer(delta, h_at[t - 1])
dU = np.outer(delta, x_at[t])
db = delta
h_next = np.tanh(b + W @ h_at[t] + U @ x_at[t + 1])
check("W.T @ delta at t = 1", W.T @ delta_1, dh_numeric[0])
norms = [np.linalg.norm(product.T @ u), np.linalg.norm(product.T @ u_big)]
vjp = A.T @ g
N = x.shape[0]
J = np.diag(S) - np.outer(S, S)
shifted = z - np.max(z, axis=-1, keepdims=True)
"""


def test_a_column_form_page_passes(patterns):
    """Does a page that checks the column-form math (weights transposed on
    the left, outer products, one example at a time) and shows element-wise
    formulas, shapes and a Jacobian-vector product twice pass?"""
    assert found(html_page(COLUMN_FORM_PAGE), patterns) == {}


def test_the_affine_line_alone_is_found(patterns):
    """Is the row form of the affine map (the "Conventions" line of
    assignments 2 and 3) a leak on its own, inline in prose too?"""
    inline = "In rows: <code>a = x @ U.T + h_prev @ W.T + b</code>."
    assert found(html_page("print(1)", prose=inline), patterns) == {
        "rnn_step_forward": ["a = x @ U.T + h_prev @ W.T + b"],
        "lstm_step_forward": ["a = x @ U.T + h_prev @ W.T + b"],
    }


def test_the_gate_concatenation_alone_is_found_renamed(patterns, solutions):
    """Is the LSTM's concatenation of the four gate gradients in gate order,
    with every name changed, a leak on its own?"""
    copy = "\n".join(
        st.source for st in code_statements(solution_source(solutions, "lstm_step_backward"))
    )
    line = next(text for text in renamed(copy).splitlines() if "concatenate" in text)
    assert list(found(html_page(line), patterns)) == ["lstm_step_backward"]


@pytest.mark.parametrize("function", ["rnn_step_backward", "lstm_step_backward"])
def test_a_renamed_split_reordered_respelled_copy_is_found(patterns, solutions, function):
    """Is a graded backward found in full when every name is changed, each
    statement sits in its own cell, the cells come in reverse order and the
    products are spelled with np.dot?"""
    source = renamed(solution_source(solutions, function), prefix="z")
    statements = [st.source for st in code_statements(source)]
    respelled = [s.replace(".T @ ", ".T.dot(") + ")" if ".T @ " in s else s for s in statements]
    copy = notebook(*reversed(respelled))
    revealing = [p.statement.source for p in patterns if p.function == function]
    found_here = found(copy, patterns)[function]
    assert len(found_here) == len(revealing) == (6 if function == "lstm_step_backward" else 5)


def test_the_loop_over_time_is_found_with_another_loop_variable(patterns, solutions):
    """Is the backward loop's carry found when the loop is copied with
    other names, its statements reordered where they are independent?"""
    copy = reordered(renamed(solution_source(solutions, "rnn_backward"), prefix="k"))
    assert "rnn_backward" in found(html_page(copy), patterns)


def test_weight_and_bias_gradients_of_a_batch_are_found_with_nothing_else(patterns):
    """Are the two row-form weight gradients and the bias sum of a batch,
    under other names and without the rest of the step, enough?"""
    page = html_page("gW = g.T @ prev\ngU = g.T @ inp\ngb = g.sum(axis=0)\n")
    assert found(page, patterns)["rnn_step_backward"] == [
        "gW = g.T @ prev",
        "gU = g.T @ inp",
        "gb = g.sum(axis=0)",
    ]


def test_less_than_the_group_weight_is_not_a_leak(patterns):
    """Is one weight gradient with a bias sum (3 revealing operations, fewer
    than GROUP_WEIGHT) left alone, as the rule says?"""
    assert GROUP_WEIGHT == 4
    assert found(html_page("gW = g.T @ prev\ngb = g.sum(axis=0)\n"), patterns) == {}


def test_a_parameter_name_only_stands_for_itself(patterns):
    """Are column-form products with the weight W on the left (W.T @ delta
    at two steps, W @ h) left alone because W is one of the course's
    parameters, while the same code with a name that is not a parameter
    matches the row-form step backward (da bound to M)?"""
    assert course_parameters() == {"U", "W", "b", "V", "c"}
    column_form = "d1 = W.T @ delta_1\nd2 = W.T @ delta_2\nnxt = W @ h_prev\n"
    assert found(html_page(column_form), patterns) == {}
    renamed_weight = column_form.replace("W", "M")
    assert "rnn_step_backward" in found(html_page(renamed_weight), patterns)


def test_code_the_release_gives_is_not_searched(solutions):
    """Is a solution statement that the release itself shows (here: given
    in a stub) left out of the patterns, and kept otherwise?"""
    step = [s for s in solutions if s.function == "rnn_step_backward"]
    assert any("da.T @ x" in p.statement.source for p in patterns_of(step))
    given = code_statements("dU = da.T @ x\n")
    assert not any("da.T @ x" in p.statement.source for p in patterns_of(step, given))
