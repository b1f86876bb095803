"""Tests of the probe: the code that runs on hidden inputs in the kernel."""

from __future__ import annotations

import builtins
import json
import sys

import numpy as np
import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.probe import Timing, measured, run_probe
from autograder.grading.verdict import write_for_kernel, write_inputs
from tests.autograder.reference_functions import REFERENCE_FUNCTIONS


def _inputs_file(tmp_path, name, seed=3):
    test = HIDDEN_TESTS[name]
    path = tmp_path / f"{name}.npz"
    write_inputs(test, test.draw(seed), path)
    return test, path


def test_the_probe_writes_every_output_of_every_case(tmp_path):
    """Does the probe write one float64 array per case and output, and no error?"""
    test, inputs = _inputs_file(tmp_path, "rnn_backward")
    run_probe(REFERENCE_FUNCTIONS, str(inputs), str(tmp_path / "out.npz"))
    with np.load(tmp_path / "out.npz") as data:
        expected = {f"{c}/{o.name}" for c in test.case_names() for o in test.spec.outputs}
        assert set(data.files) == expected
    assert json.loads((tmp_path / "out.npz.json").read_text()) == {}


def test_what_the_function_raises_is_recorded_per_case(tmp_path):
    _, inputs = _inputs_file(tmp_path, "softmax")

    def softmax(z):
        if z.ndim == 1:
            raise IndexError("tuple index out of range")
        return REFERENCE_FUNCTIONS["softmax"](z)

    run_probe({"softmax": softmax}, str(inputs), str(tmp_path / "out.npz"))
    errors = json.loads((tmp_path / "out.npz.json").read_text())
    assert set(errors) == {"case1", "case6"}  # the two vector cases
    assert errors["case1"] == "IndexError: tuple index out of range"


def test_a_missing_function_is_reported_for_every_case(tmp_path):
    test, inputs = _inputs_file(tmp_path, "rnn_backward")
    run_probe({"rnn_forward": REFERENCE_FUNCTIONS["rnn_forward"]}, str(inputs),
              str(tmp_path / "out.npz"))  # fmt: skip
    errors = json.loads((tmp_path / "out.npz.json").read_text())
    assert set(errors) == set(test.case_names())
    assert errors["case0"].startswith("not defined when this test cell runs: rnn_backward")


def _timing_file(tmp_path, name, seed=3):
    timing = HIDDEN_TESTS[name].draw_timing(seed)
    path = tmp_path / f"{name}-timing.npz"
    write_for_kernel(timing.arrays(), path)
    return timing, path


def test_timed_calls_give_each_backward_its_own_cache_and_input(tmp_path):
    """Does every timed backward call get a cache of its own (a backward that
    consumes its cache still works when called again), made from an input
    of its own (nothing computed for one call serves another)?"""
    timing, path = _timing_file(tmp_path, "lstm_backward")
    seen, inputs = [], []

    def lstm_backward(dh, cache):
        seen.append(id(cache))
        inputs.append(dh.copy())
        assert cache.steps, "this cache was used before"
        result = REFERENCE_FUNCTIONS["lstm_backward"](dh, cache)
        object.__setattr__(cache, "steps", ())  # consumes its cache
        return result

    probe = Timing({**REFERENCE_FUNCTIONS, "lstm_backward": lstm_backward}, str(path))
    for _ in range(3):
        probe.run_baseline()
    for _ in range(3):
        probe.run_timed()
    assert len(set(seen)) == 3
    assert inputs[0].shape == (4, 30, 32)
    assert not np.array_equal(inputs[0], inputs[1])
    for call, dh in enumerate(inputs):  # the grader computes the same input, bit for bit
        assert np.array_equal(dh, timing.inputs(call)["dh"])


def test_the_recorded_values_of_timed_calls_are_the_solutions_values(tmp_path):
    """Do the records the kernel writes hold, per timed call, exactly the
    entries the grader expects for that call's input?"""
    timing, path = _timing_file(tmp_path, "rnn_step_backward")
    probe = Timing(REFERENCE_FUNCTIONS, str(path))
    for _ in range(4):
        probe.run_baseline()
    for _ in range(4):
        probe.run_timed()
    probe.write_records(str(tmp_path / "records.npz"))
    with np.load(tmp_path / "records.npz") as data:
        assert data["calls"].tolist() == [0, 1, 2, 3]
        for row, call in enumerate(data["calls"]):
            for name, expected in timing.expected(int(call)).items():
                np.testing.assert_allclose(data[name][row], expected, rtol=1e-12)
    assert probe.records == []


