"""The per-mutant test command: grade a (mutated) generated module by the
hidden tests of every function the mutation can affect, on many seeds.

    python -m tests.autograder.mutations.check _build/mutation/student_a2_rnn.py --seeds 300

The mutated functions are found by comparing the module with its pristine
copy function by function; the hidden tests run are those whose calls reach
a changed function in the module's call graph (callgraph.Target), the
changed function's own test first. ``--all-tests`` runs every test, judged
in full: the baseline run on the unmutated module.

Each test is graded as the grader grades a notebook, in this process: the
probe's calls of the module's functions on the hidden inputs (:func:`probe`)
and the grader's verdict (verdict.judge_outputs) against the references of
the unmutated solutions, read from the on-disk cache (refcache). Three
shortcuts keep 300 seeds within seconds, none changing a verdict: a seed is
settled by the first test that fails; a case that raised fails its test
(the verdict gives such a case no output); and outputs bit for bit equal to
the unmutated module's get its verdict, full marks, without judging.

The last line printed is ``MUTATION-RESULT {json}``: the tests run, the
changed functions, the number of seeds and on how many the mutant escaped
(full marks in every test run). The exit status is 1 when some seed caught
the mutant (killed), 0 when it escaped on every seed (survived).
"""

from __future__ import annotations

import argparse
import ast
import json
import resource
import sys
import traceback
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.cases import HIDDEN_TESTS
from autograder.course_checks.calls import call_function
from autograder.course_checks.probe import missing_functions
from autograder.course_checks.specs import FunctionSpec
from autograder.grading import verdict
from tests.autograder.mutations import refcache
from tests.autograder.mutations.callgraph import Target, pristine_target

RESULT_PREFIX = "MUTATION-RESULT "
MEMORY_LIMIT = 4 * 1024**3
"""Address space of one check: a mutant that asks for an absurd array gets a
MemoryError, which the probe records as its result, as a kernel would."""


def changed_functions(target: Target, mutated: str) -> set[str]:
    """Functions whose code differs between the pristine module and
    `mutated` (every function when the module-level code changed)."""
    old = ast.parse(target.source).body
    new = ast.parse(mutated).body
    if len(old) != len(new):
        return set(target.functions)
    changed = set()
    for before, after in zip(old, new, strict=True):
        if ast.dump(before) != ast.dump(after):
            if not isinstance(before, ast.FunctionDef):
                return set(target.functions)
            changed.add(before.name)
    return changed


def load_functions(source: str, path: Path) -> dict:
    """Run the module's text in a fresh namespace, as a notebook's cells run
    in a kernel, and return it."""
    namespace: dict = {"__name__": f"mutant_{path.stem}"}
    exec(compile(source, str(path), "exec"), namespace)
    return namespace


@dataclass
class Outcome:
    """What the hidden tests made of one module over the seeds."""

    tests: list[str]
    changed: list[str]
    seeds: int = 0
    escaped: int = 0
    caught_by: dict[str, int] = field(default_factory=dict)  # test -> seeds it failed first
    error: str = ""

    def as_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)


def probe(spec: FunctionSpec, namespace: Mapping, cases: Mapping) -> tuple[dict, dict]:
    """What probe.run_probe writes and verdict.read_outputs reads back,
    without the files: ({"<case>/<output>": array}, {case: error}).
    The same calls and the same conversions (test_tool_sample checks that
    the two agree), a hundred times faster."""
    arrays: dict[str, np.ndarray] = {}
    errors: dict[str, str] = {}
    missing = missing_functions(spec, namespace)
    for case, inputs in cases.items():
        if missing:
            errors[case] = f"not defined when this test cell runs: {', '.join(missing)}"
            continue
        try:
            outputs = call_function(spec, namespace, inputs)
            for output, value in zip(spec.outputs, outputs, strict=True):
                if isinstance(value, np.ndarray | float | int | np.floating | np.integer):
                    array = np.array(value)  # a copy: the written file is one too
                    if array.dtype != object:
                        arrays[f"{case}/{output.name}"] = array
        except BaseException as error:  # anything the module raises is a result
            message = "".join(traceback.format_exception_only(type(error), error)).strip()
            errors[case] = message[:2000]
    return arrays, errors


