"""Honest students keep full marks on every seed.

Each honest style of the similarity tests (tests/autograder/integrity/
honest/: vectorised, a loop over the batch, einsum, recomputing the forward,
preallocated arrays) is a correct implementation written differently from
the instructor's. Its functions are judged by the hidden tests in this
process (the probe and the verdict, as the grader runs them, without a
kernel), on many seeds: a hidden case whose reference or tolerance fails a
correct answer on some seeds shows up here as a lost output.

    python -m tests.autograder.integrity.honest_seeds --seeds 300
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from autograder.cases import HIDDEN_TESTS
from tests.autograder.integrity.students import HONEST_DIR, STYLES
from tests.autograder.reference_functions import grade_in_process


def style_functions(assignment: str, style: str) -> dict:
    """The functions one honest style's module defines, by name."""
    source = (HONEST_DIR / f"{assignment}_{style}.py").read_text(encoding="utf-8")
    namespace: dict = {"np": np}
    exec(compile(source, f"{assignment}_{style}.py", "exec"), namespace)
    return {name: value for name, value in namespace.items() if callable(value)}


def lost_outputs(seeds: Iterable[int]) -> dict[str, list[str]]:
    """{"<assignment> <style>": ["seed S function: output message", ...]} for
    every honest style and every graded function it defines; empty lists
    when every output passed on every seed."""
    seeds = list(seeds)
    lost: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="honest-seeds-") as scratch:
        for assignment, styles in STYLES.items():
            for style in styles:
                functions = style_functions(assignment, style)
                judged = [name for name in HIDDEN_TESTS if name in functions]
                assert judged, f"{assignment}_{style} defines no graded function"
                found = lost.setdefault(f"{assignment} {style}", [])
                for seed in seeds:
                    for name in judged:
                        result = grade_in_process(Path(scratch), name, functions, seed)
                        found += [
                            f"seed {seed} {name}: {verdict.output.name} error "
                            f"{verdict.error:.1e} {verdict.problem}"
                            for verdict in result.outputs
                            if not verdict.passed
                        ]
    return lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=300, help="seeds 0 .. N-1")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lost = lost_outputs(range(args.seeds))
    for student, failures in lost.items():
        print(f"{student}: {len(failures)} output(s) lost over {args.seeds} seeds")
        for failure in failures[:10]:
            print(f"    {failure}")
    return 1 if any(lost.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
