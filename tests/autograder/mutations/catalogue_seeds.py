"""The hand-written catalogue's mutants (catalogue.py) on many seeds.

Each catalogue mutant edits one solution region; here the same edit is
made in the generated module of its assignment (extract.py: the regions
verbatim) and the result is graded by the same in-process check as the
tool's mutants (check.check_source), on every seed, by the hidden tests of
every function the edit can affect. Issue 8 asks that every one of them is
caught on every one of at least 300 seeds.

    python -m tests.autograder.mutations.catalogue_seeds --seeds 300
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterable

from tests.autograder.mutations import check
from tests.autograder.mutations.callgraph import BUILD, Target
from tests.autograder.mutations.catalogue import MUTANTS, Mutant
from tests.autograder.mutations.extract import targets as all_targets
from tests.autograder.mutations.submissions import mutate_source


def mutated_module(target: Target, mutant: Mutant) -> str:
    """The module's text with the catalogue mutant's edit made in the
    solution region of its function."""
    first, last = target.functions[mutant.function]
    lines = target.source.splitlines(keepends=True)
    function = "".join(lines[first - 1 : last])
    return "".join(lines[: first - 1]) + mutate_source(function, mutant) + "".join(lines[last:])


def run(seeds: Iterable[int], targets: list[Target] | None = None) -> dict[str, check.Outcome]:
    """{mutant name: what the hidden tests made of it over `seeds`}."""
    by_assignment = {t.assignment: t for t in targets or all_targets()}
    seeds = list(seeds)
    outcomes = {}
    for mutant in MUTANTS:
        target = by_assignment[mutant.assignment]
        outcomes[mutant.name] = check.check_source(target, mutated_module(target, mutant), seeds)
    return outcomes


def render(outcomes: dict[str, check.Outcome]) -> str:
    rates = {name: o.escaped / o.seeds if o.seeds else 1.0 for name, o in outcomes.items()}
    worst = max(rates, key=rates.get)
    lines = [
        "# The catalogue's mutants on many seeds",
        "",
        f"- mutants: {len(outcomes)}; seeds each: {max(o.seeds for o in outcomes.values())}",
        f"- worst escape rate: {rates[worst]:.3f} (`{worst}`)",
        "",
        "| mutant | tests run | seeds | escaped | first caught by (seeds) |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for name, outcome in outcomes.items():
        caught = ", ".join(f"{test} ({n})" for test, n in outcome.caught_by.items())
        lines.append(
            f"| `{name}` | {', '.join(outcome.tests)} | {outcome.seeds} | {outcome.escaped} "
            f"| {caught or outcome.error} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=300)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # overflow warnings of mutants are noise here
    outcomes = run(range(args.seeds))
    text = render(outcomes)
    (BUILD / "catalogue.md").write_text(text)
    print(text)
    return 1 if any(o.escaped or o.seeds != args.seeds for o in outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
