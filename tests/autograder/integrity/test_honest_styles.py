"""The honest students of the similarity tests really are right, and so are
the planted copies (a disguise keeps what the code computes): every
function agrees with the reference solutions on inputs of odd sizes, the
size-1 case and, for the loss, logits of size 1e4."""

from __future__ import annotations

import numpy as np
import pytest

from solutions import lstm, rnn, softmax
from tests.autograder.integrity.students import (
    PLANTS,
    STYLES,
    Student,
    honest_students,
    planted_students,
)

SIZES = ({"N": 3, "T": 4, "D": 2, "H": 5, "K": 6}, {"N": 1, "T": 1, "D": 3, "H": 1, "K": 2})


def functions_of(student: Student) -> dict:
    namespace: dict = {"np": np}
    exec(compile(student.source, student.name, "exec"), namespace)
    return namespace


def close(actual, expected, what: str) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12, err_msg=what)


def close_all(actual: tuple, expected: tuple, what: str) -> None:
    """Every returned value of a function against the reference's."""
    for mine, theirs in zip(actual, expected, strict=True):
        close(mine, theirs, what)


def check_a2_rnn(f: dict, rng: np.random.Generator, n, t, d, h, k) -> None:
    x, x_seq = rng.standard_normal((n, d)), rng.standard_normal((n, t, d))
    h0, U, W, b = (rng.standard_normal(s) for s in ((n, h), (h, d), (h, h), (h,)))
    V, c = 0.5 * rng.standard_normal((k, h)), rng.standard_normal(k)
    y, mask = rng.integers(0, k, (n, t)), rng.random((n, t)) < 0.7
    dh, dh_seq = rng.standard_normal((n, h)), rng.standard_normal((n, t, h))

    out, cache = f["rnn_step_forward"](x, h0, U, W, b)
    ref, ref_cache = rnn.rnn_step_forward(x, h0, U, W, b)
    close(out, ref, "rnn_step_forward")
    close_all(
        f["rnn_step_backward"](dh, cache),
        rnn.rnn_step_backward(dh, ref_cache),
        "rnn_step_backward",
    )
    out, cache = f["rnn_forward"](x_seq, h0, U, W, b)
    ref, ref_cache = rnn.rnn_forward(x_seq, h0, U, W, b)
    close(out, ref, "rnn_forward")
    close_all(
        f["rnn_backward"](dh_seq, cache), rnn.rnn_backward(dh_seq, ref_cache), "rnn_backward"
    )
    out, cache = f["output_forward"](ref, V, c)
    o, ref_cache = rnn.output_forward(ref, V, c)
    close(out, o, "output_forward")
    do = rng.standard_normal(o.shape)
    close_all(
        f["output_backward"](do, cache), rnn.output_backward(do, ref_cache), "output_backward"
    )
    for logits, m in ((o, mask), (o, None), (1e4 * o, mask)):
        close_all(
            f["temporal_softmax_loss"](logits, y, m),
            softmax.temporal_softmax_loss(logits, y, m),
            "temporal_softmax_loss",
        )
    close_all(
        f["rnn_loss"](x_seq, y, h0, U, W, b, V, c, mask),
        rnn.rnn_loss(x_seq, y, h0, U, W, b, V, c, mask),
        "rnn_loss",
    )


def check_a3_lstm(f: dict, rng: np.random.Generator, n, t, d, h, k) -> None:
    x, x_seq = rng.standard_normal((n, d)), rng.standard_normal((n, t, d))
    h0, c0 = rng.standard_normal((n, h)), rng.standard_normal((n, h))
    U, W = 0.5 * rng.standard_normal((4 * h, d)), 0.5 * rng.standard_normal((4 * h, h))
    b = rng.standard_normal(4 * h)
    dh, dc, dh_seq = (rng.standard_normal(s) for s in ((n, h), (n, h), (n, t, h)))

    *out, cache = f["lstm_step_forward"](x, h0, c0, U, W, b)
    *ref, ref_cache = lstm.lstm_step_forward(x, h0, c0, U, W, b)
    close(out, ref, "lstm_step_forward")
    close_all(
        f["lstm_step_backward"](dh, dc, cache),
        lstm.lstm_step_backward(dh, dc, ref_cache),
        "lstm_step_backward",
    )
    out, cache = f["lstm_forward"](x_seq, h0, c0, U, W, b)
    ref, ref_cache = lstm.lstm_forward(x_seq, h0, c0, U, W, b)
    close(out, ref, "lstm_forward")
    close_all(
        f["lstm_backward"](dh_seq, cache), lstm.lstm_backward(dh_seq, ref_cache), "lstm_backward"
    )


CHECKS = {"a2_rnn": check_a2_rnn, "a3_lstm": check_a3_lstm}


@pytest.mark.slow  # seconds, not milliseconds: kept out of make test-fast
@pytest.mark.parametrize("assignment", sorted(STYLES))
def test_every_honest_style_and_every_planted_copy_is_right(
    assignment: str, released_course, rng: np.random.Generator
):
    """Does each honest student's code, and each disguised copy of it,
    return what the reference solutions return, for every graded function?"""
    source = released_course / "source" / assignment / f"{assignment}.ipynb"
    honest = honest_students(assignment, source)
    everyone = honest + planted_students(honest, assignment)
    assert len(everyone) == len(STYLES[assignment]) + 1 + len(PLANTS)
    for student in everyone:
        namespace = functions_of(student)
        namespace.setdefault("sigmoid", lambda a: 0.5 * (1.0 + np.tanh(0.5 * a)))
        for sizes in SIZES:
            CHECKS[assignment](namespace, rng, *sizes.values())
