"""Tests of the probe: the code that runs on hidden inputs in the kernel."""

from __future__ import annotations

import json

import numpy as np

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.probe import TIMING_CASE, Timing, run_probe
from autograder.grading.verdict import write_inputs
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


def test_timed_calls_give_each_backward_its_own_cache(tmp_path):
    """Does every timed backward call get a cache of its own, so that a
    backward that consumes its cache still works when called again?"""
    _, inputs = _inputs_file(tmp_path, "lstm_backward")
    seen = []

    def lstm_backward(dh, cache):
        seen.append(id(cache))
        assert cache.steps, "this cache was used before"
        result = REFERENCE_FUNCTIONS["lstm_backward"](dh, cache)
        object.__setattr__(cache, "steps", ())  # consumes its cache
        return result

    timing = Timing({**REFERENCE_FUNCTIONS, "lstm_backward": lstm_backward}, str(inputs))
    for _ in range(3):
        timing.run_baseline()
    for _ in range(3):
        timing.run_timed()
    assert len(set(seen)) == 3
    assert timing.inputs["x"].shape == (4, 30, 32)
    assert TIMING_CASE == "timing"


def test_without_its_forward_a_loss_is_timed_against_elementwise_passes(tmp_path):
    _, inputs = _inputs_file(tmp_path, "softmax_cross_entropy")
    functions = {"softmax_cross_entropy": REFERENCE_FUNCTIONS["softmax_cross_entropy"]}
    timing = Timing(functions, str(inputs))
    assert timing.baseline == "elementwise"
    timing.run_baseline()
    timing.run_timed()
