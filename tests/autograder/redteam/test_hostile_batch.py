"""One batch of hostile and broken submissions, graded by the real `course grade`.

Heavy: the session fixture ``hostile_batch`` grades about 70 submissions
(every case of cases.HOSTILE_CASES and the ten honest students) in one run
of a few minutes; every test below only reads what that run left behind.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from autograder.coursedir import Course
from autograder.grading.seed import SEED_FILE_NAME
from autograder.kernels import KERNEL_NAME
from tests.autograder.redteam import attacks, snapshot
from tests.autograder.redteam.batch import (
    autograded_notebook,
    ledger,
    max_score,
    scores,
    submission_counts,
)
from tests.autograder.redteam.cases import HOSTILE_CASES
from tests.autograder.redteam.honest import HONEST_STUDENTS
from tests.autograder.redteam.notebooks import ASSIGNMENT, FULL_MARKS

pytestmark = pytest.mark.slow

MAX_AUTOGRADED_BYTES = 2 * 1024**2
"""An autograded notebook whose outputs were capped stays well below this
(the honest one is about 30 kB)."""

GRADED = [pytest.param(case, id=case.student) for case in HOSTILE_CASES if case.score is not None]
REJECTED = [pytest.param(case, id=case.student) for case in HOSTILE_CASES if case.rejected]
ORACLES = [pytest.param(case, id=case.student) for case in HOSTILE_CASES if case.attack_ran]


def _allowed_new_path(course: Path, path: str, students: set[str]) -> bool:
    """Grading may add files only in a graded student's own folders, and
    `course grade` its kernelspec."""
    kernelspec = Course(course).kernelspec_dir(KERNEL_NAME) / "kernel.json"
    if path == str(kernelspec.relative_to(course)):
        return True
    parts = Path(path).parts
    if parts[0] in ("submitted", "autograded") and len(parts) > 1:
        return parts[1] in students
    if parts[:2] == ("results", ASSIGNMENT) and len(parts) > 2:
        return parts[2] in students
    return False


def test_the_batch_finished_and_counted_every_submission(hostile_batch):
    """Does `course grade` get through the whole hostile batch, exit 1 (some
    files rejected) and count every graded and rejected file?"""
    run = hostile_batch.run
    assert run.finished, f"the batch did not finish in time:\n{run.output[-3000:]}"
    assert run.exit_code == 1, run.output[-3000:]
    graded = sum(case.score is not None for case in HOSTILE_CASES) + len(HONEST_STUDENTS)
    rejected = sum(bool(case.rejected) for case in HOSTILE_CASES)
    may_reject = sum(bool(case.may_reject) for case in HOSTILE_CASES)
    counts = run.summary_counts()
    assert counts is not None, run.output[-3000:]
    # Only the cases the table allows to be rejected may move from one count
    # to the other; every file is counted once.
    assert graded - may_reject <= counts[0] <= graded
    assert counts[0] + counts[1] == graded + rejected


@pytest.mark.parametrize("case", GRADED)
def test_each_submission_gets_the_score_it_must(hostile_batch, case):
    """Does each hostile or broken submission score exactly what the case
    table says (honest parts keep their points, attacks earn nothing), or,
    where the table allows it, is it rejected with a clear reason and no
    grade?"""
    observed = scores(hostile_batch.course).get(case.student)
    # (a case that is rejected on purpose has its reason tested below)
    reasons = [] if case.rejected else hostile_batch.run.reasons_for(case.student)
    if case.may_reject and reasons:
        assert observed is None, f"rejected ({reasons}) yet graded {observed}"
        assert any(case.may_reject in reason for reason in reasons), reasons
        assert not any("raise " in reason for reason in reasons), reasons
        return
    assert observed == case.score, (
        f"{case.student} ({case.attack}): expected {case.score}, got {observed}; "
        f"summary says {hostile_batch.run.reasons_for(case.student)}"
    )
    assert ledger(hostile_batch.course, case.student).exists()


def test_points_tampering_does_not_change_the_maximum(hostile_batch):
    """Is assignment 1 still worth 7 points after submissions that changed
    their test cells' points?"""
    assert max_score(hostile_batch.course) == FULL_MARKS


@pytest.mark.parametrize("case", REJECTED)
def test_each_rejection_is_listed_with_its_reason(hostile_batch, case):
    """Does the batch summary name each unreadable file with a clear reason,
    and keep a file that must not be graded out of the gradebook?"""
    mine = hostile_batch.run.reasons_for(case.student)
    assert any(case.rejected in reason for reason in mine), (case.rejected, mine)
    if case.score is None:
        assert case.student not in scores(hostile_batch.course)


@pytest.mark.parametrize("case", ORACLES)
def test_each_oracle_attack_ran_to_its_end(hostile_batch, case):
    """Did each oracle attack run and report, so that its score of zero means
    'the attack failed' and not 'the kernel died first'?"""
    notebook = nbformat.read(autograded_notebook(hostile_batch.course, case.student), 4)
    texts = [out.get("text", "") for cell in notebook.cells for out in cell.get("outputs", [])]
    assert any(attacks.ATTACK_DONE in text for text in texts)


