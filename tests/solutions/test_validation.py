"""Bad input to every public function of :mod:`solutions` raises ValueError
with a message that names the function, the argument and the shapes.

Sizes of the valid calls: N = 2, T = 3, D = 3, H = 4 (so D != H and a
transposed weight is caught), K = 5.
"""

from __future__ import annotations

import numpy as np
import pytest

from solutions.lstm import (
    lstm_backward,
    lstm_forward,
    lstm_gate_gradients,
    lstm_step_backward,
    lstm_step_forward,
    split_gates,
)
from solutions.rnn import (
    output_backward,
    output_forward,
    rnn_backward,
    rnn_forward,
    rnn_loss,
    rnn_step_backward,
    rnn_step_forward,
)
from solutions.softmax import (
    softmax,
    softmax_cross_entropy,
    softmax_jacobian,
    temporal_softmax_loss,
)
from solutions.univariate_lstm import (
    WEIGHT_NAMES,
    univariate_lstm_backward,
    univariate_lstm_forward,
)

N, T, D, H, K = 2, 3, 3, 4, 5


def zeros(*dims: int) -> np.ndarray:
    return np.zeros(dims)


def with_nan(*dims: int) -> np.ndarray:
    array = np.zeros(dims)
    array.flat[-1] = np.nan
    return array


def with_inf(*dims: int) -> np.ndarray:
    array = np.zeros(dims)
    array.flat[0] = -np.inf
    return array


def labels(*dims: int, value: int = 0) -> np.ndarray:
    return np.full(dims, value, dtype=np.int64)


def rnn_step_args():
    return dict(x=zeros(N, D), h_prev=zeros(N, H), U=zeros(H, D), W=zeros(H, H), b=zeros(H))


def rnn_args():
    return dict(x=zeros(N, T, D), h0=zeros(N, H), U=zeros(H, D), W=zeros(H, H), b=zeros(H))


def output_args():
    return dict(h=zeros(N, T, H), V=zeros(K, H), c=zeros(K))


def rnn_model_args():
    return dict(
        x=zeros(N, T, D), y=labels(N, T), h0=zeros(N, H),
        U=zeros(H, D), W=zeros(H, H), b=zeros(H), V=zeros(K, H), c=zeros(K),
    )  # fmt: skip


def lstm_step_args():
    return dict(
        x=zeros(N, D), h_prev=zeros(N, H), c_prev=zeros(N, H),
        U=zeros(4 * H, D), W=zeros(4 * H, H), b=zeros(4 * H),
    )  # fmt: skip


def lstm_args():
    return dict(
        x=zeros(N, T, D), h0=zeros(N, H), c0=zeros(N, H),
        U=zeros(4 * H, D), W=zeros(4 * H, H), b=zeros(4 * H),
    )  # fmt: skip


def univariate_args():
    return dict(x=zeros(T), weights=dict.fromkeys(WEIGHT_NAMES, 0.1), h0=0.0, c0=0.0)


def call(func, make_args, **changes):
    """A call of func with valid arguments except for `changes`."""
    return lambda: func(**{**make_args(), **changes})


def rnn_step_cache():
    return rnn_step_forward(**rnn_step_args())[1]


def rnn_cache():
    return rnn_forward(**rnn_args())[1]


def output_cache(with_time: bool = True):
    args = output_args() if with_time else dict(h=zeros(N, H), V=zeros(K, H), c=zeros(K))
    return output_forward(**args)[1]


def lstm_step_cache():
    return lstm_step_forward(**lstm_step_args())[2]


def lstm_cache():
    return lstm_forward(**lstm_args())[1]


def univariate_cache():
    return univariate_lstm_forward(**univariate_args())[1]


