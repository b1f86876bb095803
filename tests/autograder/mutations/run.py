"""Mutation testing of the hidden tests, end to end (``make mutation-test``).

    python -m tests.autograder.mutations.run --seeds 300 --workers 2

1. extract the target modules from the assignments (extract.py);
2. fill the reference cache (refcache.py), `workers` at once;
3. baseline: the seeds on which an unmutated module loses points in some
   hidden test, judged in full, are left out (a mutant cannot be judged
   there), and later seeds take their place, so every mutant meets N seeds
   on which the reference earns full marks; the report lists them;
4. the catalogue's mutants on those seeds (catalogue_seeds.py), to
   ``_build/mutation/catalogue.md``;
5. one cosmic-ray session per module, at most `workers` at once, each
   mutant checked on those seeds (check.py);
6. the report (report.py) to ``_build/mutation/report.md``, printed; the
   figures also go to ``_build/mutation/results.json``.

Exit status 1 when the baseline fails or a mutant is a hole.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.autograder.mutations import catalogue_seeds, check, refcache, session
from tests.autograder.mutations.callgraph import BUILD
from tests.autograder.mutations.extract import build_targets
from tests.autograder.mutations.extract import targets as all_targets
from tests.autograder.mutations.report import Summary, load_equivalent, render

SPARE = 10
"""Seeds drawn beyond N, to replace seeds on which the unmutated modules
lose points (a mutant cannot be judged on those: every mutant "fails")."""


def fill_cache(count: int, workers: int) -> None:
    """The references of seeds 0..count-1, `workers` processes at a time."""
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(refcache.ensure, range(count), chunksize=4))


def baseline(targets, seeds: range) -> dict[int, list[str]]:
    """{seed: ["<assignment>: <test>", ...]} for the seeds on which an
    unmutated module loses points, every test judged in full."""
    failing: dict[int, list[str]] = {}
    for target in targets:
        namespace = check.load_functions(target.source, target.path)
        for seed, data in zip(seeds, refcache.load(target.graded(), seeds), strict=True):
            for name in target.graded():
                if check.grade_seed(namespace, [name], data) is not None:
                    failing.setdefault(seed, []).append(f"{target.assignment}: {name}")
    return failing


def choose_seeds(seeds: int, failing: dict[int, list[str]]) -> tuple[int, tuple[int, ...]]:
    """(count, skip): the first `seeds` seeds on which every unmutated
    module earns full marks are 0..count-1 but `skip`."""
    good = [seed for seed in range(seeds + SPARE) if seed not in failing][:seeds]
    if len(good) < seeds:
        raise RuntimeError(f"the unmutated modules lose points on too many seeds: {failing}")
    count = good[-1] + 1
    return count, tuple(seed for seed in range(count) if seed in failing)


def run_sessions(targets, count: int, skip, workers: int, resume: bool) -> None:
    """Each module's session, the largest first, `workers` at a time."""
    queue = sorted(targets, key=lambda t: len(t.source), reverse=True)
    if not resume:
        for target in queue:
            session.init(target.path, count, skip)
    running: list = []
    while queue or running:
        while queue and len(running) < workers:
            running.append(session.execute(queue.pop(0).path))
        time.sleep(2)
        for process in list(running):
            if process.poll() is not None:
                if process.returncode:
                    raise RuntimeError(f"cosmic-ray exec failed: {process.args}")
                running.remove(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--resume", action="store_true", help="finish the existing sessions instead of new ones"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="report on the existing sessions, run nothing"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    targets = all_targets(BUILD) if args.report_only else build_targets(BUILD)
    fill_cache(args.seeds + SPARE, args.workers)
    failing = baseline(targets, range(args.seeds + SPARE))
    count, skip = choose_seeds(args.seeds, failing)
    if not args.report_only:
        refcache.write_bundles(count)
        seeds = [seed for seed in range(count) if seed not in skip]
        catalogue = catalogue_seeds.render(catalogue_seeds.run(seeds, targets))
        (BUILD / "catalogue.md").write_text(catalogue)
        print(catalogue)
        run_sessions(targets, count, skip, args.workers, args.resume)
    mutants = [m for t in targets for m in session.results(t, session.session_path(t.path))]
    notes = [
        f"seed {seed}: the unmutated module loses points in {', '.join(tests)}; "
        "left out, and a later seed used instead"
        for seed, tests in sorted(failing.items())
        if seed < count
    ]
    summary = Summary(mutants, load_equivalent(), args.seeds)
    text = render(summary, None if args.report_only else time.monotonic() - started, notes)
    Path(BUILD / "report.md").write_text(text)
    Path(BUILD / "results.json").write_text(
        json.dumps([{**m.__dict__, "identity": m.identity.key()} for m in mutants], indent=1)
    )
    print(text)
    return 1 if summary.holes else 0


if __name__ == "__main__":
    sys.exit(main())