def test_a_timed_output_of_the_wrong_shape_is_recorded_as_nothing_right(tmp_path):
    """A gradient of the wrong shape (already wrong on the hidden cases) is
    recorded as NaN, and the call goes on: the other gradients are still
    recorded, for the grader to check."""
    _, path = _timing_file(tmp_path, "rnn_step_backward")

    def rnn_step_backward(dh, cache):
        dx, dh_prev, dU, dW, db = REFERENCE_FUNCTIONS["rnn_step_backward"](dh, cache)
        return dx, dh_prev, dU, dW, np.tile(db, (dh.shape[0], 1))  # db not summed

    probe = Timing({**REFERENCE_FUNCTIONS, "rnn_step_backward": rnn_step_backward}, str(path))
    probe.run_baseline()
    probe.run_timed()
    ((_, recorded),) = probe.records
    assert np.isnan(recorded[-1]).all()
    assert all(np.isfinite(values).all() for values in recorded[:-1])


def test_a_loss_without_a_forward_is_timed_against_elementwise_passes(tmp_path):
    _, path = _timing_file(tmp_path, "temporal_softmax_loss")
    probe = Timing({"temporal_softmax_loss": REFERENCE_FUNCTIONS["temporal_softmax_loss"]},
                   str(path))  # fmt: skip
    assert probe.baseline == "elementwise"
    probe.run_baseline()
    probe.run_timed()
    assert len(probe.records) == 1


def test_without_its_forward_a_loss_is_timed_against_elementwise_passes(tmp_path):
    _, path = _timing_file(tmp_path, "softmax_cross_entropy")
    functions = {"softmax_cross_entropy": REFERENCE_FUNCTIONS["softmax_cross_entropy"]}
    probe = Timing(functions, str(path))
    assert probe.baseline == "elementwise"
    probe.run_baseline()
    probe.run_timed()
    assert len(probe.records) == 1


def test_a_loss_whose_forward_raises_is_timed_against_elementwise_passes(tmp_path):
    """softmax left as the released stub, cross-entropy written on its own:
    is the loss timed against elementwise passes (its gradient is not the
    stub's to lose), while a softmax that works stays the baseline?"""
    _, path = _timing_file(tmp_path, "softmax_cross_entropy")

    def softmax(z):
        raise NotImplementedError()

    stubbed = Timing({**REFERENCE_FUNCTIONS, "softmax": softmax}, str(path))
    assert stubbed.baseline == "elementwise"
    stubbed.run_baseline()
    stubbed.run_timed()
    assert len(stubbed.records) == 1
    assert Timing(REFERENCE_FUNCTIONS, str(path)).baseline == "softmax"


def test_a_measured_call_prints_nothing_and_print_comes_back(tmp_path, capsys):
    """A backward that prints its gradients at every call, and writes to
    stdout and stderr: is nothing printed while it is timed (formatting the
    arrays would be measured as its cost), are its values still recorded,
    and are print and the streams the notebook's again afterwards?"""
    _, path = _timing_file(tmp_path, "rnn_step_backward")
    calls = []

    def rnn_step_backward(dh, cache):
        gradients = REFERENCE_FUNCTIONS["rnn_step_backward"](dh, cache)
        calls.append(len(gradients))
        print("gradients", *gradients)
        sys.stdout.write("dx\n")
        sys.stderr.write("db\n")
        return gradients

    printing = (builtins.print, sys.stdout, sys.stderr)
    probe = Timing({**REFERENCE_FUNCTIONS, "rnn_step_backward": rnn_step_backward}, str(path))
    for _ in range(2):
        probe.run_baseline()
        probe.run_timed()
    assert (builtins.print, sys.stdout, sys.stderr) == printing
    assert capsys.readouterr() == ("", "")
    assert calls == [5, 5] and len(probe.records) == 2
    print("after")
    assert capsys.readouterr().out == "after\n"


def test_arrays_turned_into_text_while_measured_show_no_values(tmp_path):
    """A backward that formats its arrays in f-strings (evaluated before
    print is called): is the text it makes while timed free of values, its
    own values still recorded right, and is NumPy's printing whole again
    after the call, also when the call raised?"""
    _, path = _timing_file(tmp_path, "rnn_step_backward")
    texts = []

    def rnn_step_backward(dh, cache):
        gradients = REFERENCE_FUNCTIONS["rnn_step_backward"](dh, cache)
        texts.append(f"dx={gradients[0]} db={gradients[-1]!r} {[gradients[1]]} {np.array(2.5)}")
        return gradients

    probe = Timing({**REFERENCE_FUNCTIONS, "rnn_step_backward": rnn_step_backward}, str(path))
    probe.run_baseline()
    probe.run_timed()
    assert texts == ["dx=[...] db=array([...]) [array([...])] 2.5"]
    assert len(probe.records) == 1
    small = np.array([[1.5, -2.0]])
    assert (str(small), repr(small)) == ("[[ 1.5 -2. ]]", "array([[ 1.5, -2. ]])")
    with pytest.raises(RuntimeError), measured():
        assert str(small) == "[...]"
        raise RuntimeError("the timed call failed")
    assert str(small) == "[[ 1.5 -2. ]]"
