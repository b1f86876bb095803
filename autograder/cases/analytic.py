"""The solutions' functions under the names the notebooks use.

The hidden tests' references never use an analytic backward pass (see
autograder/cases/references.py): their gradients come from centred
differences, so a mistake shared by a student and the solutions cannot
pass. Two things need the analytic functions all the same, both for the
cost check (autograder/grading/cost.py) on its larger timing input, where
centred differences would take minutes: what back-propagation costs there,
and the values every timed call must return. The solutions' backward
passes are themselves checked against centred differences
(tests/solutions/).
"""

from __future__ import annotations

from collections.abc import Callable

from solutions import gradcheck, lstm, rnn, softmax

ANALYTIC_FUNCTIONS: dict[str, Callable] = {
    **{
        name: getattr(rnn, name)
        for name in (
            "rnn_step_forward",
            "rnn_step_backward",
            "rnn_forward",
            "rnn_backward",
            "output_forward",
            "output_backward",
            "rnn_loss",
        )
    },
    **{
        name: getattr(lstm, name)
        for name in ("lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward")
    },
    **{
        name: getattr(softmax, name)
        for name in (
            "softmax",
            "softmax_jacobian",
            "softmax_cross_entropy",
            "temporal_softmax_loss",
        )
    },
    "rel_error": gradcheck.rel_error,
    "numerical_gradient": gradcheck.numerical_gradient,
}
"""{name in the notebooks: the solutions' function}, for every graded function."""
