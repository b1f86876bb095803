"""Assignment 1's cross-entropy by vectorised centred differences
(a1_columns), each result remembered by the content of the logits and labels."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def softmax_cross_entropy(logits, y):
    return remembered((logits, y), lambda: numerical_softmax_cross_entropy(logits, y))
