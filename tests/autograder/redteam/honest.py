"""Ten honest students: the instructor's solutions, the untouched release, and
typical mistakes, each with the score it must earn.

They are graded twice, alone (a clean batch) and among the hostile
submissions, and must score the same both times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.autograder.redteam.notebooks import FULL_MARKS, POINTS, insert_cell, replace_solution

FLOAT32_SOFTMAX = '''def softmax(z):
    """Computed in float32 "to save memory": the values are right, the dtype
    is not (and the Jacobian inherits it)."""
    z = np.asarray(z, dtype=np.float32)
    exp = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return exp / np.sum(exp, axis=-1, keepdims=True)
'''

ONE_SIDED_DIFFERENCE = '''def numerical_gradient(f, x, df=None, h=1e-5):
    """Forward differences: an error of order h, far above the tolerance."""
    point = np.array(x, dtype=np.float64, copy=True)
    weights = 1.0 if df is None else np.asarray(df, dtype=np.float64)
    base = np.sum(np.asarray(f(point.copy()), dtype=np.float64) * weights)
    grad = np.zeros_like(point)
    for k in np.ndindex(point.shape):
        saved = point[k]
        point[k] = saved + h
        grad[k] = (np.sum(np.asarray(f(point.copy()), dtype=np.float64) * weights) - base) / h
        point[k] = saved
    return grad
'''

GRADIENT_WRITTEN_INTO_X = '''def numerical_gradient(f, x, df=None, h=1e-5):
    """Right centred differences, but written into the caller's x."""
    point = np.array(x, dtype=np.float64, copy=True)
    weights = 1.0 if df is None else np.asarray(df, dtype=np.float64)
    grad = x  # the mistake: the result overwrites the input array
    for k in np.ndindex(point.shape):
        saved = point[k]
        point[k] = saved + h
        plus = np.sum(np.asarray(f(point.copy()), dtype=np.float64) * weights)
        point[k] = saved - h
        minus = np.sum(np.asarray(f(point.copy()), dtype=np.float64) * weights)
        point[k] = saved
        grad[k] = (plus - minus) / (2.0 * h)
    return grad
'''

SUMMED_LOSS = '''def softmax_cross_entropy(logits, y):
    """The loss summed instead of averaged; the gradient is right."""
    n = logits.shape[0]
    rows = np.arange(n)
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = float(-np.sum(log_probs[rows, y]))
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n
'''

FLIPPED_JACOBIAN = '''def softmax_jacobian(z):
    """S S^T - diag(S): the sign is flipped."""
    s = softmax(z)
    return np.outer(s, s) - np.diag(s)
'''

NO_FLOOR_REL_ERROR = '''def rel_error(a, b):
    """No floor on the denominator: 0/0 for two zero arrays."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max(np.abs(a - b)) / np.max(np.abs(a) + np.abs(b)))
'''

SOFTMAX_OVER_FIRST_AXIS = '''def softmax(z):
    """Normalised over axis 0 instead of the last axis."""
    shifted = z - np.max(z, axis=0, keepdims=True)
    exp = np.exp(shifted)
    return exp / np.sum(exp, axis=0, keepdims=True)
'''

EXTRA_WORK = """import matplotlib.pyplot as plt
values = np.linspace(-3, 3, 50)
plt.plot(values, np.tanh(values))
plt.title("my own experiment")
print("a student who plots and prints along the way")
"""


@dataclass(frozen=True)
class HonestStudent:
    """One honest submission: `build(source, release)` gives the notebook."""

    student: str
    work: str
    build: Callable
    score: float


def _fix(function: str, code: str) -> Callable:
    return lambda source, release: replace_solution(source, function, code)


HONEST_STUDENTS = (
    HonestStudent("honest01", "the instructor's solutions", lambda s, r: s, FULL_MARKS),
    HonestStudent("honest02", "the untouched release (nothing done)", lambda s, r: r, 0.0),
    HonestStudent(
        "honest03",
        "softmax in float32 (the Jacobian, built from it, too)",
        _fix("softmax", FLOAT32_SOFTMAX),
        FULL_MARKS - POINTS["softmax"] - POINTS["softmax_jacobian"],
    ),
    HonestStudent(
        "honest04",
        "one-sided differences (grad wrong, x-unchanged not credited)",
        _fix("numerical_gradient", ONE_SIDED_DIFFERENCE),
        FULL_MARKS - POINTS["numerical_gradient"],
    ),
    HonestStudent(
        "honest05",
        "right gradient written into the caller's x",
        _fix("numerical_gradient", GRADIENT_WRITTEN_INTO_X),
        FULL_MARKS - 1.0,
    ),
    HonestStudent(
        "honest06",
        "cross-entropy loss summed instead of averaged",
        _fix("softmax_cross_entropy", SUMMED_LOSS),
        FULL_MARKS - 1.0,
    ),
    HonestStudent(
        "honest07",
        "softmax Jacobian with the sign flipped",
        _fix("softmax_jacobian", FLIPPED_JACOBIAN),
        FULL_MARKS - POINTS["softmax_jacobian"],
    ),
    HonestStudent(
        "honest08",
        "rel_error without the 1e-8 floor (0/0 on zero arrays)",
        _fix("rel_error", NO_FLOOR_REL_ERROR),
        FULL_MARKS - POINTS["rel_error"],
    ),
    HonestStudent(
        "honest09",
        "softmax over the first axis",
        _fix("softmax", SOFTMAX_OVER_FIRST_AXIS),
        FULL_MARKS - POINTS["softmax"],
    ),
    HonestStudent(
        "honest10",
        "the solutions plus a plot and prints of their own",
        lambda s, r: insert_cell(s, -1, EXTRA_WORK),
        FULL_MARKS,
    ),
)
