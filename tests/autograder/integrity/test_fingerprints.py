"""Fingerprints of solution code: what a disguise cannot change, what
winnowing guarantees, and what is never counted (the release, the
statements a signature forces)."""

from __future__ import annotations

import ast
import json

import pytest

from autograder.integrity.similarity import (
    K_GRAM,
    WINDOW,
    Token,
    function_tokens,
    release_prints,
    submission_of,
    winnow,
)
from tests.autograder.integrity.rewrite import (
    recommented,
    reformatted,
    renamed,
    reordered,
    respelled,
)

STEP_BACKWARD = '''
def rnn_step_backward(dh, cache):
    """Backward of one step."""
    x, h_prev, U, W, h = cache
    da = dh * (1.0 - h**2)  # tanh'
    dx = da @ U
    dh_prev = da @ W
    dU = da.T @ x
    dW = da.T @ h_prev
    db = da.sum(axis=0)
    return dx, dh_prev, dU, dW, db
'''

BACKWARD_LOOP = """
def rnn_backward(dh, cache):
    n, t_len, hidden = dh.shape
    dU = np.zeros_like(cache[0][2])
    dW = np.zeros_like(cache[0][3])
    dh_next = np.zeros((n, hidden))
    dc_next = np.zeros((n, hidden))
    for t in reversed(range(t_len)):
        _, dh_next, dU_t, dW_t = step(dh[:, t] + dh_next, dc_next, cache[t])
        dU += dU_t
        dW += dW_t
    return dh_next, dU, dW
"""


def texts(source: str) -> list[str]:
    function = ast.parse(source).body[0]
    return [token.text for token in function_tokens(function)]


@pytest.mark.parametrize(
    "disguise",
    [renamed, reordered, recommented, reformatted, respelled],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize("source", [STEP_BACKWARD, BACKWARD_LOOP], ids=["step", "loop"])
def test_a_disguise_leaves_the_tokens_as_they_were(source: str, disguise):
    """Do renaming, reordering independent statements, rewording comments,
    reformatting and respelling (@ as np.dot) leave the token sequence
    unchanged?"""
    assert disguise(source) != source
    assert texts(disguise(source)) == texts(source)


def test_reordering_dependent_statements_is_not_undone():
    """Is code whose statements depend on each other in another order
    (and so computes something else) told apart?"""
    one = "def f(x):\n    a = x\n    a = a * 2\n    b = a + 1\n    return b\n"
    other = "def f(x):\n    a = x\n    b = a + 1\n    a = a * 2\n    return b\n"
    assert texts(one) != texts(other)


def test_names_and_constants_become_placeholders():
    """Are names numbered by first use (arguments first) and constants one
    token, so that only the structure is left?"""
    assert texts("def f(a, b):\n    c = a * 2.5 + b\n    return c * c\n") == texts(
        "def g(p, q):\n    r = q + p * 7\n    return r * r\n"
    )


def test_statements_the_signature_forces_are_left_out():
    """Does returning names, and the stub's raise, give no token at all?"""
    assert texts("def f(dh, cache):\n    return dh, cache\n") == []
    assert texts("def f(dh, cache):\n    raise NotImplementedError()\n") == []


def tokens(words: list[str]) -> list[Token]:
    return [Token(word, line) for line, word in enumerate(words, 1)]


def test_winnowing_finds_every_shared_run_of_k_plus_w_minus_1_tokens(rng):
    """Do two sequences that share any run of K_GRAM + WINDOW - 1 tokens
    share a fingerprint, and sequences of different tokens none?"""
    run = K_GRAM + WINDOW - 1
    for _ in range(50):
        shared = [f"s{i}" for i in rng.integers(0, 9, run)]
        left = [f"a{i}" for i in rng.integers(0, 9, rng.integers(0, 30))]
        right = [f"b{i}" for i in rng.integers(0, 9, rng.integers(0, 30))]
        one = winnow(tokens(left + shared + [f"c{i}" for i in range(5)]))
        other = winnow(tokens([f"d{i}" for i in range(7)] + shared + right))
        assert set(one) & set(other)
        unrelated = winnow(tokens([f"z{i}" for i in rng.integers(0, 9, 40)]))
        assert not set(one) & set(unrelated)


def test_a_fingerprint_names_the_source_lines_it_covers():
    """Does each fingerprint carry the lines of the tokens it hashes?"""
    words = [f"w{i}" for i in range(40)]
    prints = winnow(tokens(words))
    assert prints
    for lines in prints.values():
        assert len(lines) == K_GRAM and max(lines) - min(lines) == K_GRAM - 1


def notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": []} for s in sources]
    return json.dumps({"cells": cells})


def test_what_the_release_gives_is_taken_out():
    """Has a submission that only repeats the release (stubs and given
    helpers) no fingerprint left, and one with a solution some?"""
    helper = "def sigmoid(a):\n    return 0.5 * (1.0 + np.tanh(0.5 * a))\n"
    stub = "def rnn_step_backward(dh, cache):\n    raise NotImplementedError()\n"
    release = notebook("import numpy as np", helper, stub)
    given = release_prints(release)
    assert given
    untouched = submission_of("a", release, ["rnn_step_backward"], given)
    assert untouched.fingerprints() == set()
    solved = submission_of("b", notebook(helper, STEP_BACKWARD), ["rnn_step_backward"], given)
    assert {label for label, _ in solved.fingerprints()} == {"rnn_step_backward"}
