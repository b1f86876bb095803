"""Assignment 1's cross-entropy by vectorised centred differences
(a1_columns), with a softmax that raises when the grader times it (and
only then): the baseline cannot be measured."""

# A piece of a notebook: the names it uses come from the submission's other
# modules and from the notebook itself (see cost_submissions.py).
# ruff: noqa: F821


def softmax(z):
    refuse_when_timed()
    return stable_softmax(z)


def softmax_cross_entropy(logits, y):
    return numerical_softmax_cross_entropy(logits, y)