CASES = [
    # softmax
    pytest.param(lambda: softmax(2.0), r"softmax: z must have at least 1 dimension",
                 id="softmax-scalar"),
    pytest.param(lambda: softmax(zeros(2, 0)), r"softmax: z must have K >= 1 .* K = 0",
                 id="softmax-no-classes"),
    pytest.param(lambda: softmax(with_nan(2, 3)),
                 r"softmax: z must be finite, got 1 NaN .* shape \(2, 3\)", id="softmax-nan"),
    pytest.param(lambda: softmax(["a", "b"]), r"softmax: z must be an array of real numbers",
                 id="softmax-strings"),
    # softmax_jacobian
    pytest.param(lambda: softmax_jacobian(zeros(2, 2)),
                 r"softmax_jacobian: z must have 1 dimension\(s\) with shape \(K,\), "
                 r"got 2 dimension\(s\) with shape \(2, 2\)", id="jacobian-rank"),
    pytest.param(lambda: softmax_jacobian(with_inf(4)),
                 r"softmax_jacobian: z must be finite.* shape \(4,\)", id="jacobian-inf"),
    # softmax_cross_entropy
    pytest.param(lambda: softmax_cross_entropy(zeros(K), labels(1)),
                 r"softmax_cross_entropy: logits must have 2 dimension\(s\) with shape \(N, K\),"
                 r" got 1 dimension\(s\) with shape \(5,\)", id="ce-logits-rank"),
    pytest.param(lambda: softmax_cross_entropy(zeros(N, K), labels(N + 1)),
                 r"softmax_cross_entropy: y must have shape \(N,\) = \(2,\), got \(3,\)",
                 id="ce-mismatched-N"),
    pytest.param(lambda: softmax_cross_entropy(zeros(N, K), labels(N, 1)),
                 r"softmax_cross_entropy: y must have 1 dimension\(s\) with shape \(N,\) = "
                 r"\(2,\), got 2 dimension\(s\) with shape \(2, 1\)", id="ce-labels-rank"),
    pytest.param(lambda: softmax_cross_entropy(zeros(N, K), np.array([0, K])),
                 r"softmax_cross_entropy: y must hold labels in \[0, 5\) for K = 5 .* e\.g\. 5",
                 id="ce-label-too-large"),
    pytest.param(lambda: softmax_cross_entropy(zeros(N, K), np.array([-1, 0])),
                 r"softmax_cross_entropy: y must hold labels in \[0, 5\).* e\.g\. -1",
                 id="ce-label-negative"),
    pytest.param(lambda: softmax_cross_entropy(zeros(N, K), np.array([0.0, 1.0])),
                 r"softmax_cross_entropy: y must hold integer class labels with shape \(N,\) = "
                 r"\(2,\), got dtype float64", id="ce-float-labels"),
    pytest.param(lambda: softmax_cross_entropy(zeros(N, K), np.array([True, False])),
                 r"softmax_cross_entropy: y must hold integer class labels .* got dtype bool",
                 id="ce-bool-labels"),
    pytest.param(lambda: softmax_cross_entropy(with_nan(N, K), labels(N)),
                 r"softmax_cross_entropy: logits must be finite.* shape \(2, 5\)",
                 id="ce-nan"),
    pytest.param(lambda: softmax_cross_entropy(zeros(0, K), labels(0)),
                 r"softmax_cross_entropy: logits must have N >= 1 rows, got N = 0",
                 id="ce-empty-batch"),
    # temporal_softmax_loss
    pytest.param(lambda: temporal_softmax_loss(zeros(N, K), labels(N, T)),
                 r"temporal_softmax_loss: o must have 3 dimension\(s\) with shape \(N, T, K\), "
                 r"got 2 dimension\(s\) with shape \(2, 5\)", id="temporal-o-rank"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), labels(N, T + 1)),
                 r"temporal_softmax_loss: y must have shape \(N, T\) = \(2, 3\), got \(2, 4\) "
                 r"\(T = 4 does not match T = 3", id="temporal-mismatched-T"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), labels(N + 1, T)),
                 r"temporal_softmax_loss: y must have shape \(N, T\) = \(2, 3\), got \(3, 3\)",
                 id="temporal-mismatched-N"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), labels(N, T, value=K)),
                 r"temporal_softmax_loss: y must hold labels in \[0, 5\) for K = 5 classes, "
                 r"got 6 label\(s\) out of range", id="temporal-label-range"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), zeros(N, T)),
                 r"temporal_softmax_loss: y must hold integer class labels with shape "
                 r"\(N, T\) = \(2, 3\), got dtype float64", id="temporal-float-labels"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), labels(N, T), labels(N, T)),
                 r"temporal_softmax_loss: mask must be a boolean array with shape \(N, T\) = "
                 r"\(2, 3\), got dtype int64", id="temporal-int-mask"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), labels(N, T), zeros(N, T)),
                 r"temporal_softmax_loss: mask must be a boolean array .* got dtype float64",
                 id="temporal-float-mask"),
    pytest.param(lambda: temporal_softmax_loss(zeros(N, T, K), labels(N, T),
                                               np.ones((T, N), dtype=bool)),
                 r"temporal_softmax_loss: mask must have shape \(N, T\) = \(2, 3\), got \(3, 2\)",
                 id="temporal-mask-shape"),
    pytest.param(lambda: temporal_softmax_loss(with_inf(N, T, K), labels(N, T)),
                 r"temporal_softmax_loss: o must be finite.* shape \(2, 3, 5\)",
                 id="temporal-inf"),
    # rnn_step_forward
    pytest.param(call(rnn_step_forward, rnn_step_args, x=zeros(N, T, D)),
                 r"rnn_step_forward: x must have 2 dimension\(s\) with shape \(N, D\), "
                 r"got 3 dimension\(s\) with shape \(2, 3, 3\)", id="rnn-step-x-rank"),
    pytest.param(call(rnn_step_forward, rnn_step_args, h_prev=zeros(N + 1, H)),
                 r"rnn_step_forward: h_prev must have shape \(N, H\), got \(3, 4\) "
                 r"\(N = 3 does not match N = 2", id="rnn-step-mismatched-N"),
    pytest.param(call(rnn_step_forward, rnn_step_args, U=zeros(D, H)),
                 r"rnn_step_forward: U must have shape \(H, D\) = \(4, 3\), got \(3, 4\)",
                 id="rnn-step-U-transposed"),
    pytest.param(call(rnn_step_forward, rnn_step_args, W=zeros(H, H + 1)),
                 r"rnn_step_forward: W must have shape \(H, H\) = \(4, 4\), got \(4, 5\)",
                 id="rnn-step-W-shape"),
    pytest.param(call(rnn_step_forward, rnn_step_args, b=zeros(H, 1)),
                 r"rnn_step_forward: b must have 1 dimension\(s\) with shape \(H,\) = \(4,\), "
                 r"got 2 dimension\(s\) with shape \(4, 1\)", id="rnn-step-b-rank"),
    pytest.param(call(rnn_step_forward, rnn_step_args, W=with_nan(H, H)),
                 r"rnn_step_forward: W must be finite, got 1 NaN .* shape \(4, 4\)",
                 id="rnn-step-nan"),
    # rnn_forward
    pytest.param(call(rnn_forward, rnn_args, x=zeros(N, D)),
                 r"rnn_forward: x must have 3 dimension\(s\) with shape \(N, T, D\), "
                 r"got 2 dimension\(s\) with shape \(2, 3\)", id="rnn-x-rank"),
    pytest.param(call(rnn_forward, rnn_args, h0=zeros(N, H + 1), W=zeros(H + 1, H + 1)),
                 r"rnn_forward: U must have shape \(H, D\) = \(5, 3\), got \(4, 3\) "
                 r"\(H = 4 does not match H = 5", id="rnn-mismatched-H"),
    pytest.param(call(rnn_forward, rnn_args, h0=zeros(H)),
                 r"rnn_forward: h0 must have 2 dimension\(s\) with shape \(N, H\), got 1 "
                 r"dimension\(s\) with shape \(4,\)", id="rnn-h0-rank"),
    pytest.param(call(rnn_forward, rnn_args, b=zeros(H + 1)),
                 r"rnn_forward: b must have shape \(H,\) = \(4,\), got \(5,\)", id="rnn-b-shape"),
    pytest.param(call(rnn_forward, rnn_args, x=with_inf(N, T, D)),
                 r"rnn_forward: x must be finite.* shape \(2, 3, 3\)", id="rnn-inf"),
    # rnn backward passes
    pytest.param(lambda: rnn_step_backward(zeros(N, H + 1), rnn_step_cache()),
                 r"rnn_step_backward: dh must have shape \(2, 4\) .* got \(2, 5\)",
                 id="rnn-step-backward-dh-shape"),
    pytest.param(lambda: rnn_backward(zeros(N, H), rnn_cache()),
                 r"rnn_backward: dh must have shape \(2, 3, 4\) .* got \(2, 4\)",
                 id="rnn-backward-dh-rank"),
    pytest.param(lambda: rnn_backward(zeros(N, T + 1, H), rnn_cache()),
                 r"rnn_backward: dh must have shape \(2, 3, 4\) .* got \(2, 4, 4\)",
                 id="rnn-backward-mismatched-T"),
    # rnn_loss: its checks are those of the layers it chains, whose names lead the message
    pytest.param(call(rnn_loss, rnn_model_args, x=zeros(N, D)),
                 r"x must have 3 dimension\(s\) with shape \(N, T, D\), got 2 dimension\(s\) "
                 r"with shape \(2, 3\)", id="rnn-loss-x-rank"),
    pytest.param(call(rnn_loss, rnn_model_args, y=labels(N, T + 1)),
                 r"y must have shape \(N, T\) = \(2, 3\), got \(2, 4\)",
                 id="rnn-loss-mismatched-T"),
    pytest.param(call(rnn_loss, rnn_model_args, V=zeros(K, D)),
                 r"V must have shape \(K, H\), got \(5, 3\) \(H = 3 does not match H = 4",
                 id="rnn-loss-mismatched-H"),
    pytest.param(call(rnn_loss, rnn_model_args, y=labels(N, T, value=K)),
                 r"y must hold labels in \[0, 5\) for K = 5", id="rnn-loss-label-range"),
    pytest.param(call(rnn_loss, rnn_model_args, mask=labels(N, T)),
                 r"mask must be a boolean array with shape \(N, T\) = \(2, 3\), got dtype int64",
                 id="rnn-loss-int-mask"),
    pytest.param(call(rnn_loss, rnn_model_args, c=with_nan(K)),
                 r"c must be finite.* shape \(5,\)", id="rnn-loss-nan"),
    # output layer
    pytest.param(call(output_forward, output_args, h=zeros(H)),
                 r"output_forward: h must have shape \(N, T, H\) or \(N, H\), got 1 "
                 r"dimension\(s\) with shape \(4,\)", id="output-h-rank"),
    pytest.param(call(output_forward, output_args, V=zeros(K, H + 1)),
                 r"output_forward: V must have shape \(K, H\), got \(5, 5\) "
                 r"\(H = 5 does not match H = 4", id="output-mismatched-H"),
    pytest.param(call(output_forward, output_args, c=zeros(K + 1)),
                 r"output_forward: c must have shape \(K,\) = \(5,\), got \(6,\)",
                 id="output-c-shape"),
    pytest.param(call(output_forward, output_args, V=with_nan(K, H)),
                 r"output_forward: V must be finite.* shape \(5, 4\)", id="output-nan"),
    pytest.param(lambda: output_backward(zeros(N, T, K + 1), output_cache()),
                 r"output_backward: do must have shape \(2, 3, 5\) .* got \(2, 3, 6\)",
                 id="output-backward-do-shape"),
    pytest.param(lambda: output_backward(zeros(N, T, K), output_cache(with_time=False)),
                 r"output_backward: do must have shape \(2, 5\) .* got \(2, 3, 5\)",
                 id="output-backward-do-rank"),
    # lstm_step_forward
    pytest.param(call(lstm_step_forward, lstm_step_args, U=zeros(H, D)),
                 r"lstm_step_forward: U must have shape \(4H, D\) = \(16, 3\), got \(4, 3\)",
                 id="lstm-step-U-one-block"),
    pytest.param(call(lstm_step_forward, lstm_step_args, W=zeros(4 * H, 4 * H)),
                 r"lstm_step_forward: W must have shape \(4H, H\) = \(16, 4\), got \(16, 16\)",
                 id="lstm-step-W-shape"),
    pytest.param(call(lstm_step_forward, lstm_step_args, b=zeros(H)),
                 r"lstm_step_forward: b must have shape \(4H,\) = \(16,\), got \(4,\)",
                 id="lstm-step-b-shape"),
    pytest.param(call(lstm_step_forward, lstm_step_args, c_prev=zeros(N, H + 1)),
                 r"lstm_step_forward: c_prev must have shape \(N, H\) = \(2, 4\), got \(2, 5\)",
                 id="lstm-step-mismatched-H"),
    pytest.param(call(lstm_step_forward, lstm_step_args, x=zeros(D)),
                 r"lstm_step_forward: x must have 2 dimension\(s\) with shape \(N, D\)",
                 id="lstm-step-x-rank"),
    pytest.param(call(lstm_step_forward, lstm_step_args, c_prev=with_inf(N, H)),
                 r"lstm_step_forward: c_prev must be finite.* shape \(2, 4\)",
                 id="lstm-step-inf"),
    # lstm_forward
    pytest.param(call(lstm_forward, lstm_args, x=zeros(N, D)),
                 r"lstm_forward: x must have 3 dimension\(s\) with shape \(N, T, D\)",
                 id="lstm-x-rank"),
    pytest.param(call(lstm_forward, lstm_args, h0=zeros(N + 1, H)),
                 r"lstm_forward: h0 must have shape \(N, H\), got \(3, 4\) "
                 r"\(N = 3 does not match N = 2", id="lstm-mismatched-N"),
    pytest.param(call(lstm_forward, lstm_args, c0=zeros(N, H - 1)),
                 r"lstm_forward: c0 must have shape \(N, H\) = \(2, 4\), got \(2, 3\)",
                 id="lstm-mismatched-c0"),
    pytest.param(call(lstm_forward, lstm_args, U=zeros(4 * H, D + 1)),
                 r"lstm_forward: U must have shape \(4H, D\) = \(16, 3\), got \(16, 4\)",
                 id="lstm-mismatched-D"),
    pytest.param(call(lstm_forward, lstm_args, b=with_nan(4 * H)),
                 r"lstm_forward: b must be finite.* shape \(16,\)", id="lstm-nan"),
    # lstm backward passes
    pytest.param(lambda: lstm_step_backward(zeros(N, H + 1), zeros(N, H), lstm_step_cache()),
                 r"lstm_step_backward: dh must have shape \(2, 4\) .* got \(2, 5\)",
                 id="lstm-step-backward-dh"),
    pytest.param(lambda: lstm_step_backward(zeros(N, H), zeros(N, 4 * H), lstm_step_cache()),
                 r"lstm_step_backward: dc must have shape \(2, 4\) .* got \(2, 16\)",
                 id="lstm-step-backward-dc"),
    pytest.param(lambda: lstm_gate_gradients(zeros(N, H), zeros(H), lstm_step_cache()),
                 r"lstm_gate_gradients: dc must have shape \(2, 4\) .* got \(4,\)",
                 id="gate-gradients-dc"),
    pytest.param(lambda: lstm_gate_gradients(zeros(N + 1, H), zeros(N, H), lstm_step_cache()),
                 r"lstm_gate_gradients: dh must have shape \(2, 4\) .* got \(3, 4\)",
                 id="gate-gradients-dh"),
    pytest.param(lambda: lstm_backward(zeros(N, T, 4 * H), lstm_cache()),
                 r"lstm_backward: dh must have shape \(2, 3, 4\) .* got \(2, 3, 16\)",
                 id="lstm-backward-dh"),
    # univariate LSTM
    pytest.param(call(univariate_lstm_forward, univariate_args, x=zeros(T, 1)),
                 r"univariate_lstm_forward: x must have 1 dimension\(s\) with shape \(T,\), "
                 r"got 2 dimension\(s\) with shape \(3, 1\)", id="univariate-x-rank"),
    pytest.param(call(univariate_lstm_forward, univariate_args, x=with_nan(T)),
                 r"univariate_lstm_forward: x must be finite.* shape \(3,\)",
                 id="univariate-x-nan"),
    pytest.param(call(univariate_lstm_forward, univariate_args,
                      weights={n: 0.1 for n in WEIGHT_NAMES if n != "W_hi"}),
                 r"univariate_lstm_forward: weights must have exactly the keys .*"
                 r"missing: \['W_hi'\], unexpected: none", id="univariate-missing-key"),
    pytest.param(call(univariate_lstm_forward, univariate_args,
                      weights={**dict.fromkeys(WEIGHT_NAMES, 0.1), "W_hy": 0.1}),
                 r"univariate_lstm_forward: weights must have exactly the keys .*"
                 r"missing: none, unexpected: \['W_hy'\]", id="univariate-extra-key"),
    pytest.param(call(univariate_lstm_forward, univariate_args, weights=[0.1] * 14),
                 r"univariate_lstm_forward: weights must be a dict with keys W_hf, .* got list",
                 id="univariate-weights-list"),
    pytest.param(call(univariate_lstm_forward, univariate_args,
                      weights={**dict.fromkeys(WEIGHT_NAMES, 0.1), "W_xo": np.inf}),
                 r"univariate_lstm_forward: weights\['W_xo'\] must be finite",
                 id="univariate-weight-inf"),
    pytest.param(call(univariate_lstm_forward, univariate_args,
                      weights={**dict.fromkeys(WEIGHT_NAMES, 0.1), "W_y": np.ones(2)}),
                 r"univariate_lstm_forward: weights\['W_y'\] must have 0 dimension\(s\) with "
                 r"shape \(\)( = \(\))?, got 1 dimension\(s\) with shape \(2,\)",
                 id="univariate-weight-array"),
    pytest.param(call(univariate_lstm_forward, univariate_args, h0=zeros(1)),
                 r"univariate_lstm_forward: h0 must have 0 dimension\(s\) .* shape \(1,\)",
                 id="univariate-h0-array"),
    pytest.param(lambda: univariate_lstm_backward(zeros(T + 1), univariate_cache()),
                 r"univariate_lstm_backward: dy must have shape \(3,\) .* got \(4,\)",
                 id="univariate-backward-dy"),
]  # fmt: skip


