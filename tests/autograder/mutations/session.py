"""Cosmic Ray sessions over the generated modules, and what they found.

One session per assignment module: ``cosmic-ray init`` makes every mutant
its operators can make of the module, ``cr-filter-pragma`` skips those on
lines marked ``# pragma: no mutate`` (signatures and docstrings, which
students do not write), and ``cosmic-ray exec`` applies each mutant to the
file in turn and runs the per-mutant check (check.py) on it. Sessions of
different modules touch different files, so they run side by side.

A mutant is named by a stable identity (:class:`Identity`): the assignment's
text source, the function, the text of the mutated line, the operator and
which of that operator's mutations of that line it is, so the list of
equivalent mutants survives edits elsewhere in an assignment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult

from tests.autograder.mutations.callgraph import ROOT, Target
from tests.autograder.mutations.check import RESULT_PREFIX

BIN = Path(sys.executable).parent
TIMEOUT = 600.0
"""Seconds one mutant's check may take (300 seeds take a few seconds; a
mutant that loops for ever is killed, as the grader's time limit would)."""


@dataclass(frozen=True, order=True)
class Identity:
    """What names a mutant across runs (not its line number)."""

    file: str
    function: str
    line: str
    operator: str
    index: int = 0

    def key(self) -> str:
        return f"{self.file} :: {self.function} :: {self.line} :: {self.operator} #{self.index}"


@dataclass
class Mutant:
    """One mutant of a session and what the check made of it.

    outcome: "killed", "survived", "timeout" or "incompetent" (the tool
    could not run it). seeds and escaped: from the check's MUTATION-RESULT
    line (escaped: seeds on which it scored full marks everywhere).
    """

    identity: Identity
    job_id: str
    line_number: int
    diff: str
    outcome: str
    seeds: int
    escaped: int
    tests: list[str]
    caught_by: dict[str, int]
    error: str


def config_text(module: Path, seeds: int, skip: tuple[int, ...] = ()) -> str:
    """The session's Cosmic Ray configuration (TOML): check on seeds
    0..seeds-1 but those in `skip`."""
    command = f"{BIN / 'python'} -m tests.autograder.mutations.check {module} --seeds {seeds}"
    if skip:
        command += " --skip " + " ".join(str(seed) for seed in skip)
    return (
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        f"timeout = {TIMEOUT}\n"
        "excluded-modules = []\n"
        f'test-command = "{command}"\n'
        "\n[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )


def session_path(module: Path) -> Path:
    return module.with_suffix(".sqlite")


def _run(*command: str) -> None:
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def init(module: Path, seeds: int, skip: tuple[int, ...] = ()) -> Path:
    """A new session over `module` (an old one is replaced), with the
    pragma-marked lines skipped; returns the session file."""
    config = module.with_suffix(".toml")
    config.write_text(config_text(module, seeds, skip))
    session = session_path(module)
    session.unlink(missing_ok=True)
    _run(str(BIN / "cosmic-ray"), "init", str(config), str(session))
    _run(str(BIN / "cr-filter-pragma"), str(session))
    return session


def keep_only(session: Path, job_ids: set[str]) -> None:
    """Skip every pending mutant of `session` but `job_ids` (a sample)."""
    skipped = WorkResult(worker_outcome=WorkerOutcome.SKIPPED)
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            if item.job_id not in job_ids:
                db.set_result(item.job_id, skipped)


def execute(module: Path) -> subprocess.Popen:
    """Start ``cosmic-ray exec`` on the session of `module` (niced, one
    BLAS thread: the machine is shared)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.Popen(
        [
            "nice",
            str(BIN / "cosmic-ray"),
            "exec",
            str(module.with_suffix(".toml")),
            str(session_path(module)),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def code_of(line: str) -> str:
    """A line's code without its indentation and trailing comment (a
    comment edited elsewhere does not rename the mutant)."""
    for match in re.finditer("#", line):
        before = line[: match.start()]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return before.strip()
    return line.strip()


def identities(target: Target, session: Path) -> dict[str, Identity]:
    """{job id: identity} of every mutant of the session, skipped or not."""
    lines = target.source.splitlines()
    found: dict[str, tuple[Identity, tuple[int, int, int]]] = {}
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in db.work_items:
            (mutation,) = item.mutations
            row, column = mutation.start_pos
            identity = Identity(
                f"assignments/{target.assignment}/{target.assignment}.md",
                target.function_at(row) or "<module>",
                code_of(lines[row - 1]),
                mutation.operator_name,
            )
            found[item.job_id] = identity, (row, column, mutation.occurrence)
    # Number the mutations an operator makes of the same line text, left to
    # right (cosmic-ray's occurrence orders those made at the same place).
    ordered = sorted(found.items(), key=lambda kv: kv[1])
    seen: dict[Identity, int] = {}
    result = {}
    for job_id, (identity, _) in ordered:
        index = seen.get(identity, 0)
        seen[identity] = index + 1
        result[job_id] = Identity(**{**identity.__dict__, "index": index})
    return result


def results(target: Target, session: Path) -> list[Mutant]:
    """Every mutant the session ran (not the skipped ones), with its outcome."""
    named = identities(target, session)
    mutants = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        items = {item.job_id: item for item in db.work_items}
        for job_id, result in db.results:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            record = {}
            for line in (result.output or "").splitlines():
                if line.startswith(RESULT_PREFIX):
                    record = json.loads(line.removeprefix(RESULT_PREFIX))
            if result.output == "timeout":
                outcome = "timeout"
            elif result.worker_outcome != WorkerOutcome.NORMAL or not record:
                outcome = "incompetent"
            else:
                outcome = "killed" if result.is_killed else "survived"
            mutants.append(
                Mutant(
                    named[job_id],
                    job_id,
                    items[job_id].mutations[0].start_pos[0],
                    result.diff or "",
                    outcome,
                    record.get("seeds", 0),
                    record.get("escaped", 0),
                    record.get("tests", []),
                    record.get("caught_by", {}),
                    record.get("error", "") or ("" if record else (result.output or "")[-500:]),
                )
            )
    return sorted(mutants, key=lambda m: m.identity)
