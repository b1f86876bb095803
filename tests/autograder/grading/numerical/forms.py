"""The catalogue of numerical-differentiation submissions.

Each form is a student whose forward values are right and whose gradients
are right too (relative error far below 1e-7, so the value check passes
them), but computed without back-propagation. Its notebook is the
instructor's with the functions of its modules in their solution cells
(tests/autograder/grading/cost_submissions.py): the engines (fd.py), the
assignment's forward passes, then the form's own functions.

`numerical` lists the timed functions whose gradients are not
back-propagated (the others are the instructor's). The forms of DEFEATS
do not fit under the multiple: they defeat the measurement itself (see
the README's section on the cost check and each module's docstring).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent

TIMED = {
    "a1_softmax": ("softmax_cross_entropy",),
    "a2_rnn": (
        "rnn_step_backward",
        "rnn_backward",
        "output_backward",
        "temporal_softmax_loss",
        "rnn_loss",
    ),
    "a3_lstm": ("lstm_step_backward", "lstm_backward"),
}
"""The functions each assignment times (those with a cost baseline)."""

BASES = {
    "a1_softmax": ("fd", "a1_loss"),
    "a2_rnn": ("fd", "a2_forwards", "a2_batched"),
    "a3_lstm": ("fd", "a3_forwards", "a3_batched"),
}
"""The modules every form of an assignment starts from."""

BATCHED = {"a1_softmax": "a1_columns", "a2_rnn": "a2_batched_fd", "a3_lstm": "a3_batched_fd"}
"""The vectorised finite differences, which the gaming forms wrap."""


@dataclass(frozen=True)
class Form:
    """One numerical-differentiation student.

    student: its id; assignment: e.g. "a2_rnn"; modules: its own modules
    (after the assignment's BASES); what: one line on what it does;
    numerical: the timed functions it differentiates numerically (default:
    all).
    """

    student: str
    assignment: str
    modules: tuple[str, ...]
    what: str
    numerical: tuple[str, ...] | None = None

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(FOLDER / f"{m}.py" for m in (*BASES[self.assignment], *self.modules))

    @property
    def differentiated(self) -> tuple[str, ...]:
        return self.numerical if self.numerical is not None else TIMED[self.assignment]


COMMON = (
    ("fdentry", "{p}_per_entry", "centred differences, one entry at a time"),
    ("fdbatched", "{batched}", "vectorised finite differences (an extra axis of copies)"),
    ("complexstep", "{p}_complex_step", "complex-step differentiation"),
    ("fdthreads", "{p}_threads", "vectorised FD in two threads"),
    ("fdworkers", "{p}_workers", "vectorised FD in worker processes forked by the forward"),
    ("memoised", "gaming {batched} {p}_memoised", "vectorised FD, remembered by input content"),
    ("skiptimed", "gaming {batched} {p}_skip_timed", "vectorised FD; zeros in timed calls"),
    ("failingbaseline", "gaming {batched} {p}_failing_baseline", "forward raises when timed"),
    ("overheadhook", "gaming {batched} {p}_overhead_hook", "hook inflating the empty cells"),
)
"""The forms every assignment has: (student, its modules, what it does)."""


def _forms(assignment: str, prefix: str) -> list[Form]:
    batched = BATCHED[assignment]
    return [
        Form(student, assignment, tuple(modules.format(p=prefix, batched=batched).split()), what)
        for student, modules, what in COMMON
    ]


FORMS: list[Form] = [
    *_forms("a1_softmax", "a1"),
    Form(
        "jacobianforward",
        "a1_softmax",
        ("a1_columns", "a1_jacobian_softmax"),
        "softmax computes the log-softmax Jacobian by FD; the loss reads it",
    ),
    *_forms("a2_rnn", "a2"),
    Form(
        "fdweights",
        "a2_rnn",
        ("a2_weights_only",),
        "dx, dh back-propagated; weight gradients by vectorised FD",
        numerical=("rnn_step_backward", "rnn_backward", "output_backward", "rnn_loss"),
    ),
    Form(
        "fdstructured",
        "a2_rnn",
        ("a2_batched_fd", "a2_structured"),
        "FD perturbing a whole column at once where outputs are independent",
        numerical=("rnn_step_backward", "output_backward", "temporal_softmax_loss"),
    ),
    Form(
        "jacobianforward",
        "a2_rnn",
        ("a2_batched_fd", "a2_jacobian_forward"),
        "forward passes compute their Jacobians by FD; backward = Jacobian product",
    ),
    *_forms("a3_lstm", "a3"),
    Form(
        "fdweights",
        "a3_lstm",
        ("a3_weights_only",),
        "gates and dx, dh, dc back-propagated; weight gradients by vectorised FD",
    ),
    Form(
        "jacobianforward",
        "a3_lstm",
        ("a3_jacobian_forward",),
        "forward passes compute their Jacobians by FD; backward = Jacobian product",
    ),
]
"""Every form of every assignment."""

DEFEATS = ("memoised", "skiptimed", "failingbaseline", "overheadhook", "jacobianforward")
"""The forms written against the measurement instead of fitting under the
multiple: results remembered between calls, zeros when called from the
grader's timing code, a forward pass that raises in the grader's baseline
calls, an IPython hook that makes the empty cells (the overhead subtracted
from every cell) costly, and finite differences moved into the forward
pass (the baseline), whose backward is then a cheap product. Each is
caught by a rule of its own (README: notebooks written against the
measurement): inputs of its own for every call, the values of timed calls
checked, a failing call credited nothing, the whole measurement bounded
against the solutions. benchmarks/backward_cost.py reports them apart
from the other forms."""
