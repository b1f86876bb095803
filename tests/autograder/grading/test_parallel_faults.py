"""Faults during a parallel batch: real `course grade` processes, a real Dask
scheduler and workers, real sandboxed kernels and a real nbgrader gradebook.

- a Dask worker SIGKILLed while it grades a submission: the submission is
  graded on the other worker and recorded exactly once;
- the only Dask worker SIGKILLed while it grades: the submission waits for
  the next worker to join and is graded there (nothing it needs was held
  by the dead worker alone);
- the coordinator SIGKILLed mid-batch on a Dask cluster: the rerun grades
  what is left, nothing lost, nothing graded twice;
- a submission that hangs, and one whose processes together flood memory,
  cost only their own worker: the flood is killed at the memory cap while
  its neighbours, graded at the same time, finish with full marks.

Heavy: each test grades a handful of assignment 1 notebooks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograder.coursedir import CONFIG_NAME, Course
from autograder.grading.seed import load_or_create_seed
from tests.autograder.dask_cluster import dask_cluster
from tests.autograder.redteam.attacks import FORK_AND_ALLOCATE
from tests.autograder.redteam.batch import scores, submission_counts
from tests.autograder.redteam.notebooks import ASSIGNMENT, FULL_MARKS

pytestmark = pytest.mark.slow

BATCH_TIMEOUT_S = 600
SLOW_SECONDS = 25
"""How long the slow student's first cell sleeps: the window in which its worker is killed."""

MEMORY_CAP = 384 * 1024**2
"""The test course's memory cap: FORK_AND_ALLOCATE's six 96 MiB children are
well over it."""

HANG = "import time\ntime.sleep(10**6)\n"


@pytest.fixture
def course(released_course, tmp_path) -> Path:
    """A fresh copy of the released course with its own grading seed."""
    root = tmp_path / "course"
    shutil.copytree(
        released_course,
        root,
        ignore=shutil.ignore_patterns("submitted", "autograded", "feedback", "results"),
    )
    (root / ".grading-seed").unlink(missing_ok=True)
    load_or_create_seed(root)
    return root


def _source(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(Course(course).source_notebook(ASSIGNMENT), 4)


def _write(folder: Path, student: str, notebook) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{student}_{ASSIGNMENT}.ipynb")


def _with_first_cell(notebook, source: str):
    changed = nbformat.from_dict(json.loads(json.dumps(notebook)))
    changed.cells.insert(1, new_code_cell(source))
    return changed


def _grade(course: Path, folder: Path, *extra: str, log: Path) -> subprocess.Popen:
    """Start `course grade` (the real entry point) in its own session."""
    handle = log.open("wb")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT, str(folder)]
            + ["--course", str(course), *extra],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1"},
            start_new_session=True,
        )
    finally:
        handle.close()