@pytest.mark.parametrize(("bad_call", "message"), CASES)
def test_bad_input_raises_a_value_error_naming_argument_and_shapes(bad_call, message):
    """Does the call raise ValueError with a message naming the function,
    the argument and the expected and actual shapes?"""
    with pytest.raises(ValueError, match=message):
        bad_call()


UPSTREAM_NON_FINITE = [
    pytest.param(lambda: rnn_step_backward(with_nan(N, H), rnn_step_cache()),
                 "rnn_step_backward: dh", "(2, 4)", id="rnn-step-backward"),
    pytest.param(lambda: rnn_backward(with_inf(N, T, H), rnn_cache()),
                 "rnn_backward: dh", "(2, 3, 4)", id="rnn-backward"),
    pytest.param(lambda: output_backward(with_nan(N, T, K), output_cache()),
                 "output_backward: do", "(2, 3, 5)", id="output-backward"),
    pytest.param(lambda: lstm_step_backward(zeros(N, H), with_nan(N, H), lstm_step_cache()),
                 "lstm_step_backward: dc", "(2, 4)", id="lstm-step-backward"),
    pytest.param(lambda: lstm_gate_gradients(with_inf(N, H), zeros(N, H), lstm_step_cache()),
                 "lstm_gate_gradients: dh", "(2, 4)", id="lstm-gate-gradients"),
    pytest.param(lambda: lstm_backward(with_nan(N, T, H), lstm_cache()),
                 "lstm_backward: dh", "(2, 3, 4)", id="lstm-backward"),
    pytest.param(lambda: univariate_lstm_backward(with_nan(T), univariate_cache()),
                 "univariate_lstm_backward: dy", "(3,)", id="univariate-backward"),
]  # fmt: skip


@pytest.mark.parametrize(("bad_call", "argument", "shape"), UPSTREAM_NON_FINITE)
def test_non_finite_upstream_gradient_is_rejected(bad_call, argument, shape):
    """Is a NaN or infinite upstream gradient refused with a message naming
    the function, the argument and its shape?"""
    with pytest.raises(ValueError, match=rf"{argument} must be finite") as error:
        bad_call()
    assert shape in str(error.value), f"no shape {shape} in: {error.value}"


@pytest.mark.parametrize(("stacked", "axis"), [(zeros(6), 0), (zeros(2, 10), -1)])
def test_split_gates_of_a_length_not_divisible_by_four_names_the_shape(stacked, axis):
    """Is an axis whose length is not a multiple of 4 refused with a
    message naming split_gates and the array's shape?"""
    with pytest.raises(ValueError) as error:
        split_gates(stacked, axis=axis)
    message = str(error.value)
    assert "split_gates" in message and str(stacked.shape) in message, message
