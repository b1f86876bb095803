"""The mutation target (extract.py) and the call graph that decides which
hidden tests a mutant meets (callgraph.py, check.changed_functions)."""

from __future__ import annotations

import ast
import textwrap

from autograder.course_checks.specs import SPECS
from tests.autograder.mutations.check import changed_functions
from tests.autograder.mutations.extract import BEGIN, END, NO_MUTATE, targets
from tests.autograder.mutations.run import choose_seeds


def test_every_graded_function_is_in_exactly_one_module():
    defined = [name for target in targets() for name in target.graded()]
    assert sorted(defined) == sorted(SPECS)


def test_only_the_solution_regions_and_the_helpers_may_be_mutated():
    for target in targets():
        lines = target.source.splitlines()
        for name, (first, last) in target.functions.items():
            body = lines[first - 1 : last]
            if not any(line.strip() == BEGIN for line in body):
                assert name == "sigmoid", f"{name}: only helpers have no region"
                assert not any(NO_MUTATE in line for line in body)
                continue
            docstring = ast.parse(textwrap.dedent("\n".join(body))).body[0].body[0]
            in_docstring = range(docstring.lineno - 1, docstring.end_lineno)
            inside = False
            for index, line in enumerate(body):
                if line.strip() in (BEGIN, END):
                    inside = line.strip() == BEGIN
                elif inside:
                    assert NO_MUTATE not in line, line
                elif line.strip() and index not in in_docstring:
                    assert line.endswith(NO_MUTATE), line


def test_a_change_reaches_the_tests_of_every_caller():
    by_assignment = {target.assignment: target for target in targets()}
    rnn, lstm = by_assignment["a2_rnn"], by_assignment["a3_lstm"]
    assert rnn.affected_tests(["rnn_step_backward"]) == [
        "rnn_step_backward",
        "rnn_backward",
        "rnn_loss",
    ]
    # a forward pass is run by the test of its backward
    assert rnn.affected_tests(["output_forward"]) == [
        "output_forward",
        "output_backward",
        "rnn_loss",
    ]
    assert lstm.affected_tests(["sigmoid"]) == [
        "lstm_step_forward",
        "lstm_step_backward",
        "lstm_forward",
        "lstm_backward",
    ]


def test_the_changed_function_is_found_by_comparing_with_the_pristine_module():
    target = next(t for t in targets() if t.assignment == "a2_rnn")
    mutated = target.source.replace("dh_prev = da @ W  # (N, H)", "dh_prev = da @ W.T")
    assert mutated != target.source
    assert changed_functions(target, mutated) == {"rnn_step_backward"}
    assert changed_functions(target, target.source) == set()


def test_seeds_the_reference_fails_on_are_replaced_by_later_ones():
    assert choose_seeds(5, {}) == (5, ())
    assert choose_seeds(5, {1: ["a2_rnn: rnn_backward"], 3: ["x"]}) == (7, (1, 3))
    assert choose_seeds(5, {7: ["x"]}) == (5, ())