def _finish(process: subprocess.Popen, log: Path) -> tuple[int, str]:
    try:
        code = process.wait(timeout=BATCH_TIMEOUT_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return code, log.read_text(encoding="utf-8", errors="replace")


def _summary(output: str) -> tuple[int, int]:
    match = re.search(rf"{ASSIGNMENT}:\s+(\d+)\s+graded,\s+(\d+)\s+rejected", output)
    assert match, output[-3000:]
    return int(match.group(1)), int(match.group(2))


def _record(course: Path, student: str) -> dict:
    return json.loads(Course(course).result_record(ASSIGNMENT, student).read_text("utf-8"))


def _executing(client) -> dict[str, list[str]]:
    """{worker address: keys of the tasks it is running now}."""

    def running(dask_worker):
        return [str(task.key) for task in dask_worker.state.executing]

    return client.run(running)


def test_a_worker_killed_mid_submission_is_replaced_and_the_result_recorded_once(course, tmp_path):
    """With two Dask workers, SIGKILL the one grading the slow student while its
    kernel runs: does the batch still grade every student once, with the slow
    one graded (full marks) by the other worker?"""
    folder = tmp_path / "submissions"
    source = _source(course)
    _write(folder, "slow", _with_first_cell(source, f"import time\ntime.sleep({SLOW_SECONDS})\n"))
    for index in range(3):
        _write(folder, f"quick{index}", source)
    with dask_cluster(tmp_path / "dask", workers=2) as cluster:
        log = tmp_path / "grade.log"
        batch = _grade(course, folder, "--scheduler", cluster.address, log=log)
        killed = _kill_the_worker_grading(cluster, "slow", batch)
        survivor = (cluster.worker_pids() - {killed}).pop()
        code, output = _finish(batch, log)
    assert code == 0, output[-3000:]
    assert _summary(output) == (4, 0)
    assert submission_counts(course) == {s: 1 for s in ("slow", "quick0", "quick1", "quick2")}
    assert set(scores(course).values()) == {FULL_MARKS}
    assert _record(course, "slow")["worker"].endswith(f":{survivor}")


def test_the_only_worker_killed_mid_submission_hands_it_to_the_next_worker_to_join(
    course, tmp_path
):
    """One Dask worker, SIGKILLed while it grades the slow student; a new worker
    joins afterwards (an instructor restarting it): is the slow student graded
    by the new worker, once, with full marks? Nothing the killed worker held
    may be needed to grade it (data it alone held is lost with it)."""
    folder = tmp_path / "submissions"
    source = _source(course)
    _write(folder, "slow", _with_first_cell(source, f"import time\ntime.sleep({SLOW_SECONDS})\n"))
    _write(folder, "quick0", source)
    with dask_cluster(tmp_path / "dask", workers=1) as cluster:
        log = tmp_path / "grade.log"
        batch = _grade(course, folder, "--scheduler", cluster.address, log=log)
        _kill_the_worker_grading(cluster, "slow", batch)
        assert not cluster.worker_pids()
        newcomer = cluster.add_worker()
        code, output = _finish(batch, log)
    assert code == 0, output[-3000:]
    assert _summary(output) == (2, 0)
    assert submission_counts(course) == {"slow": 1, "quick0": 1}
    assert set(scores(course).values()) == {FULL_MARKS}
    assert _record(course, "slow")["worker"].endswith(f":{newcomer}")


def _kill_the_worker_grading(cluster, student: str, batch: subprocess.Popen) -> int:
    """SIGKILL the worker grading `student`, a third of the way into its slow
    cell (the kernel runs); its pid."""
    client = cluster.client()
    try:
        victim = None
        deadline = time.monotonic() + BATCH_TIMEOUT_S / 2
        while victim is None and time.monotonic() < deadline and batch.poll() is None:
            for address, keys in _executing(client).items():
                if any(key.startswith(f"grade-{student}-") for key in keys):
                    victim = address
            time.sleep(0.2)
        assert victim is not None, f"{student} was never being graded"
        time.sleep(SLOW_SECONDS / 3)  # well inside the sleeping cell: the kernel runs
        killed = client.run(os.getpid, workers=[victim])[victim]
    finally:
        client.close()
    cluster.kill_worker(killed)
    return killed


def test_a_coordinator_killed_mid_batch_resumes_without_loss_or_double_grading(course, tmp_path):
    """SIGKILL `course grade --scheduler` once the first student is recorded,
    then run it again: is every student graded once, with the students
    finished before the kill skipped (their ledgers untouched)?"""
    folder = tmp_path / "submissions"
    students = [f"student{index}" for index in range(6)]
    for student in students:
        _write(folder, student, _source(course))
    ledgers = {student: Course(course).ledger_file(ASSIGNMENT, student) for student in students}
    with dask_cluster(tmp_path / "dask", workers=2) as cluster:
        first = _grade(course, folder, "--scheduler", cluster.address, log=tmp_path / "1.log")
        try:
            deadline = time.monotonic() + BATCH_TIMEOUT_S / 2
            while not any(path.exists() for path in ledgers.values()):
                assert time.monotonic() < deadline and first.poll() is None, "nothing graded"
                time.sleep(0.05)
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        before = {s: p.stat().st_mtime_ns for s, p in ledgers.items() if p.exists()}
        assert 0 < len(before) < len(students)
        second = _grade(course, folder, "--scheduler", cluster.address, log=tmp_path / "2.log")
        code, output = _finish(second, tmp_path / "2.log")
    assert first.returncode == -signal.SIGKILL
    assert code == 0, output[-3000:]
    assert f"{len(before)} submission(s) already graded" in " ".join(output.split())
    assert _summary(output) == (len(students) - len(before), 0)
    assert submission_counts(course) == dict.fromkeys(students, 1)
    assert scores(course) == dict.fromkeys(students, FULL_MARKS)
    assert {s: ledgers[s].stat().st_mtime_ns for s in before} == before


def test_a_hang_and_a_memory_flood_cost_only_their_own_slot(course, tmp_path):
    """Grading on two local workers, with a 384 MiB cap per kernel: is the
    fork-and-allocate notebook killed at the cap (its record says so), does
    the hanging one lose only its own time (the cell is interrupted, the
    other worker grades on meanwhile), and do the honest neighbours earn
    full marks?"""
    with (course / CONFIG_NAME).open("a", encoding="utf-8") as config:
        config.write(
            f"c.SandboxedKernelManager.memory_cap = {MEMORY_CAP}\nc.TrustedExecute.timeout = 20\n"
        )
    folder = tmp_path / "submissions"
    source = _source(course)
    _write(folder, "flood", _with_first_cell(source, FORK_AND_ALLOCATE))
    _write(folder, "hang", _with_first_cell(source, HANG))
    honest = [f"honest{index}" for index in range(4)]
    for student in honest:
        _write(folder, student, source)
    log = tmp_path / "grade.log"
    code, output = _finish(_grade(course, folder, "--workers", "2", log=log), log)
    assert code == 0, output[-3000:]
    assert _summary(output) == (6, 0)
    found = scores(course)
    assert {student: found[student] for student in honest} == dict.fromkeys(honest, FULL_MARKS)
    assert found["hang"] == FULL_MARKS  # the sleeping cell was interrupted, nothing else lost
    assert found["flood"] == 0.0
    flood = _record(course, "flood")["limits"]
    assert flood["killed_for_memory"] is True and flood["memory_cap_bytes"] == MEMORY_CAP
    assert not _record(course, "hang")["limits"]["killed_for_memory"]
    ledger_times = {
        student: Course(course).ledger_file(ASSIGNMENT, student).stat().st_mtime
        for student in [*honest, "hang"]
    }
    # The other slot kept grading while the hanging notebook held its own.
    assert any(ledger_times[student] < ledger_times["hang"] for student in honest)
