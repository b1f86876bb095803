"""Known partial computations: what a derivation gives with one term missing.

Each :class:`Variant` computes, on the grader's side and from the hidden
inputs, the outputs a student gets who leaves out one named term of a
derivation (or uses a wrong one in its place). When a wrong output matches
one of them, the feedback names the term and links the equation that holds
it (see diagnosis.py). The variants use the reference's analytic backward
passes: they only explain a verdict, they never decide one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from autograder.course_checks.inputs import Case
from solutions import lstm, rnn, softmax

Inputs = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Variant:
    """outputs: the outputs the mistake changes; compute: (inputs, case) ->
    {output: value with the mistake}; hint: the sentence under the FAIL
    line; equation: (page, label) of the equation that holds the term."""

    outputs: tuple[str, ...]
    compute: Callable[[Inputs, Case], dict[str, np.ndarray]]
    hint: str
    equation: tuple[str, str] | None = None


def _named(names: tuple[str, ...], values) -> dict[str, np.ndarray]:
    return dict(zip(names, values, strict=True))


# -- Back-propagation through time in the RNN ------------------------------------

_RNN_BACKWARD = ("dx", "dh0", "dU", "dW", "db")


def _rnn_cache(i: Inputs):
    return rnn.rnn_forward(i["x"], i["h0"], i["U"], i["W"], i["b"])[1]


def _upstream_at_last_step_only(dh: np.ndarray) -> np.ndarray:
    kept = np.zeros_like(dh)
    kept[:, -1] = dh[:, -1]
    return kept


def _rnn_without_carry(dh: np.ndarray, cache) -> tuple:
    """BPTT whose step t gets only dh[:, t], nothing from step t+1."""
    steps = cache.steps
    results = [rnn.rnn_step_backward(dh[:, t], step) for t, step in enumerate(steps)]
    dx = np.stack([result[0] for result in results], axis=1)
    dh0 = results[0][1]
    weights = [sum(result[k] for result in results) for k in (2, 3, 4)]
    return dx, dh0, *weights


def _rnn_loss_parts(i: Inputs):
    """(rnn cache, dL/dh from the output layer) of the reference rnn_loss."""
    h, cache = rnn.rnn_forward(i["x"], i["h0"], i["U"], i["W"], i["b"])
    o, out_cache = rnn.output_forward(h, i["V"], i["c"])
    _, do = softmax.temporal_softmax_loss(o, i["y"], i.get("mask"))
    dh, _, _ = rnn.output_backward(do, out_cache)
    return cache, dh


_FROM_ABOVE = (
    "matches back-propagation through time that adds the gradient from above, dh[:, t], "
    "only at the last step: every step t adds dh[:, t] to what step t+1 carries back"
)
_NO_CARRY = (
    "matches back-propagation through time that gives step t only dh[:, t]: the gradient "
    "carried back from step t+1 (through W) is missing"
)
_RECURSION = ("rnn_bptt", "rnn-dh-recursion")


# -- The LSTM step ------------------------------------------------------------------


def _cell_state(step) -> np.ndarray:
    return step.f * step.c_prev + step.i * step.g


def _forget_with_c_t(step):
    """A step cache whose "previous cell state" is c_t: the forget gate's
    gradient dc_total * c_prev then uses c_t."""
    return replace(step, c_prev=_cell_state(step))


def _step_without_tanh_path(dh, dc, step):
    """The step backward whose total cell gradient is only the dc from step
    t+1, without the path through h_t = o * tanh(c_t). The step backward is
    linear in (dh, dc), so that path is taken out by subtracting it."""
    through_h = dh * step.o * (1.0 - step.tanh_c**2)
    full = lstm.lstm_step_backward(dh, dc, step)
    path = lstm.lstm_step_backward(np.zeros_like(dh), through_h, step)
    return tuple(a - b for a, b in zip(full, path, strict=True))


def _lstm_bptt(dh: np.ndarray, cache, step_backward) -> tuple:
    """lstm_backward with another step backward in every step."""
    n, hidden = cache.steps[0].tanh_c.shape
    dx, total = [], None
    dh_next, dc_next = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in reversed(range(len(cache.steps))):
        dx_t, dh_next, dc_next, *grads = step_backward(dh[:, t] + dh_next, dc_next, cache.steps[t])
        dx.insert(0, dx_t)
        total = grads if total is None else [a + g for a, g in zip(total, grads, strict=True)]
    return np.stack(dx, axis=1), dh_next, dc_next, *total


def _lstm_step_cache(i: Inputs):
    return lstm.lstm_step_forward(i["x"], i["h_prev"], i["c_prev"], i["U"], i["W"], i["b"])[2]


def _lstm_cache(i: Inputs):
    return lstm.lstm_forward(i["x"], i["h0"], i["c0"], i["U"], i["W"], i["b"])[1]


_LSTM_STEP = ("dx", "dh_prev", "dc_prev", "dU", "dW", "db")
_LSTM_SEQUENCE = ("dx", "dh0", "dc0", "dU", "dW", "db")
_FORGET_WITH_C_T = (
    "matches a forget-gate gradient taken with c_t where c_{t-1} belongs: "
    "dL/df_t = dL/dc_t * c_{t-1}"
)
_NO_TANH_PATH = (
    "matches a total cell-state gradient without the path through h_t: "
    "dL/dc_t = dL/dh_t * o_t * (1 - tanh(c_t)^2) + what step t+1 sends back"
)


def _blocks_g_and_o_swapped(i: Inputs) -> dict[str, np.ndarray]:
    """U, W and b with the row blocks of g and o exchanged: the reference run
    on them reads its gates in the order i, f, o, g (CS231n's order), as a
    student who stacks them that way does."""
    swapped = dict(i)
    for name in ("U", "W", "b"):
        i_rows, f_rows, g_rows, o_rows = np.split(i[name], 4, axis=0)
        swapped[name] = np.concatenate([i_rows, f_rows, o_rows, g_rows], axis=0)
    return swapped


_GATE_ORDER = (
    "matches gates read in the order i, f, o, g (the order of some other courses): this "
    "course stacks the rows of U, W and b as i, f, g, o, the candidate g third"
)


def _lstm_step_forward_swapped(i: Inputs, case: Case) -> dict[str, np.ndarray]:
    s = _blocks_g_and_o_swapped(i)
    h, c, _ = lstm.lstm_step_forward(s["x"], s["h_prev"], s["c_prev"], s["U"], s["W"], s["b"])
    return {"h": h, "c": c}


def _lstm_forward_swapped(i: Inputs, case: Case) -> dict[str, np.ndarray]:
    s = _blocks_g_and_o_swapped(i)
    return {"h": lstm.lstm_forward(s["x"], s["h0"], s["c0"], s["U"], s["W"], s["b"])[0]}


VARIANTS: dict[str, tuple[Variant, ...]] = {
    "lstm_step_forward": (
        Variant(("h", "c"), _lstm_step_forward_swapped, _GATE_ORDER, ("lstm", "lstm-a")),
    ),
    "lstm_forward": (Variant(("h",), _lstm_forward_swapped, _GATE_ORDER, ("lstm", "lstm-a")),),
    "rnn_backward": (
        Variant(
            _RNN_BACKWARD,
            lambda i, case: _named(
                _RNN_BACKWARD,
                rnn.rnn_backward(_upstream_at_last_step_only(i["dh"]), _rnn_cache(i)),
            ),
            _FROM_ABOVE,
            _RECURSION,
        ),
        Variant(
            _RNN_BACKWARD,
            lambda i, case: _named(_RNN_BACKWARD, _rnn_without_carry(i["dh"], _rnn_cache(i))),
            _NO_CARRY,
            _RECURSION,
        ),
    ),
    "rnn_loss": (
        Variant(
            ("dh0", "dU", "dW", "db"),
            lambda i, case: _named(
                _RNN_BACKWARD,
                (lambda cache, dh: rnn.rnn_backward(_upstream_at_last_step_only(dh), cache))(
                    *_rnn_loss_parts(i)
                ),
            ),
            _FROM_ABOVE,
            _RECURSION,
        ),
        Variant(
            ("dh0", "dU", "dW", "db"),
            lambda i, case: _named(
                _RNN_BACKWARD, _rnn_without_carry(*reversed(_rnn_loss_parts(i)))
            ),
            _NO_CARRY,
            _RECURSION,
        ),
    ),
    "lstm_step_backward": (
        Variant(
            ("dU", "dW", "db", "dx", "dh_prev"),
            lambda i, case: _named(
                _LSTM_STEP,
                lstm.lstm_step_backward(i["dh"], i["dc"], _forget_with_c_t(_lstm_step_cache(i))),
            ),
            _FORGET_WITH_C_T,
            ("lstm", "lstm-df"),
        ),
        Variant(
            _LSTM_STEP,
            lambda i, case: _named(
                _LSTM_STEP, _step_without_tanh_path(i["dh"], i["dc"], _lstm_step_cache(i))
            ),
            _NO_TANH_PATH,
            ("lstm", "lstm-dc"),
        ),
    ),
    "lstm_backward": (
        Variant(
            _LSTM_SEQUENCE,
            lambda i, case: _named(
                _LSTM_SEQUENCE,
                _lstm_bptt(
                    i["dh"],
                    _lstm_cache(i),
                    lambda dh, dc, step: lstm.lstm_step_backward(dh, dc, _forget_with_c_t(step)),
                ),
            ),
            _FORGET_WITH_C_T,
            ("lstm", "lstm-df"),
        ),
        Variant(
            _LSTM_SEQUENCE,
            lambda i, case: _named(
                _LSTM_SEQUENCE, _lstm_bptt(i["dh"], _lstm_cache(i), _step_without_tanh_path)
            ),
            _NO_TANH_PATH,
            ("lstm", "lstm-dc"),
        ),
    ),
}
