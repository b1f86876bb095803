"""Mutation testing of the hidden tests, end to end (``make mutation-test``).

    python -m tests.autograder.mutations.run --seeds 300 --workers 2

1. extract the target modules from the assignments (extract.py);
2. fill the reference cache for seeds 0..N-1 (refcache.py), `workers` at once;
3. baseline: the unmutated modules must earn full marks in every hidden
   test on every seed, judged in full (else nothing below means anything);
4. one cosmic-ray session per module, at most `workers` at once, each
   mutant checked on every seed (check.py);
5. the report (report.py) to ``_build/mutation/report.md``, printed; the
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

from tests.autograder.mutations import check, refcache, session
from tests.autograder.mutations.callgraph import BUILD
from tests.autograder.mutations.extract import build_targets
from tests.autograder.mutations.extract import targets as all_targets
from tests.autograder.mutations.report import Summary, load_equivalent, render


def fill_cache(seeds: int, workers: int) -> None:
    """Every seed's references, then the per-test bundles the checks read."""
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(refcache.ensure, range(seeds), chunksize=4))
    refcache.write_bundles(seeds)


def baseline(targets, seeds: int) -> list[str]:
    """Problems of the unmutated modules: each must escape on every seed."""
    problems = []
    for target in targets:
        outcome = check.check_source(
            target, target.source, range(seeds), target.graded(), shortcut=False
        )
        if outcome.error or outcome.escaped != outcome.seeds:
            problems.append(f"{target.assignment}: {outcome.as_json()}")
    return problems


def run_sessions(targets, seeds: int, workers: int, resume: bool) -> None:
    """Each module's session, the largest first, `workers` at a time."""
    queue = sorted(targets, key=lambda t: len(t.source), reverse=True)
    if not resume:
        for target in queue:
            session.init(target.path, seeds)
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
    if args.report_only:
        targets = all_targets(BUILD)
    else:
        targets = build_targets(BUILD)
        fill_cache(args.seeds, args.workers)
        problems = baseline(targets, args.seeds)
        if problems:
            print("the unmutated modules do not earn full marks:\n" + "\n".join(problems))
            return 1
        run_sessions(targets, args.seeds, args.workers, args.resume)
    mutants = [m for t in targets for m in session.results(t, session.session_path(t.path))]
    summary = Summary(mutants, load_equivalent(), args.seeds)
    text = render(summary, None if args.report_only else time.monotonic() - started)
    Path(BUILD / "report.md").write_text(text)
    Path(BUILD / "results.json").write_text(
        json.dumps([{**m.__dict__, "identity": m.identity.key()} for m in mutants], indent=1)
    )
    print(text)
    return 1 if summary.holes else 0


if __name__ == "__main__":
    sys.exit(main())
