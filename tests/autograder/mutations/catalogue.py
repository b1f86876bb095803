"""The mutation catalogue: mistakes students really make, as edits of the
instructor's solutions, and what the grader must make of each.

A :class:`Mutant` edits one solution region (the code between ``### BEGIN
SOLUTION`` and ``### END SOLUTION`` of the cell that defines `function`) of
an assignment's source notebook, ``course/source/<id>/<id>.ipynb``. Its
`fails` says, for every grade cell the mistake reaches, which outputs must
fail; every other output of those cells, and every other grade cell of the
notebook, must keep full marks. A mistake in a function reaches the grade
cells of every function that calls it: a wrong ``rnn_step_backward`` also
fails ``rnn_backward`` and ``rnn_loss``, and a wrong forward pass can fail
the backward tests that run it.

`where` and `feedback` pin the feedback text for a few outputs: regular
expressions searched in the verdict's ``where`` sentence (the time step or
gate block the grader blames) and in the output's feedback lines.

Run ``python -m tests.autograder.mutations.catalogue`` to print the table
of the README's section "The mutation catalogue".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    """Replace `old`, which must occur exactly once in the region, by `new`."""

    old: str
    new: str


@dataclass(frozen=True)
class Mutant:
    """One student mistake and the verdict it must get.

    name: the mutant's name, also its student id: lower-case words joined by
        hyphens (the grader reads the id from "<name>_<assignment>.ipynb",
        so it cannot hold an underscore).
    assignment: the assignment id, e.g. "a2_rnn".
    function: the function whose solution region is edited.
    mistake: what the student did, in one sentence (shown in the README).
    edits: applied in order to that solution region.
    fails: {grade_id: names of the outputs that must fail}, in the order of
        the grade cells and of the outputs.
    where: {(grade_id, output): regular expression the verdict's `where`
        sentence must match}.
    feedback: {(grade_id, output): regular expression the output's lines of
        feedback must match}.
    """

    name: str
    assignment: str
    function: str
    mistake: str
    edits: tuple[Edit, ...]
    fails: Mapping[str, tuple[str, ...]]
    where: Mapping[tuple[str, str], str] = field(default_factory=dict)
    feedback: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def apply(self, region: str) -> str:
        """The solution region with the mistake made in it."""
        for edit in self.edits:
            found = region.count(edit.old)
            if found != 1:
                raise ValueError(
                    f"mutant {self.name}: the text to replace occurs {found} times in the "
                    f"solution of {self.function} (expected once): {edit.old!r}"
                )
            region = region.replace(edit.old, edit.new)
        return region


RNN_BACKWARD = ("dx", "dh0", "dU", "dW", "db")
RNN_LOSS = ("loss", "dh0", "dU", "dW", "db", "dV", "dc")
RNN_STEP_BACKWARD = ("dx", "dh_prev", "dU", "dW", "db")
LSTM_STEP_BACKWARD = ("dx", "dh_prev", "dc_prev", "dU", "dW", "db")
LSTM_BACKWARD = ("dx", "dh0", "dc0", "dU", "dW", "db")

CARRIED_FROM_NEXT_STEP = (
    r"^right at the last time step\(s\) after t = (\d); first wrong at t = \1 of 0\.\.\d, "
    r"going backwards: the gradient reaching step t is the sum of what comes from above "
    r"at step t and what is carried back from step t\+1$"
)
"""The `where` of a sequence gradient whose only mistake is in what step t+1
sends back: right at the last step T-1 (nothing comes in from later), wrong
from T-2 on."""

STATE_NOT_CARRIED = r"^right up to t = 0; first wrong at t = 1 \(of 0\.\.\d+\)$"
"""The `where` of a forward sequence that restarts every step from the
initial state: right at t = 0 only."""

RAISED_BROADCAST = r"raised ValueError: .*(broadcast|could not be broadcast)"
"""The feedback of a call that stopped on NumPy's shape error."""