def test_nothing_outside_the_graded_students_folders_changed(hostile_batch):
    """Are the course directory (gradebook aside), the seed and the sentinel
    student's folder exactly as before, with new files only in the graded
    students' own submitted/, autograded/ and results/ folders?"""
    students = {case.student for case in HOSTILE_CASES if case.score is not None}
    students |= {honest.student for honest in HONEST_STUDENTS}
    found = snapshot.changes(hostile_batch.before, hostile_batch.after)
    unexpected = {
        path: change
        for path, change in found.items()
        if not (change == "added" and _allowed_new_path(hostile_batch.course, path, students))
    }
    assert unexpected == {}
    sentinel = str(hostile_batch.context.sentinel.relative_to(hostile_batch.course))
    for kept in (sentinel, SEED_FILE_NAME):
        assert hostile_batch.after.get(kept) == hostile_batch.before[kept], kept
    assert hostile_batch.after[SEED_FILE_NAME][1] == 0o600


def test_the_repository_is_untouched(hostile_batch):
    """Are solutions/ and autograder/ byte for byte what they were?"""
    assert snapshot.changes(hostile_batch.repository_before, hostile_batch.repository_after) == {}


def test_no_file_was_planted_outside_the_sandbox(hostile_batch):
    """Did no attack create a file in the repository, the kernel's environment,
    the course, /usr or /etc, nor unpack one outside its folder (zip slip)?"""
    planted = [p for p in hostile_batch.context.planted_paths() if p.exists()]
    escaped = list(hostile_batch.folder.parent.rglob("redteam-zipslip.txt"))
    assert planted == [] and escaped == []


def test_no_connection_reached_the_graders_host(hostile_batch, listener):
    """Did no submission connect to the grader's loopback or abstract sockets?"""
    assert listener.connections == []


def test_no_process_outlived_its_kernel(hostile_batch):
    """Is the orphan that a submission started gone with its sandbox?"""
    marker = hostile_batch.context.marker.encode()
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    alive.append(entry.name)
            except OSError:
                continue
    assert alive == []


def test_scratch_folders_are_removed(hostile_batch):
    """Is the grader's temporary folder empty after the batch (no scratch folder,
    no 240 MiB of a disk-filling submission left behind)?"""
    assert os.listdir(hostile_batch.temporary) == []


def test_forked_and_memory_hungry_kernels_were_stopped_by_their_limits(hostile_batch):
    """Did the fork bomb hit the process limit, the memory bomb the memory
    limit and the disk filler the file-size limit, inside their own cells?"""
    course = hostile_batch.course

    def attack_output(student: str, text: str) -> str:
        notebook = nbformat.read(autograded_notebook(course, student), 4)
        cell = next(c for c in notebook.cells if c.cell_type == "code" and text in c.source)
        return "\n".join(
            o.get("text", "") + o.get("ename", "") + o.get("evalue", "") for o in cell.outputs
        )

    forked = re.search(r"forked (\d+) children", attack_output("forkbomb", "os.fork()"))
    assert forked is not None and 0 < int(forked.group(1)) < 2000
    assert "MemoryError" in attack_output("memorybomb", "def grab")
    assert "File too large" in attack_output("diskfill", "filler")


def test_an_output_flood_is_capped(hostile_batch):
    """Is a 200 MiB output flood cut to a small autograded notebook?"""
    size = autograded_notebook(hostile_batch.course, "outputflood").stat().st_size
    assert size < MAX_AUTOGRADED_BYTES


def test_every_submission_is_one_gradebook_row(hostile_batch):
    """Has every student at most one submission of assignment 1?"""
    assert set(submission_counts(hostile_batch.course).values()) == {1}


def _output_text(path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def test_display_updates_cannot_reach_a_score(hostile_batch):
    """Did the displays the stubs made during the probes, updated by a later
    cell, leave every grade cell's score as the verdict wrote it (0)?"""
    path = autograded_notebook(hostile_batch.course, "displayhijack")
    assert "updated every hijacked display" in _output_text(path)
    notebook = nbformat.read(path, as_version=4)
    results = [
        output.data["text/plain"]
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
        for output in cell.outputs
        if output.output_type == "execute_result"
    ]
    assert results == ["0"] * 5


def test_hidden_inputs_are_gone_once_their_probe_returned(hostile_batch):
    """Did a cell right after the first test find no hidden-input file left?"""
    text = _output_text(autograded_notebook(hostile_batch.course, "leftoverinputs"))
    assert "hidden input files still there: []" in text


def test_a_test_above_its_function_says_so(hostile_batch):
    """Does a test cell that runs before its function's cell explain why it
    failed, naming the order of the cells?"""
    text = _output_text(autograded_notebook(hostile_batch.course, "testabove"))
    assert "not defined when this test cell runs: softmax (cells run from the top" in text