def _same(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> bool:
    """Bit for bit the same outputs (dtype, shape and bytes)."""
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes()
        for k in a
    )


def grade_seed(
    namespace: Mapping,
    tests: Iterable[str],
    data: refcache.SeedData,
    pristine: Mapping | None = None,
) -> str | None:
    """The first hidden test (of `tests`, in order) that does not give
    `namespace` full marks on one seed's inputs, or None.

    pristine: the unmutated module's namespace. Where the module returns
    bit for bit what the unmutated one returns on a test's inputs, its
    verdict is the unmutated module's, full marks (the baseline run checks
    that on every seed), and judging is skipped."""
    for name in tests:
        test = HIDDEN_TESTS[name]
        cases = data.cases(name)
        arrays, errors = probe(test.spec, namespace, cases)
        if errors:
            return name  # judge fails every output of a case that raised: score 0
        if pristine is not None:
            unmutated, unmutated_errors = probe(test.spec, pristine, cases)
            if not unmutated_errors and _same(arrays, unmutated):
                continue
        points = float(len(test.spec.outputs))
        result = verdict.judge_outputs(
            test, cases, arrays, errors, "", points, references_of=data.references(name)
        )
        if result.score < points:
            return name
    return None


def check(
    path: Path, seeds: Iterable[int], tests: list[str] | None = None, shortcut: bool = True
) -> Outcome:
    """Grade the module at `path` on `seeds`; `tests` defaults to those the
    change from the pristine module can affect, the changed functions' own
    tests first (on a seed, the first test that fails settles it).
    shortcut: skip judging outputs identical to the unmutated module's."""
    return check_source(pristine_target(path), path.read_text(), seeds, tests, shortcut)


def check_source(
    target: Target,
    source: str,
    seeds: Iterable[int],
    tests: list[str] | None = None,
    shortcut: bool = True,
) -> Outcome:
    """:func:`check` on the text of a module whose unmutated form is `target`.
    A module that does not compile or run is caught on every seed."""
    seeds = list(seeds)
    try:
        changed = sorted(changed_functions(target, source))
    except SyntaxError as error:
        return Outcome([], [], len(seeds), error=f"does not compile: {error}")
    if tests is None:
        tests = sorted(target.affected_tests(changed), key=lambda name: name not in changed)
    outcome = Outcome(tests, changed)
    try:
        namespace = load_functions(source, target.path)
    except Exception as error:
        outcome.seeds = len(seeds)
        outcome.error = f"the module raised {type(error).__name__} when run"
        return outcome
    pristine = load_functions(target.source, target.path) if shortcut else None
    for data in refcache.load(tests, seeds):
        failed = grade_seed(namespace, tests, data, pristine)
        outcome.seeds += 1
        if failed is None:
            outcome.escaped += 1
        else:
            outcome.caught_by[failed] = outcome.caught_by.get(failed, 0) + 1
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", type=Path)
    parser.add_argument("--seeds", type=int, default=300, help="grade on seeds 0..N-1")
    parser.add_argument(
        "--skip",
        type=int,
        nargs="*",
        default=[],
        help="leave these seeds out (those on which the unmutated module loses points)",
    )
    parser.add_argument(
        "--all-tests", action="store_true", help="run every hidden test, judged in full"
    )
    args = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    warnings.simplefilter("ignore")  # overflow warnings of mutants are noise here
    path = args.module.resolve()
    tests = pristine_target(path).graded() if args.all_tests else None
    seeds = [seed for seed in range(args.seeds) if seed not in args.skip]
    outcome = check(path, seeds, tests, shortcut=not args.all_tests)
    print(RESULT_PREFIX + outcome.as_json())
    survived = not outcome.error and outcome.seeds > 0 and outcome.escaped == outcome.seeds
    return 0 if survived else 1


if __name__ == "__main__":
    sys.exit(main())
