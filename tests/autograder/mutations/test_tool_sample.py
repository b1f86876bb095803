"""A sample of the cosmic-ray mutation run (make mutation-test), small
enough for the test suite: 30 mutants drawn once and for all from all the
tool makes, each graded on 20 seeds through cosmic-ray itself.

Every sampled mutant not listed as equivalent must be caught on every seed;
every listed one must survive them (else the reason given is wrong); and
every entry of equivalent.toml must still name a mutant the tool makes.
"""

from __future__ import annotations

import random

import pytest

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.specs import SPECS
from autograder.grading import verdict
from tests.autograder.mutations import check, refcache, session
from tests.autograder.mutations.catalogue import BY_NAME
from tests.autograder.mutations.catalogue_seeds import mutated_module
from tests.autograder.mutations.extract import build_targets
from tests.autograder.mutations.report import load_equivalent
from tests.autograder.reference_functions import grade_in_process

SAMPLE, SEEDS, DRAW = 30, 20, 20260801


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    return build_targets(tmp_path_factory.mktemp("mutation"))


@pytest.fixture(scope="module")
def sessions(targets):
    """{assignment: (target, session file, {job id: identity})}, freshly initialised."""
    found = {}
    for target in targets:
        path = session.init(target.path, SEEDS)
        found[target.assignment] = target, path, session.identities(target, path)
    return found


@pytest.fixture(scope="module")
def sampled(sessions):
    """The sample's mutants, run by cosmic-ray on SEEDS seeds."""
    everything = sorted(
        (identity, assignment, job_id)
        for assignment, (_, _, named) in sessions.items()
        for job_id, identity in named.items()
    )
    chosen = random.Random(DRAW).sample(everything, SAMPLE)
    running = []
    for assignment, (target, path, _) in sessions.items():
        session.keep_only(path, {job for _, a, job in chosen if a == assignment})
        running.append(session.execute(target.path))
    for process in running:
        assert process.wait() == 0
    return [m for target, path, _ in sessions.values() for m in session.results(target, path)]


@pytest.mark.slow  # seconds, not milliseconds: kept out of make test-fast
def test_the_tool_makes_hundreds_of_mutants_that_meet_every_hidden_test(sessions):
    named = [i for _, _, ids in sessions.values() for i in ids.values()]
    assert len(named) > 500
    assert len(set(named)) == len(named), "two mutants share an identity"
    # rnn_loss's region only calls other functions: its test meets their mutants.
    met = {
        test
        for target, _, ids in sessions.values()
        for identity in ids.values()
        for test in target.affected_tests([identity.function])
    }
    assert met == set(SPECS)


def test_every_equivalent_entry_names_a_mutant_the_tool_makes(sessions):
    made = {i for _, _, ids in sessions.values() for i in ids.values()}
    stale = [identity.key() for identity in load_equivalent() if identity not in made]
    assert not stale, "equivalent.toml names mutants cosmic-ray no longer makes"


@pytest.mark.slow  # seconds, not milliseconds: kept out of make test-fast
def test_every_sampled_mutant_is_caught_on_every_seed_unless_equivalent(sampled):
    assert len(sampled) == SAMPLE
    equivalent = load_equivalent()
    escaped = [
        f"{m.identity.key()} ({m.outcome}, escaped {m.escaped} of {m.seeds})\n{m.diff}"
        for m in sampled
        if m.identity not in equivalent
        and not (m.outcome in ("killed", "timeout") and m.escaped == 0)
    ]
    assert not escaped, "\n".join(escaped)
    wrongly_listed = [
        m.identity.key()
        for m in sampled
        if m.identity in equivalent and (m.outcome != "survived" or m.escaped != m.seeds)
    ]
    assert not wrongly_listed, "listed as equivalent, yet caught"


@pytest.mark.parametrize("mutant", [None, "dW-transposed", "softmax-without-max-shift"])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_in_process_probe_agrees_with_the_graders_files(targets, tmp_path, mutant, seed):
    """check.probe skips the files the grader writes and reads; the verdict
    it leads to must be the grader's, output by output."""
    by_assignment = {t.assignment: t for t in targets}
    target = by_assignment[BY_NAME[mutant].assignment if mutant else "a2_rnn"]
    source = mutated_module(target, BY_NAME[mutant]) if mutant else target.source
    namespace = check.load_functions(source, target.path)
    (data,) = refcache.load(target.graded(), [seed])
    for name in target.graded():
        test = HIDDEN_TESTS[name]
        arrays, errors = check.probe(test.spec, namespace, data.cases(name))
        points = float(len(test.spec.outputs))
        fast = verdict.judge_outputs(
            test, data.cases(name), arrays, errors, "", points, references_of=data.references(name)
        )
        graded = grade_in_process(tmp_path, name, namespace, seed, points)
        assert [v.passed for v in fast.outputs] == [v.passed for v in graded.outputs], name
        assert fast.score == graded.score
