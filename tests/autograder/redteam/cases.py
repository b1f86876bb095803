"""The case table: every hostile or broken submission and what it must get.

Each case writes its files into the batch folder (flat files named with the
student id, zips or folders, as a learning-management system exports them)
and states its expected outcome: a score (points of assignment 1, out of
7: rel_error 1, numerical_gradient 2, softmax 1, softmax_jacobian 1,
softmax_cross_entropy 2), or a rejection whose reason the batch summary must
show, or both (a duplicate submission: one graded, one rejected).

Categories: "structural" (broken or rearranged files), "resource" (abuse of
time, memory, processes, output, disk), "integrity" (attempts at marks not
earned or at files outside the submission's scratch folder).
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook

from autograder.grading.seed import SEED_FILE_NAME
from tests.autograder.redteam import attacks
from tests.autograder.redteam.notebooks import (
    ASSIGNMENT,
    FULL_MARKS,
    POINTS,
    after_each_solution,
    after_imports,
    after_test,
    delete_cells,
    dumps,
    edit_test_cells,
    grade_cell_index,
    grade_cell_indices,
    insert_cell,
    printed_expected_values,
    replace_solution,
    solution_cell_index,
)


@dataclass(frozen=True)
class Context:
    """What the cases are built from.

    source, release: assignment 1's instructor notebook (solutions) and the
    student release (stubs). course: the course directory being graded.
    repository: the repository (solutions/, autograder/). kernel_site_packages,
    grader_site_packages: the site-packages of the grading kernel's
    environment and of the grader's (.venv). sentinel: a file in another student's
    submitted folder. port, abstract_socket: a TCP port on 127.0.0.1 and an
    abstract Unix socket name the test listens on. marker: a token unique to
    this run, for process names and planted files.
    """

    source: object
    release: object
    course: Path
    repository: Path
    kernel_site_packages: tuple[Path, ...]
    grader_site_packages: tuple[Path, ...]
    sentinel: Path
    port: int
    abstract_socket: str
    marker: str

    @property
    def seed_file(self) -> Path:
        return self.course / SEED_FILE_NAME

    @property
    def gradebook(self) -> Path:
        return self.course / "gradebook.db"

    def planted_paths(self) -> list[Path]:
        """Where the write-outside attack tries to create a file."""
        name = f"redteam-{self.marker}.txt"
        return [
            self.repository / "solutions" / name,
            self.repository / "autograder" / name,
            *(folder / name for folder in self.kernel_site_packages),
            self.course / name,
            Path("/usr") / name,
            Path("/etc") / name,
        ]


@dataclass(frozen=True)
class Case:
    """One submission of the red-team batch.

    student: the id the intake must read from the file name. category and
    attack: what it is. write(context, folder): puts its files in the batch
    folder. score: the score it must receive (None: it must not be graded).
    rejected: a phrase the batch summary must show for it ("" if none).
    attack_ran: the autograded notebook must show attacks.ATTACK_DONE (the
    oracle attack ran to its end rather than the kernel dying first).
    may_reject: for a broken notebook that may be either graded (with
    `score`) or rejected, a phrase its rejection reason must contain.
    """

    student: str
    category: str
    attack: str
    write: Callable[[Context, Path], None]
    score: float | None
    rejected: str = ""
    attack_ran: bool = False
    may_reject: str = ""


# -- writers ----------------------------------------------------------------------


def _flat(student: str, build: Callable[[Context], object]):
    def write(context: Context, folder: Path) -> None:
        path = folder / f"{student}_{ASSIGNMENT}.ipynb"
        path.write_bytes(dumps(build(context)))

    return write


def _raw(file_name: str, content: Callable[[Context], bytes]):
    def write(context: Context, folder: Path) -> None:
        (folder / file_name).write_bytes(content(context))

    return write


def _zip(file_name: str, members: Callable[[Context], dict[str, bytes]]):
    def write(context: Context, folder: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members(context).items():
                archive.writestr(name, data)
        (folder / file_name).write_bytes(buffer.getvalue())

    return write


def _tree(files: Callable[[Context], dict[str, bytes]]):
    def write(context: Context, folder: Path) -> None:
        for name, data in files(context).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    return write


def _both(*writers):
    def write(context: Context, folder: Path) -> None:
        for writer in writers:
            writer(context, folder)

    return write


def _oracle(body: Callable[[Context], str]):
    """An honest notebook whose functions survive only if the attack succeeds."""

    def build(context: Context):
        attacked = after_imports(context.source, attacks.oracle_cell(body(context)))
        return after_each_solution(attacked, attacks.SABOTAGE)

    return build


def _blank(c: Context):
    return c.release


def _move_test_to_end(notebook, function: str):
    index = grade_cell_index(notebook, function)
    moved = delete_cells(notebook, [index])
    moved.cells.append(notebook.cells[index])
    return moved


def _move_test_above_solution(notebook, function: str):
    """A copy where the test cell of `function` comes right before the cell
    that defines it."""
    test = grade_cell_index(notebook, function)
    moved = delete_cells(notebook, [test])
    moved.cells.insert(solution_cell_index(moved, function), copy.deepcopy(notebook.cells[test]))
    return moved


def _paste_copy_below(notebook, index: int, **nbgrader_changes):
    """A copy with cell `index` copied and pasted right below itself, metadata
    and all (as Jupyter's copy and paste does, with a new cell id)."""
    changed = copy.deepcopy(notebook)
    pasted = copy.deepcopy(notebook.cells[index])
    pasted["id"] = new_code_cell().id
    pasted.metadata.nbgrader.update(nbgrader_changes)
    changed.cells.insert(index + 1, pasted)
    return changed


RAISE_ON_FLOAT_ERRORS = """import warnings
np.seterr(all="raise")  # exp underflowing to 0 on a large logit now raises
warnings.simplefilter("error")
"""


def _without_cell_metadata(notebook):
    """A copy whose cells have no metadata at all."""
    changed = copy.deepcopy(notebook)
    for cell in changed.cells:
        cell.metadata = {}
    return changed


def _code_pasted_into_new_notebook(notebook):
    """A new notebook holding the sources of the honest notebook's code
    cells, test cells left out."""
    tests = set(grade_cell_indices(notebook))
    pasted = new_notebook(metadata=copy.deepcopy(notebook.metadata))
    pasted.cells = [
        new_code_cell(cell.source)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and index not in tests
    ]
    return pasted


def _with_nbgrader_metadata(notebook, index: int, **changes):
    """A copy where cell `index` has these nbgrader metadata changed."""
    changed = copy.deepcopy(notebook)
    changed.cells[index].metadata.nbgrader.update(changes)
    return changed


def _edit_test_source(cell) -> None:
    cell.source = 'print("PASS: all checks passed")'


def _points_times_100(cell) -> None:
    cell.metadata.nbgrader["points"] = 100 * float(cell.metadata.nbgrader["points"])


def _other_kernelspec(notebook):
    changed = copy.deepcopy(notebook)
    changed.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    changed.metadata["language_info"] = {"name": "R"}
    return changed


def _one_function(student: str, function: str, code: str):
    """The honest notebook with one function's solution cell replaced."""
    return _flat(student, lambda c: replace_solution(c.source, function, code))


def _every_function(notebook, sources: dict[str, str]):
    """`notebook` with every graded function's solution cell replaced."""
    for function, code in sources.items():
        notebook = replace_solution(notebook, function, code)
    return notebook


def _latin1_notebook(c: Context) -> bytes:
    text = (
        dumps(c.source).decode("utf-8").replace("# Assignment 1", "# Assignment 1 \u00e9t\u00e9")
    )
    return text.encode("latin-1", errors="replace")


# -- the table ----------------------------------------------------------------------

FULL = FULL_MARKS
AFTER_TWO_TESTS = POINTS["rel_error"] + POINTS["numerical_gradient"]

STRUCTURAL = (
    Case(
        "renamed",
        "structural",
        "zip holding one notebook under another name",
        _zip(
            f"{ASSIGNMENT} - renamed.zip", lambda c: {"My homework (final).ipynb": dumps(c.source)}
        ),
        FULL,
    ),
    Case(
        "extrafolders",
        "structural",
        "zip with extra folders, __MACOSX junk and a checkpoint copy",
        _zip(
            f"extrafolders_{ASSIGNMENT}.zip",
            lambda c: {
                f"Downloads/work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb": dumps(c.source),
                f"__MACOSX/Downloads/work/{ASSIGNMENT}/._{ASSIGNMENT}.ipynb": b"\x00\x05\x16\x07",
                f"Downloads/work/{ASSIGNMENT}/.ipynb_checkpoints/{ASSIGNMENT}-checkpoint.ipynb": (
                    dumps(c.release)
                ),
                "Downloads/notes.txt": b"my notes",
            },
        ),
        FULL,
    ),
    Case(
        "wrongfolder",
        "structural",
        "student folder with the notebook in homework/ instead of a1_softmax/",
        _tree(lambda c: {f"wrongfolder/homework/{ASSIGNMENT}.ipynb": dumps(c.source)}),
        None,
        rejected=f"no folder {ASSIGNMENT}/ inside wrongfolder/",
    ),
    Case(
        "twonotebooks",
        "structural",
        "zip with two notebooks, neither named a1_softmax.ipynb",
        _zip(
            f"twonotebooks_{ASSIGNMENT}.zip",
            lambda c: {"draft.ipynb": dumps(c.release), "final.ipynb": dumps(c.source)},
        ),
        None,
        rejected="several notebooks and none named",
    ),
    Case(
        "zipslip",
        "structural",
        "zip whose member path climbs out of the unpacking folder",
        _zip(
            f"zipslip_{ASSIGNMENT}.zip",
            lambda c: {
                f"{ASSIGNMENT}.ipynb": dumps(c.source),
                "../../redteam-zipslip.txt": b"escaped",
            },
        ),
        None,
        rejected="unsafe path in zip",
    ),
    Case(
        "zipbomb",
        "structural",
        "zip that unpacks to 60 MB",
        _zip(
            f"zipbomb_{ASSIGNMENT}.zip",
            lambda c: {f"{ASSIGNMENT}.ipynb": dumps(c.source), "zeros.bin": bytes(60 * 10**6)},
        ),
        None,
        rejected="over the limit",
    ),
    Case(
        "duplicate",
        "structural",
        "two files for one student: an honest zip and the blank release",
        _both(
            _zip(
                f"{ASSIGNMENT} - duplicate.zip", lambda c: {f"{ASSIGNMENT}.ipynb": dumps(c.source)}
            ),
            _flat("duplicate", _blank),
        ),
        FULL,
        rejected="a second submission for student 'duplicate'",
    ),
    Case(
        "notjson",
        "structural",
        "not valid JSON",
        _raw(f"notjson_{ASSIGNMENT}.ipynb", lambda c: b'{"cells": [ {not json'),
        None,
        rejected="is not a valid notebook",
    ),
    Case(
        "notnbformat",
        "structural",
        "valid JSON but not a valid notebook",
        _raw(
            f"notnbformat_{ASSIGNMENT}.ipynb",
            lambda c: json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": "no"}).encode(),
        ),
        None,
        rejected="is not a valid notebook",
    ),
    Case(
        "empty",
        "structural",
        "an empty file",
        _raw(f"empty_{ASSIGNMENT}.ipynb", lambda c: b""),
        None,
        rejected="is not a valid notebook",
    ),
    Case(
        "notutf8",
        "structural",
        "the honest notebook saved as Latin-1",
        _raw(f"notutf8_{ASSIGNMENT}.ipynb", _latin1_notebook),
        None,
        rejected="is not UTF-8 text",
    ),
    Case(
        "deletedtest",
        "structural",
        "honest, with the test cell of softmax deleted",
        _flat(
            "deletedtest",
            lambda c: delete_cells(c.source, [grade_cell_index(c.source, "softmax")]),
        ),
        FULL,
    ),
    Case(
        "notests",
        "structural",
        "honest, with every test cell deleted",
        _flat("notests", lambda c: delete_cells(c.source, grade_cell_indices(c.source))),
        FULL,
    ),
    Case(
        "strippedmetadata",
        "structural",
        "honest, saved by an editor that keeps no cell metadata (no nbgrader roles left)",
        _flat("strippedmetadata", lambda c: _without_cell_metadata(c.source)),
        FULL,
    ),
    Case(
        "newnotebook",
        "structural",
        "honest code cells pasted into a new notebook: no test cells, no metadata",
        _flat("newnotebook", lambda c: _code_pasted_into_new_notebook(c.source)),
        FULL,
    ),
    Case(
        "floaterrorsraise",
        "structural",
        "honest, debugging with np.seterr(all='raise') and warnings turned into errors",
        _flat("floaterrorsraise", lambda c: after_imports(c.source, RAISE_ON_FLOAT_ERRORS)),
        FULL,
    ),
    Case(
        "movedtest",
        "structural",
        "honest, with the test cell of rel_error moved to the end",
        _flat("movedtest", lambda c: _move_test_to_end(c.source, "rel_error")),
        FULL,
    ),
    Case(
        "duplicatedtest",
        "structural",
        "honest, with the test cell of softmax duplicated at 100 points",
        _flat(
            "duplicatedtest",
            lambda c: _paste_copy_below(
                c.source, grade_cell_index(c.source, "softmax"), points=100.0
            ),
        ),
        FULL,
        may_reject="cell",
    ),
    Case(
        "duplicatedsolution",
        "structural",
        "honest, with the solution cell of softmax copied below itself (same metadata)",
        _flat(
            "duplicatedsolution",
            lambda c: _paste_copy_below(c.source, solution_cell_index(c.source, "softmax")),
        ),
        FULL,
        may_reject="cell",
    ),
    Case(
        "editedtests",
        "structural",
        "blank, with every test cell edited to print PASS",
        _flat("editedtests", lambda c: edit_test_cells(c.release, _edit_test_source)),
        0.0,
    ),
    Case(
        "pointschanged",
        "structural",
        "honest, with every test cell worth 100 times its points",
        _flat("pointschanged", lambda c: edit_test_cells(c.source, _points_times_100)),
        FULL,
    ),
    Case(
        "testeditable",
        "structural",
        "honest, with the hidden-test cell of softmax made an editable solution cell",
        _flat(
            "testeditable",
            lambda c: _with_nbgrader_metadata(
                c.source, grade_cell_index(c.source, "softmax"), solution=True, locked=False
            ),
        ),
        FULL,
        may_reject="cell",
    ),
    Case(
        "solutiongraded",
        "structural",
        "honest, with the solution cell of rel_error turned into a grade cell of 100 points",
        _flat(
            "solutiongraded",
            lambda c: _with_nbgrader_metadata(
                c.source, solution_cell_index(c.source, "rel_error"), grade=True, points=100.0
            ),
        ),
        FULL,
        may_reject="cell",
    ),
    Case(
        "kernelspec",
        "structural",
        "honest, declaring an R kernel",
        _flat("kernelspec", lambda c: _other_kernelspec(c.source)),
        FULL,
    ),
    Case(
        "askinput",
        "structural",
        "honest, calling input() before any solution",
        _flat("askinput", lambda c: after_imports(c.source, attacks.ASK_INPUT)),
        FULL,
    ),
    Case(
        "exitmidway",
        "structural",
        "honest, calling exit() after the numerical_gradient test",
        _flat("exitmidway", lambda c: after_test(c.source, "numerical_gradient", attacks.EXIT)),
        AFTER_TWO_TESTS,
    ),
    Case(
        "osexit",
        "structural",
        "honest, calling os._exit(0) after the numerical_gradient test",
        _flat("osexit", lambda c: after_test(c.source, "numerical_gradient", attacks.OS_EXIT)),
        AFTER_TWO_TESTS,
    ),
    Case(
        "killself",
        "structural",
        "honest, sending SIGKILL to its own kernel after the numerical_gradient test",
        _flat("killself", lambda c: after_test(c.source, "numerical_gradient", attacks.KILL_SELF)),
        AFTER_TWO_TESTS,
    ),
    Case(
        "forks",
        "structural",
        "honest, forking and reaping 20 children before any solution",
        _flat("forks", lambda c: after_imports(c.source, attacks.FORK_AND_REAP)),
        FULL,
    ),
    Case(
        "nanloss",
        "structural",
        "honest, but softmax_cross_entropy returns a NaN loss",
        _one_function(
            "nanloss",
            "softmax_cross_entropy",
            "def softmax_cross_entropy(logits, y):\n"
            "    n = logits.shape[0]\n"
            "    p = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p /= p.sum(axis=1, keepdims=True)\n"
            "    p[np.arange(n), y] -= 1.0\n"
            "    return float('nan'), p / n\n",
        ),
        FULL - 1.0,
    ),
    Case(
        "infresult",
        "structural",
        "honest, but rel_error returns infinity",
        _one_function("infresult", "rel_error", "def rel_error(a, b):\n    return np.inf\n"),
        FULL - POINTS["rel_error"],
    ),
    Case(
        "wrongtype",
        "structural",
        "honest, but softmax returns a list",
        _one_function(
            "wrongtype",
            "softmax",
            "def softmax(z):\n"
            "    e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n"
            "    return (e / e.sum(axis=-1, keepdims=True)).tolist()\n",
        ),
        FULL - POINTS["softmax"],
    ),
    Case(
        "wrongshape",
        "structural",
        "honest, but dlogits comes back transposed",
        _one_function(
            "wrongshape",
            "softmax_cross_entropy",
            "def softmax_cross_entropy(logits, y):\n"
            "    n = logits.shape[0]\n"
            "    shifted = logits - logits.max(axis=1, keepdims=True)\n"
            "    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
            "    d = np.exp(log_p)\n"
            "    d[np.arange(n), y] -= 1.0\n"
            "    return float(-log_p[np.arange(n), y].mean()), (d / n).T\n",
        ),
        FULL - 1.0,
    ),
    Case(
        "wrongdtype",
        "structural",
        "honest, but rel_error returns a float32",
        _one_function(
            "wrongdtype",
            "rel_error",
            "def rel_error(a, b):\n"
            "    a = np.asarray(a, dtype=np.float64)\n"
            "    b = np.asarray(b, dtype=np.float64)\n"
            "    d = np.max(np.abs(a - b)) if a.size else 0.0\n"
            "    return np.float32(d / max(1e-8, np.max(np.abs(a) + np.abs(b))) if d else 0.0)\n",
        ),
        FULL - POINTS["rel_error"],
    ),
)

RESOURCE = (
    Case(
        "infiniteloop",
        "resource",
        "honest, with an infinite loop before any solution",
        _flat("infiniteloop", lambda c: after_imports(c.source, attacks.INFINITE_LOOP)),
        FULL,
    ),
    Case(
        "sleepforever",
        "resource",
        "honest, sleeping forever before any solution",
        _flat("sleepforever", lambda c: after_imports(c.source, attacks.SLEEP_FOREVER)),
        FULL,
    ),
    Case(
        "unstoppable",
        "resource",
        "honest, ending in a loop that ignores SIGINT, SIGTERM and KeyboardInterrupt",
        _flat("unstoppable", lambda c: insert_cell(c.source, -1, attacks.UNSTOPPABLE_LOOP)),
        FULL,
    ),
    Case(
        "forkbomb",
        "resource",
        "honest, with 2000 fork attempts (children sleep 5 s) before any solution",
        _flat("forkbomb", lambda c: after_imports(c.source, attacks.FORK_BOMB)),
        FULL,
    ),
    Case(
        "memorybomb",
        "resource",
        "honest, allocating 256 MiB blocks until refused, before any solution",
        _flat("memorybomb", lambda c: after_imports(c.source, attacks.MEMORY_BOMB)),
        FULL,
    ),
    Case(
        "outputflood",
        "resource",
        "honest, printing 200 MiB (lines of 1 MiB) before any solution",
        _flat("outputflood", lambda c: after_imports(c.source, attacks.OUTPUT_FLOOD)),
        FULL,
    ),
    Case(
        "orphan",
        "resource",
        "honest, ending by starting a session-leading process that sleeps 600 s",
        _flat("orphan", lambda c: insert_cell(c.source, -1, attacks.orphan(c.marker))),
        FULL,
    ),
    Case(
        "diskfill",
        "resource",
        "honest, ending by writing 240 MiB and one 100 MiB file",
        _flat("diskfill", lambda c: insert_cell(c.source, -1, attacks.DISK_FILL)),
        FULL,
    ),
)

JACOBIAN_BY_DIFFERENCES = '''def softmax_jacobian(z):
    """Centred differences of my softmax, one column per logit: right to 1e-10."""
    z = np.asarray(z, dtype=np.float64)
    step = 1e-5
    columns = []
    for k in range(z.shape[0]):
        e = np.zeros_like(z)
        e[k] = step
        columns.append((softmax(z + e) - softmax(z - e)) / (2 * step))
    return np.stack(columns, axis=1)
'''

JACOBIAN_BY_COMPLEX_STEP = '''def softmax_jacobian(z):
    """The complex step: exact to round-off, and no formula needed."""
    z = np.asarray(z, dtype=np.float64)
    jacobian = np.empty((z.shape[0], z.shape[0]))
    for k in range(z.shape[0]):
        shifted = z.astype(np.complex128) - np.max(z)
        shifted[k] += 1e-30j
        exp = np.exp(shifted)
        jacobian[:, k] = np.imag(exp / np.sum(exp)) / 1e-30
    return jacobian
'''

INTEGRITY = (
    Case(
        "jacobiandiff",
        "integrity",
        "softmax_jacobian by centred differences of the student's own softmax (K forwards)",
        _one_function("jacobiandiff", "softmax_jacobian", JACOBIAN_BY_DIFFERENCES),
        FULL - POINTS["softmax_jacobian"],
    ),
    Case(
        "jacobiancomplex",
        "integrity",
        "softmax_jacobian by the complex step through an inline softmax",
        _one_function("jacobiancomplex", "softmax_jacobian", JACOBIAN_BY_COMPLEX_STEP),
        FULL - POINTS["softmax_jacobian"],
    ),
    Case(
        "oraclecontrol",
        "integrity",
        "control: the oracle 'attack' reads course_checks/, which it may",
        _flat("oraclecontrol", _oracle(lambda c: attacks.CONTROL)),
        FULL,
        attack_ran=True,
    ),
    Case(
        "importsolutions",
        "integrity",
        "imports the reference solutions from the repository and the grader's environment",
        _flat(
            "importsolutions",
            _oracle(
                lambda c: attacks.import_solutions(c.repository, list(c.grader_site_packages))
            ),
        ),
        0.0,
        attack_ran=True,
    ),
    Case(
        "readhidden",
        "integrity",
        "reads the hidden tests and the reference solutions from disk",
        _flat(
            "readhidden",
            _oracle(
                lambda c: attacks.read_any(
                    [
                        c.repository / "autograder" / "cases" / "hidden.py",
                        c.repository / "autograder" / "cases" / "references.py",
                        c.repository / "solutions" / "softmax.py",
                        c.course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                    ]
                )
            ),
        ),
        0.0,
        attack_ran=True,
    ),
    Case(
        "readseed",
        "integrity",
        "reads the grading seed",
        _flat("readseed", _oracle(lambda c: attacks.read_any([c.seed_file]))),
        0.0,
        attack_ran=True,
    ),
    Case(
        "readothers",
        "integrity",
        "reads another student's submission, the autograded folder and the gradebook",
        _flat(
            "readothers",
            _oracle(
                lambda c: attacks.read_any(
                    [
                        c.sentinel,
                        c.sentinel.with_name(f"{ASSIGNMENT}.ipynb"),
                        c.course / "gradebook.db",
                        c.course / "results",
                    ]
                )
            ),
        ),
        0.0,
        attack_ran=True,
    ),
    Case(
        "writegradebook",
        "integrity",
        "writes the gradebook, the seed and another student's file",
        _flat(
            "writegradebook",
            _oracle(lambda c: attacks.write_any([c.sentinel, c.seed_file], c.gradebook)),
        ),
        0.0,
        attack_ran=True,
    ),
    Case(
        "plantfiles",
        "integrity",
        "creates files in solutions/, autograder/, the kernel's site-packages, "
        "the course, /usr, /etc",
        _flat("plantfiles", _oracle(lambda c: attacks.create_any(c.planted_paths()))),
        0.0,
        attack_ran=True,
    ),
    Case(
        "network",
        "integrity",
        "connects to a TCP port on the grader's loopback and to an abstract Unix socket",
        _flat("network", _oracle(lambda c: attacks.connect_out(c.port, c.abstract_socket))),
        0.0,
        attack_ran=True,
    ),
    Case(
        "spygrader",
        "integrity",
        "looks for the course directory or the seed in its environment and /proc",
        _flat(
            "spygrader",
            _oracle(lambda c: attacks.spy_on_grader([str(c.course), ".grading-seed"])),
        ),
        0.0,
        attack_ran=True,
    ),
    Case(
        "becomeroot",
        "integrity",
        "checks for root and tries setuid(0)",
        _flat("becomeroot", _oracle(lambda c: attacks.BECOME_ROOT)),
        0.0,
        attack_ran=True,
    ),
    Case(
        "monkeypatch",
        "integrity",
        "blank, rebinding NumPy's and the checker's comparisons",
        _flat("monkeypatch", lambda c: after_imports(c.release, attacks.MONKEYPATCH_NUMPY)),
        0.0,
    ),
    Case(
        "alwaysequal",
        "integrity",
        "returns objects and arrays that claim to equal anything",
        _flat(
            "alwaysequal",
            lambda c: _every_function(
                after_imports(c.release, attacks.ALWAYS_EQUAL_CLASSES),
                attacks.ALWAYS_EQUAL_FUNCTIONS,
            ),
        ),
        0.0,
    ),
    Case(
        "swallow",
        "integrity",
        "blank, swallowing every exception and traceback",
        _flat("swallow", lambda c: after_imports(c.release, attacks.SWALLOW_EXCEPTIONS)),
        0.0,
    ),
    Case(
        "hijackprobe",
        "integrity",
        "blank, replacing the probe module in sys.modules and importlib's loader",
        _flat("hijackprobe", lambda c: after_imports(c.release, attacks.HIJACK_PROBE_LOADER)),
        0.0,
    ),
    Case(
        "replaceprobe",
        "integrity",
        "blank, overwriting the probe's package in the scratch folder",
        _flat("replaceprobe", lambda c: after_imports(c.release, attacks.REPLACE_PROBE_FILE)),
        0.0,
    ),
    Case(
        "hardcoded",
        "integrity",
        "returns the values the visible checks print",
        _flat(
            "hardcoded",
            lambda c: _every_function(
                c.release, attacks.hard_coded_visible(printed_expected_values(c.release))
            ),
        ),
        0.0,
    ),
    Case(
        "displayhijack",
        "integrity",
        "blank; its stubs display outputs with display ids while probed, and a last cell "
        "updates them (they had become the grade cells' scores)",
        _flat(
            "displayhijack",
            lambda c: insert_cell(
                _every_function(c.release, attacks.DISPLAY_HIJACK_STUBS),
                -1,
                attacks.DISPLAY_HIJACK_UPDATE,
            ),
        ),
        0.0,
    ),
    Case(
        "introspectf",
        "integrity",
        "numerical_gradient looks in f's closure and attributes and in every loaded module "
        "for an analytic gradient of the test function",
        _one_function("introspectf", "numerical_gradient", attacks.INTROSPECT_TEST_FUNCTION),
        FULL - POINTS["numerical_gradient"],
    ),
    Case(
        "leftoverinputs",
        "integrity",
        "honest, listing the grader's scratch folders after the first test for hidden inputs",
        _flat(
            "leftoverinputs",
            lambda c: after_test(c.source, "rel_error", attacks.SCRATCH_LISTING),
        ),
        FULL,
    ),
    Case(
        "testabove",
        "structural",
        "honest, but softmax's test cell moved above the cell that defines softmax",
        _flat("testabove", lambda c: _move_test_above_solution(c.source, "softmax")),
        FULL - POINTS["softmax"],
    ),
    Case(
        "listreturns",
        "structural",
        "honest, returning (loss, dlogits) as a list",
        _one_function("listreturns", "softmax_cross_entropy", attacks.LIST_RETURN_CROSS_ENTROPY),
        FULL,
    ),
    Case(
        "knownf",
        "integrity",
        "numerical_gradient ignores f and returns the derivative of the checks' function",
        _one_function("knownf", "numerical_gradient", attacks.NUMERICAL_GRADIENT_OF_KNOWN_F),
        FULL - POINTS["numerical_gradient"],
    ),
)

HOSTILE_CASES: tuple[Case, ...] = STRUCTURAL + RESOURCE + INTEGRITY

GRADER_FILE_ATTACKS = (
    Case(
        "linkattack",
        "integrity",
        "honest, planting symbolic links where the grader (root) writes hidden inputs, "
        "pointing at another student's file",
        _flat(
            "linkattack",
            lambda c: after_imports(
                c.source, attacks.symlink_scratch_files([(c.sentinel, "inputs.npz")])
            ),
        ),
        FULL,
    ),
    Case(
        "pipeattack",
        "integrity",
        "honest, planting a named pipe where the grader reads the first test's outputs",
        _flat(
            "pipeattack",
            lambda c: after_imports(
                # the attack cell comes first, so the test cell moves down by one
                c.source,
                attacks.fifo_for_outputs(grade_cell_index(c.source, "rel_error") + 1),
            ),
        ),
        FULL,
    ),
)
"""Attacks on the files the grader exchanges with the kernel. They are graded
in their own batch (test_grader_files.py): the first rewrites a file
outside the sandbox, the second stops the grader for good."""
