"""Assignment 1's cross-entropy gradient by vectorised centred differences:
the column-by-column trick (rows are independent), every column at once
along an extra leading axis."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def softmax_cross_entropy(logits, y):
    return numerical_softmax_cross_entropy(logits, y)