def _block_where(wrong: str, right: str) -> str:
    return (
        rf"^wrong in gate block\(s\) {wrong} \(rows in the order i, f, g, o\); "
        rf"blocks {right} are right$"
    )


MUTANTS: tuple[Mutant, ...] = (
    # ------------------------------------------------------------------
    # Assignment 1: softmax and gradient checking
    Mutant(
        name="rel-error-elementwise",
        assignment="a1_softmax",
        function="rel_error",
        mistake="Divides entry by entry, `max(abs(a - b) / (abs(a) + abs(b)))`, instead of "
        "the largest difference by the largest magnitude.",
        edits=(
            Edit(
                "return diff / max(1e-8, float(np.max(np.abs(a) + np.abs(b))))",
                "return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
            ),
        ),
        fails={"test_rel_error": ("error",)},
    ),
    Mutant(
        name="rel-error-zero-over-zero",
        assignment="a1_softmax",
        function="rel_error",
        mistake="Drops the zero check and the 1e-8 floor, so two all-zero arrays divide "
        "zero by zero.",
        edits=(
            Edit(
                "    if diff == 0.0:\n        return 0.0\n"
                "    return diff / max(1e-8, float(np.max(np.abs(a) + np.abs(b))))",
                "    return diff / float(np.max(np.abs(a) + np.abs(b)))",
            ),
        ),
        fails={"test_rel_error": ("error",)},
        feedback={("test_rel_error", "error"): r"raised ZeroDivisionError"},
    ),
    Mutant(
        name="one-sided-difference",
        assignment="a1_softmax",
        function="numerical_gradient",
        mistake="Uses the one-sided difference `(f(x + h) - f(x)) / h` instead of the "
        "centred one.",
        edits=(
            Edit(
                "grad[k] = (plus - minus) / (2.0 * h)",
                "grad[k] = (plus - np.sum(np.asarray(f(x), dtype=np.float64) * weights)) / h",
            ),
        ),
        # Leaving x alone earns nothing while grad is wrong.
        fails={"test_numerical_gradient": ("grad", "x_after_call")},
        feedback={("test_numerical_gradient", "x_after_call"): r"not credited: grad is wrong"},
    ),
    Mutant(
        name="perturbs-x-in-place",
        assignment="a1_softmax",
        function="numerical_gradient",
        mistake="Perturbs the caller's x itself instead of a copy and never puts the entries "
        "back.",
        edits=(
            Edit(
                "point = np.array(x, dtype=np.float64, copy=True)  # the caller's x is never "
                "touched",
                "point = x",
            ),
            Edit("        point[k] = saved\n", ""),
        ),
        # The test functions couple the entries of x: an entry left perturbed
        # spoils every later estimate.
        fails={"test_numerical_gradient": ("grad", "x_after_call")},
        feedback={
            ("test_numerical_gradient", "x_after_call"): (
                r"numerical_gradient changed its input array x"
            )
        },
    ),
    Mutant(
        name="softmax-without-max-shift",
        assignment="a1_softmax",
        function="softmax",
        mistake="Exponentiates the logits without subtracting the row maximum, which "
        "overflows for large logits.",
        edits=(
            Edit(
                "shifted = z - np.max(z, axis=-1, keepdims=True)  # the shift cancels; "
                "no overflow",
                "shifted = z",
            ),
        ),
        # softmax_jacobian calls softmax; softmax_cross_entropy does not.
        fails={"test_softmax": ("S",), "test_softmax_jacobian": ("J",)},
        feedback={
            ("test_softmax", "S"): r"NaN or infinity[\s\S]*logits of size 1e4",
            ("test_softmax_jacobian", "J"): r"NaN or infinity[\s\S]*logits of size 1e4",
        },
    ),
    Mutant(
        name="softmax-shifted-by-largest-magnitude",
        assignment="a1_softmax",
        function="softmax",
        mistake="Subtracts `max(abs(z))` instead of the row maximum: right while some "
        "logit of the row is its largest in size, 0 / 0 for a row of large negative logits.",
        edits=(
            Edit(
                "shifted = z - np.max(z, axis=-1, keepdims=True)",
                "shifted = z - np.max(np.abs(z), axis=-1, keepdims=True)",
            ),
        ),
        # The matrix cases have rows of either sign; the Jacobian's one vector
        # of large logits near -1e4 is what catches it there.
        fails={"test_softmax": ("S",), "test_softmax_jacobian": ("J",)},
        feedback={
            ("test_softmax", "S"): r"NaN or infinity[\s\S]*logits of size 1e4",
            ("test_softmax_jacobian", "J"): r"NaN or infinity[\s\S]*logits near -1e4",
        },
    ),
    Mutant(
        name="jacobian-elementwise-square",
        assignment="a1_softmax",
        function="softmax_jacobian",
        mistake="Writes `s * s` (a vector, broadcast over the rows) where the outer product "
        "`np.outer(s, s)` belongs.",
        edits=(Edit("np.diag(s) - np.outer(s, s)", "np.diag(s) - s * s"),),
        fails={"test_softmax_jacobian": ("J",)},
    ),
    Mutant(
        name="cross-entropy-gradient-not-averaged",
        assignment="a1_softmax",
        function="softmax_cross_entropy",
        mistake="Averages the loss over the batch but forgets the 1/N in its gradient.",
        edits=(Edit("    dlogits /= n  # the loss is a mean over the batch\n", ""),),
        fails={"test_softmax_cross_entropy": ("dlogits",)},
    ),
    Mutant(
        name="cross-entropy-loss-summed",
        assignment="a1_softmax",
        function="softmax_cross_entropy",
        mistake="Sums the loss over the batch where it is a mean (the gradient is averaged).",
        edits=(
            Edit(
                "loss = float(-np.mean(log_probs[rows, y]))",
                "loss = float(-np.sum(log_probs[rows, y]))",
            ),
        ),
        fails={"test_softmax_cross_entropy": ("loss",)},
    ),
    Mutant(
        name="cross-entropy-log-of-softmax",
        assignment="a1_softmax",
        function="softmax_cross_entropy",
        mistake="Takes `np.log(softmax(logits))`, whose small probabilities underflow to 0 "
        "for large logits, instead of the shifted log-sum-exp.",
        edits=(
            Edit(
                "log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
                "log_probs = np.log(softmax(logits))",
            ),
        ),
        fails={"test_softmax_cross_entropy": ("loss",)},
        feedback={
            ("test_softmax_cross_entropy", "loss"): r"NaN or infinity[\s\S]*logits of size 1e4"
        },
    ),
    Mutant(
        name="cross-entropy-label-columns",
        assignment="a1_softmax",
        function="softmax_cross_entropy",
        mistake="Subtracts the one-hot label with `dlogits[:, y]`, hitting every row's "
        "label columns, instead of `dlogits[np.arange(N), y]`.",
        edits=(Edit("dlogits[rows, y] -= 1.0", "dlogits[:, y] -= 1.0"),),
        fails={"test_softmax_cross_entropy": ("dlogits",)},
    ),
    # ------------------------------------------------------------------
    # Assignment 2: RNN and back-propagation through time
    Mutant(
        name="tanh-grad-from-preactivation",
        assignment="a2_rnn",
        function="rnn_step_forward",
        mistake="Caches the pre-activation `a` where the backward expects `h`, so tanh' "
        "is taken as `1 - a**2` instead of `1 - tanh(a)**2`.",
        edits=(Edit("return h, (x, h_prev, U, W, h)", "return h, (x, h_prev, U, W, a)"),),
        # h is right, so the forward tests and dV, dc of rnn_loss still pass.
        fails={
            "test_rnn_step_backward": RNN_STEP_BACKWARD,
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": ("dh0", "dU", "dW", "db"),
        },
    ),
    Mutant(
        name="recurrent-weights-not-transposed",
        assignment="a2_rnn",
        function="rnn_step_forward",
        mistake="Writes `h_prev @ W` instead of `h_prev @ W.T` in the forward step (W is "
        "square, so nothing complains).",
        edits=(
            Edit(
                "a = x @ U.T + h_prev @ W.T + b  # (N, H), equation rnn-a",
                "a = x @ U.T + h_prev @ W + b  # (N, H)",
            ),
        ),
        # A wrong forward step: every test that runs it fails, everything else passes.
        fails={
            "test_rnn_step_forward": ("h",),
            "test_rnn_step_backward": RNN_STEP_BACKWARD,
            "test_rnn_forward": ("h",),
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": RNN_LOSS,
        },
    ),
    Mutant(
        name="dW-from-current-state",
        assignment="a2_rnn",
        function="rnn_step_backward",
        mistake="Uses h_t where h_{t-1} belongs in dW.",
        edits=(
            Edit(
                "dW = da.T @ h_prev  # (H, H): h_{t-1}, not h_t, multiplies W",
                "dW = da.T @ h  # (H, H)",
            ),
        ),
        fails={
            "test_rnn_step_backward": ("dW",),
            "test_rnn_backward": ("dW",),
            "test_rnn_loss": ("dW",),
        },
    ),
    Mutant(
        name="dW-transposed",
        assignment="a2_rnn",
        function="rnn_step_backward",
        mistake="Returns the transpose of the weight gradient, `h_prev.T @ da` instead of "
        "`da.T @ h_prev` (same shape, since W is square).",
        edits=(
            Edit(
                "dW = da.T @ h_prev  # (H, H): h_{t-1}, not h_t, multiplies W",
                "dW = h_prev.T @ da  # (H, H)",
            ),
        ),
        fails={
            "test_rnn_step_backward": ("dW",),
            "test_rnn_backward": ("dW",),
            "test_rnn_loss": ("dW",),
        },
    ),
    Mutant(
        name="db-averaged-over-batch",
        assignment="a2_rnn",
        function="rnn_step_backward",
        mistake="Averages the bias gradient over the batch where the loss sums over it.",
        edits=(
            Edit(
                "db = da.sum(axis=0)  # (H,): the bias is shared by the whole batch",
                "db = da.mean(axis=0)  # (H,)",
            ),
        ),
        fails={
            "test_rnn_step_backward": ("db",),
            "test_rnn_backward": ("db",),
            "test_rnn_loss": ("db",),
        },
    ),
    Mutant(
        name="db-not-summed",
        assignment="a2_rnn",
        function="rnn_step_backward",
        mistake="Returns one bias gradient per example, shape (N, H), without summing "
        "over the batch.",
        edits=(
            Edit(
                "db = da.sum(axis=0)  # (H,): the bias is shared by the whole batch",
                "db = da  # (N, H)",
            ),
        ),
        # rnn_backward's db += db_t then stops on a shape error: nothing it
        # returns is credited, in rnn_backward and in rnn_loss, which calls it.
        fails={
            "test_rnn_step_backward": ("db",),
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": RNN_LOSS,
        },
        feedback={
            ("test_rnn_step_backward", "db"): r"has shape \(\d+, \d+\), expected \(\d+,\)",
            ("test_rnn_backward", "dU"): RAISED_BROADCAST,
            ("test_rnn_loss", "loss"): RAISED_BROADCAST,
        },
    ),
    Mutant(
        name="rnn-no-gradient-from-next-step",
        assignment="a2_rnn",
        function="rnn_backward",
        mistake="Does not add the gradient from step t+1 to dh_t: each step gets only dh[:, t].",
        edits=(
            Edit(
                "rnn_step_backward(dh[:, t] + dh_next, cache[t])",
                "rnn_step_backward(dh[:, t], cache[t])",
            ),
        ),
        fails={
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": ("dh0", "dU", "dW", "db"),
        },
        where={("test_rnn_backward", "dx"): CARRIED_FROM_NEXT_STEP},
    ),
    Mutant(
        name="rnn-upstream-at-last-step-only",
        assignment="a2_rnn",
        function="rnn_backward",
        mistake="Adds the gradient from above, dh[:, t], only at the last step; earlier steps "
        "get only what step t+1 carries back.",
        edits=(
            Edit(
                "rnn_step_backward(dh[:, t] + dh_next, cache[t])",
                "rnn_step_backward((dh[:, t] if t == t_len - 1 else 0.0) + dh_next, cache[t])",
            ),
        ),
        fails={
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": ("dh0", "dU", "dW", "db"),
        },
        feedback={
            ("test_rnn_backward", "dx"): (
                r"adds the gradient from above, dh\[:, t\], only at the last step"
                r"(.|\n)*#equation-rnn-dh-recursion"
            ),
            ("test_rnn_loss", "dW"): r"only at the last step",
        },
    ),
    Mutant(
        name="rnn-backward-skips-t0",
        assignment="a2_rnn",
        function="rnn_backward",
        mistake="Stops the backward loop at t = 1 and skips t = 0.",
        edits=(Edit("for t in reversed(range(t_len)):", "for t in reversed(range(1, t_len)):"),),
        fails={
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": ("dh0", "dU", "dW", "db"),
        },
    ),
    Mutant(
        name="rnn-backward-skips-steps-without-upstream",
        assignment="a2_rnn",
        function="rnn_backward",
        mistake="Skips every step whose dh[:, t] is all zeros, as if nothing reached it, and "
        "so drops what step t+1 carries back there (a loss on the last step only).",
        edits=(
            Edit(
                "    for t in reversed(range(t_len)):\n",
                "    for t in reversed(range(t_len)):\n"
                "        if not np.any(dh[:, t]):\n"
                "            dx[:, t] = 0.0\n"
                "            continue\n",
            ),
        ),
        # rnn_loss's mask drops a whole step of every sequence: dh is zero there too.
        fails={
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": ("dh0", "dU", "dW", "db"),
        },
        feedback={("test_rnn_backward", "dx"): r"a loss on the last step only"},
    ),
    Mutant(
        name="rnn-forward-state-not-carried",
        assignment="a2_rnn",
        function="rnn_forward",
        mistake="Stores each step's output but feeds h0 to every step instead of the "
        "previous state.",
        edits=(
            Edit(
                "        h_prev, step_cache = rnn_step_forward(x[:, t], h_prev, U, W, b)\n"
                "        h[:, t] = h_prev\n",
                "        h[:, t], step_cache = rnn_step_forward(x[:, t], h_prev, U, W, b)\n",
            ),
        ),
        fails={
            "test_rnn_forward": ("h",),
            "test_rnn_backward": RNN_BACKWARD,
            "test_rnn_loss": RNN_LOSS,
        },
        where={("test_rnn_forward", "h"): STATE_NOT_CARRIED},
    ),
    Mutant(
        name="dV-last-step-only",
        assignment="a2_rnn",
        function="output_backward",
        mistake="Sums dV over the batch but not over time: only the last step's outer product.",
        edits=(
            Edit(
                "dV = flat_do.T @ flat_h  # (K, H), equation rnn-dV",
                "dV = do[:, -1].T @ h[:, -1]  # (K, H)",
            ),
        ),
        fails={"test_output_backward": ("dV",), "test_rnn_loss": ("dV",)},
    ),
    Mutant(
        name="dc-averaged",
        assignment="a2_rnn",
        function="output_backward",
        mistake="Averages the output-bias gradient over batch and time where the loss sums.",
        edits=(
            Edit(
                "dc = flat_do.sum(axis=0)  # (K,), equation rnn-dc",
                "dc = flat_do.mean(axis=0)  # (K,)",
            ),
        ),
        fails={"test_output_backward": ("dc",), "test_rnn_loss": ("dc",)},
    ),
    Mutant(
        name="temporal-loss-mask-ignored",
        assignment="a2_rnn",
        function="temporal_softmax_loss",
        mistake="Ignores the mask: padded steps add to the loss and get a gradient.",
        edits=(
            Edit(
                "keep = np.ones(y.shape) if mask is None else np.asarray(mask, "
                "dtype=np.float64)  # (N, T)",
                "keep = np.ones(y.shape)  # (N, T)",
            ),
        ),
        fails={"test_temporal_softmax_loss": ("loss", "do"), "test_rnn_loss": RNN_LOSS},
    ),
    Mutant(
        name="temporal-loss-mask-on-loss-only",
        assignment="a2_rnn",
        function="temporal_softmax_loss",
        mistake="Applies the mask to the loss but not to its gradient: dropped steps get one.",
        edits=(Edit("do *= keep[..., None] / n", "do /= n"),),
        fails={
            "test_temporal_softmax_loss": ("do",),
            "test_rnn_loss": ("dh0", "dU", "dW", "db", "dV", "dc"),
        },
        feedback={
            ("test_temporal_softmax_loss", "do"): r"wrong exactly on the steps it drops",
        },
    ),
    Mutant(
        name="temporal-loss-averaged-over-time",
        assignment="a2_rnn",
        function="temporal_softmax_loss",
        mistake="Averages the loss over time as well as over the batch, where it sums "
        "over time (the gradient follows the text).",
        edits=(
            Edit(
                "loss = float(-np.sum(picked * keep) / n)",
                "loss = float(-np.mean(picked * keep))",
            ),
        ),
        fails={"test_temporal_softmax_loss": ("loss",), "test_rnn_loss": ("loss",)},
    ),
    Mutant(
        name="rnn-loss-gradients-swapped",
        assignment="a2_rnn",
        function="rnn_loss",
        mistake="Returns dW where dU belongs and dU where dW belongs.",
        edits=(
            Edit(
                "return loss, dh0, dU, dW, db, dV, dc",
                "return loss, dh0, dW, dU, db, dV, dc",
            ),
        ),
        fails={"test_rnn_loss": ("dU", "dW")},
        feedback={("test_rnn_loss", "dU"): r"has shape \(\d+, \d+\), expected \(\d+, \d+\)"},
    ),
    # ------------------------------------------------------------------
    # Assignment 3: LSTM
    Mutant(
        name="lstm-hidden-without-tanh",
        assignment="a3_lstm",
        function="lstm_step_forward",
        mistake="Computes `h = o * c`, forgetting the tanh of the cell state (the cache "
        "still holds `tanh(c)`).",
        edits=(Edit("    h = o * tanh_c  # (N, H), equation lstm-h", "    h = o * c  # (N, H)"),),
        # The backward step reads only the cache, which is right: the step's
        # gradients pass. The sequence carries the wrong h into later steps.
        fails={
            "test_lstm_step_forward": ("h",),
            "test_lstm_forward": ("h",),
            "test_lstm_backward": LSTM_BACKWARD,
        },
    ),
    Mutant(
        name="lstm-step-drops-dc-when-dh-is-zero",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Returns zero gradients when dh is all zeros, although dc still reaches the "
        "cell state.",
        edits=(
            Edit(
                "dc_total = dc + dh * o * (1.0 - tanh_c**2)",
                "dc_total = (dc if np.any(dh) else 0.0 * dc) + dh * o * (1.0 - tanh_c**2)",
            ),
        ),
        fails={"test_lstm_step_backward": LSTM_STEP_BACKWARD},
        feedback={("test_lstm_step_backward", "dc_prev"): r"dh = 0: only dc reaches the step"},
    ),
    Mutant(
        name="lstm-sigmoid-grad-as-s",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Takes the sigmoid's derivative as s instead of s(1 - s) for the input gate.",
        edits=(Edit("            di * i * (1.0 - i),\n", "            di * i,\n"),),
        # dc_prev does not go through the gates' pre-activations.
        fails={
            "test_lstm_step_backward": ("dx", "dh_prev", "dU", "dW", "db"),
            "test_lstm_backward": LSTM_BACKWARD,
        },
        where={
            ("test_lstm_step_backward", "dU"): _block_where("i", "f, g, o"),
            ("test_lstm_step_backward", "db"): _block_where("i", "f, g, o"),
        },
    ),
    Mutant(
        name="lstm-candidate-sigmoid-grad",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Uses the sigmoid's derivative g(1 - g) for the candidate g, whose "
        "activation is tanh.",
        edits=(
            Edit(
                "dg * (1.0 - g**2),  # the candidate uses tanh, not the sigmoid",
                "dg * g * (1.0 - g),",
            ),
        ),
        fails={
            "test_lstm_step_backward": ("dx", "dh_prev", "dU", "dW", "db"),
            "test_lstm_backward": LSTM_BACKWARD,
        },
        where={("test_lstm_step_backward", "dW"): _block_where("g", "i, f, o")},
    ),
    Mutant(
        name="lstm-gate-order-ifog",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Stacks the pre-activation gradients in the order i, f, o, g while the "
        "forward slices i, f, g, o.",
        edits=(
            Edit(
                "            dg * (1.0 - g**2),  # the candidate uses tanh, not the sigmoid\n"
                "            do * o * (1.0 - o),\n",
                "            do * o * (1.0 - o),\n            dg * (1.0 - g**2),\n",
            ),
        ),
        fails={
            "test_lstm_step_backward": ("dx", "dh_prev", "dU", "dW", "db"),
            "test_lstm_backward": LSTM_BACKWARD,
        },
        where={
            ("test_lstm_step_backward", "dU"): _block_where("g, o", "i, f"),
            ("test_lstm_step_backward", "dW"): _block_where("g, o", "i, f"),
        },
    ),
    Mutant(
        name="lstm-cell-gradient-ignores-next-step",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Forms the total cell gradient from dh alone, dropping the dc that comes "
        "back from step t+1.",
        edits=(
            Edit(
                "dc_total = dc + dh * o * (1.0 - tanh_c**2)",
                "dc_total = dh * o * (1.0 - tanh_c**2)",
            ),
        ),
        fails={
            "test_lstm_step_backward": LSTM_STEP_BACKWARD,
            "test_lstm_backward": LSTM_BACKWARD,
        },
        where={
            # The output gate's gradient never reads the cell gradient.
            ("test_lstm_step_backward", "dU"): _block_where("i, f, g", "o"),
            ("test_lstm_backward", "dx"): CARRIED_FROM_NEXT_STEP,
        },
    ),
    Mutant(
        name="lstm-forget-gradient-with-c-t",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Takes the forget gate's gradient with the new cell state c_t where c_{t-1} "
        "belongs.",
        edits=(Edit("df = dc_total * c_prev", "df = dc_total * (f * c_prev + i * g)"),),
        fails={
            "test_lstm_step_backward": ("dx", "dh_prev", "dU", "dW", "db"),
            "test_lstm_backward": LSTM_BACKWARD,
        },
        where={("test_lstm_step_backward", "dU"): _block_where("f", "i, g, o")},
        feedback={
            ("test_lstm_step_backward", "dU"): (
                r"with c_t where c_\{t-1\} belongs(.|\n)*#equation-lstm-df(?![\w-])"
            ),
            ("test_lstm_backward", "dW"): r"#equation-lstm-df(?![\w-])",
        },
    ),
    Mutant(
        name="lstm-cell-gradient-without-tanh-path",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Forms the total cell gradient from the dc of step t+1 alone, dropping the "
        "path through h_t = o * tanh(c_t).",
        edits=(Edit("dc_total = dc + dh * o * (1.0 - tanh_c**2)", "dc_total = dc"),),
        fails={
            "test_lstm_step_backward": LSTM_STEP_BACKWARD,
            "test_lstm_backward": LSTM_BACKWARD,
        },
        feedback={
            ("test_lstm_step_backward", "dc_prev"): (
                r"without the path through h_t(.|\n)*#equation-lstm-dc(?![\w-])"
            ),
            ("test_lstm_backward", "dc0"): r"without the path through h_t",
        },
    ),
    Mutant(
        name="lstm-dh0-dc0-swapped",
        assignment="a3_lstm",
        function="lstm_backward",
        mistake="Returns dc0 where dh0 belongs and dh0 where dc0 belongs.",
        edits=(
            Edit(
                "return dx, dh_next, dc_next, dU, dW, db",
                "return dx, dc_next, dh_next, dU, dW, db",
            ),
        ),
        fails={"test_lstm_backward": ("dh0", "dc0")},
        feedback={
            ("test_lstm_backward", "dh0"): (
                r"dh0 equals the right dc0: are the values returned in the wrong order\?"
            ),
        },
    ),
    Mutant(
        name="lstm-dc-prev-without-forget-gate",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Passes the cell gradient back unchanged, dropping the forget gate from dc_prev.",
        edits=(
            Edit(
                "dc_prev = dc_total * f  # the cell-state path, equation lstm-dc-prev",
                "dc_prev = dc_total",
            ),
        ),
        fails={"test_lstm_step_backward": ("dc_prev",), "test_lstm_backward": LSTM_BACKWARD},
        where={("test_lstm_backward", "dx"): CARRIED_FROM_NEXT_STEP},
    ),
    Mutant(
        name="lstm-dh-prev-through-U",
        assignment="a3_lstm",
        function="lstm_step_backward",
        mistake="Multiplies by the input weights U instead of the recurrent weights W "
        "for dh_prev (shape (N, D), wrong whenever D differs from H).",
        edits=(Edit("dh_prev = da @ W  # (N, H)", "dh_prev = da @ U  # (N, H)"),),
        # lstm_backward then adds an (N, D) array to an (N, H) one and stops.
        fails={"test_lstm_step_backward": ("dh_prev",), "test_lstm_backward": LSTM_BACKWARD},
        feedback={
            ("test_lstm_step_backward", "dh_prev"): r"has shape \(\d+, \d+\), expected",
            ("test_lstm_backward", "dW"): RAISED_BROADCAST,
        },
    ),
    Mutant(
        name="lstm-no-gradient-from-next-step",
        assignment="a3_lstm",
        function="lstm_backward",
        mistake="Does not add the dh_prev of step t+1 to dh[:, t] (the cell gradient is "
        "still carried).",
        edits=(Edit("dh[:, t] + dh_next, dc_next, cache[t]", "dh[:, t], dc_next, cache[t]"),),
        fails={"test_lstm_backward": LSTM_BACKWARD},
        where={("test_lstm_backward", "dx"): CARRIED_FROM_NEXT_STEP},
    ),
    Mutant(
        name="lstm-cell-state-not-carried",
        assignment="a3_lstm",
        function="lstm_forward",
        mistake="Carries the hidden state forward but feeds c0 to every step instead of "
        "the previous cell state.",
        edits=(
            Edit(
                "h_prev, c_prev, step_cache = lstm_step_forward(",
                "h_prev, _, step_cache = lstm_step_forward(",
            ),
        ),
        fails={"test_lstm_forward": ("h",), "test_lstm_backward": LSTM_BACKWARD},
        where={("test_lstm_forward", "h"): STATE_NOT_CARRIED},
    ),
)

BY_NAME: dict[str, Mutant] = {mutant.name: mutant for mutant in MUTANTS}

ASSIGNMENTS: tuple[str, ...] = tuple(dict.fromkeys(mutant.assignment for mutant in MUTANTS))


def readme_table() -> str:
    """The catalogue as the Markdown table of the README's section."""
    rows = [
        "| mutant | assignment | mistake | tests that must fail (outputs) |",
        "| --- | --- | --- | --- |",
    ]
    for mutant in MUTANTS:
        failing = "; ".join(
            f"`{grade_id}`: {', '.join(outputs)}" for grade_id, outputs in mutant.fails.items()
        )
        rows.append(f"| `{mutant.name}` | {mutant.assignment} | {mutant.mistake} | {failing} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(readme_table())
