"""nbgrader's Execute, with grade cells judged outside the student's kernel.

Student cells run as nbgrader runs them. At a grade cell whose grade_id
names a hidden test (``test_<function>``), this preprocessor does not run
the cell's code; instead it

1. draws the hidden inputs from the course's grading seed, the student's
   id and the submission's hash, and writes them to a scratch folder;
2. runs the probe in the student's kernel: it calls the notebook's function
   on those inputs and writes the raw outputs next to them; the inputs are
   deleted as soon as it returns;
3. reads the outputs here, compares them with the references;
4. for a function that returns gradients, times it against its forward
   pass from outside the kernel (autograder/grading/cost.py);
5. replaces the cell's outputs with the verdict: a feedback message and
   the score as the cell's result, which nbgrader's SaveAutoGrades records
   as partial credit.

Whatever the student's code did to NumPy, to the checker or to IPython, the
only thing that crosses back is numbers in a file, judged here. Once the
notebook has run, every grade cell's outputs are written again from the
verdicts, so nothing a later cell does (an update_display aimed at an
output of a grade cell, say) can change a score.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import secrets
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_solution
from traitlets import Float, Integer, Unicode

from autograder import __version__
from autograder.cases import HiddenTest, hidden_test_for_grade_id
from autograder.course_checks.specs import GRADIENT
from autograder.grading import cost, verdict
from autograder.grading.seed import load_or_create_seed, submission_seed
from autograder.sandbox import SandboxedKernelManager

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "course_checks"
PROBE_PACKAGE = "course_grading_probe"
TIMING_NAME = "__course_timing"
"""Name of the kernel global that holds a function's timed calls between cells."""


def probe_code(package_dir: Path, inputs_path: Path, outputs_path: Path, timed: bool) -> str:
    """The code sent to the student's kernel for one grade cell. It loads a
    fresh copy of the checks package from the grader's read-only folder
    (the notebook's own course_checks/ may have been edited), runs the probe
    on the notebook's globals and, for a timed function, loads its timing
    input; then it forgets the package."""
    init = json.dumps(str(package_dir / "__init__.py"))
    lines = [
        "def __course_probe():",
        "    import importlib, importlib.util, sys",
        f"    spec = importlib.util.spec_from_file_location({PROBE_PACKAGE!r}, {init}, "
        f"submodule_search_locations=[{json.dumps(str(package_dir))}])",
        "    package = importlib.util.module_from_spec(spec)",
        "    sys.modules[spec.name] = package",
        "    try:",
        "        spec.loader.exec_module(package)",
        f"        probe = importlib.import_module({PROBE_PACKAGE + '.probe'!r})",
        f"        probe.run_probe(globals(), {json.dumps(str(inputs_path))}, "
        f"{json.dumps(str(outputs_path))})",
    ]
    if timed:
        lines.append(
            f"        globals()[{TIMING_NAME!r}] = probe.Timing(globals(), "
            f"{json.dumps(str(inputs_path))})"
        )
    lines += [
        "    finally:",
        "        for name in [n for n in sys.modules if n.split('.')[0] == spec.name]:",
        "            del sys.modules[name]",
        "__course_probe()",
        "del __course_probe",
    ]
    return "\n".join(lines) + "\n"


def timing_code(method: str, repeats: int) -> str:
    """One cell of the cost measurement: `repeats` calls of run_baseline or run_timed."""
    return f"for _ in range({repeats}):\n    {TIMING_NAME}.{method}()\n"


class TrustedExecute(Execute):
    """Execute preprocessor whose grade cells are judged by the grader."""

    grading_seed = Integer(
        None,
        allow_none=True,
        help="Seed of the hidden inputs. Default: read (or create) .grading-seed "
        "in the course directory.",
    ).tag(config=True)

    course_directory = Unicode(
        ".", help="Course directory holding .grading-seed (nbgrader's root)."
    ).tag(config=True)

    scratch_root = Unicode(
        "",
        help="Folder under which each notebook gets a scratch folder for the hidden "
        "inputs and the probe's outputs. Default: the system's temporary folder.",
    ).tag(config=True)

    probe_timeout = Float(
        60.0, help="Seconds the probe of one grade cell may take before it scores zero."
    ).tag(config=True)

    max_output_bytes = Integer(
        1_000_000,
        help="Bytes of output kept per cell; the rest is dropped while it arrives (with a "
        "note), so a notebook that prints gigabytes costs neither memory nor disk.",
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        # nbgrader's Execute defaults to a plain AsyncKernelManager; ours runs
        # the kernel in the sandbox (with a loud warning where there is none).
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        self._manager = manager  # nbclient drops self.km at the end; the record needs it
        if manager.has_trait("scratch_dir"):
            manager.scratch_dir = str(self._kernel_dir)
            manager.extra_readonly_paths = [*manager.extra_readonly_paths, str(self._grader_dir)]
        return manager

    def preprocess(self, nb, resources=None, km=None):
        course_seed = self.grading_seed
        if course_seed is None:
            course_seed = load_or_create_seed(Path(self.course_directory))
        info = (resources or {}).get("nbgrader") or {}
        self._digest = submission_digest(Path(self.course_directory), resources or {})
        # Each submission meets its own hidden inputs: what one student's
        # code sees (and could print) helps neither another student nor the
        # next attempt, while regrading the same file gives the same inputs.
        self._seed = submission_seed(course_seed, info.get("student") or "", self._digest or "")
        self._kernel_lost = ""
        self._output_bytes = {}
        self._manager = None
        self._graded_outputs: dict[int, list] = {}
        # The scratch root stays the grader's. Inside it, grader/ holds what
        # the kernel may read but not touch (hidden inputs, the checks
        # package; mounted read-only in the sandbox) and kernel/ is the
        # kernel's own writable folder (its working copy and the probe's outputs).
        root = self.scratch_root or None
        self._scratch = Path(tempfile.mkdtemp(prefix="course-grade-", dir=root))
        self._scratch.chmod(0o711)
        self._grader_dir = self._scratch / "grader"
        self._kernel_dir = self._scratch / "kernel"
        self._grader_dir.mkdir(mode=0o755)
        self._kernel_dir.mkdir()
        self._kernel_dir.chmod(0o777)  # the kernel runs as another user in the sandbox
        self._package = self._grader_dir / PROBE_PACKAGE
        shutil.copytree(PACKAGE_DIR, self._package, ignore=shutil.ignore_patterns("__pycache__"))
        _make_readable(self._package)
        self._verdicts = []
        resources = self._work_in_scratch(resources or {})
        try:
            result = super().preprocess(nb, resources, km)
        finally:
            shutil.rmtree(self._scratch, ignore_errors=True)
        self._stamp_grade_cells(nb)
        record_results(
            Path(self.course_directory), resources, self._verdicts, self._limits(), self._digest
        )
        return result

    def _stamp_grade_cells(self, nb) -> None:
        """Write every grade cell's outputs again from its verdict, whatever
        ran after it (display updates aimed at its outputs, say)."""
        for index, outputs in self._graded_outputs.items():
            nb.cells[index].outputs = copy.deepcopy(outputs)

    def _limits(self) -> dict:
        """The limits this notebook was graded under, for its record."""
        limits = {
            "cell_timeout_s": self.timeout,
            "probe_timeout_s": self.probe_timeout,
            "max_output_bytes": self.max_output_bytes,
        }
        manager = getattr(self, "_manager", None)
        if manager is not None and hasattr(manager, "limits_record"):
            limits.update(manager.limits_record())
        return limits

    def _why_the_kernel_stopped(self) -> str:
        """ " (killed at its memory cap)" when the sandbox says so, else ""."""
        manager = getattr(self, "_manager", None)
        if manager is not None and hasattr(manager, "killed_for_memory"):
            if manager.killed_for_memory():
                return " (killed at its memory cap: the notebook used too much memory)"
        return ""

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content") or {}
        size = sum(len(str(value)) for value in content.values())
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.max_output_bytes:
            note = f"\n[output cut by the grader after {self.max_output_bytes} bytes]\n"
            outs.append(new_output("stream", name="stdout", text=note))
        return None

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        payload = (kwargs.get("execute_reply") or {}).get("content", {}).get("payload", [])
        if any(item.get("source") == "ask_exit" for item in payload):
            # exit() stops the kernel a moment later: decide now, not by a race.
            self._kernel_lost = f"the notebook called exit() in cell {kwargs.get('cell_index')}"

    def _work_in_scratch(self, resources: dict) -> dict:
        """Run the notebook in a copy of its folder inside the scratch folder
        (course_checks/, data files; not the notebook), so the kernel needs
        nothing from the course directory and writes only to its scratch."""
        work = self._kernel_dir / "work"
        origin = (resources.get("metadata") or {}).get("path")
        if origin and Path(origin).is_dir():
            shutil.copytree(origin, work, ignore=shutil.ignore_patterns("*.ipynb", ".*"))
        else:
            work.mkdir()
        for folder, _, files in os.walk(work):
            Path(folder).chmod(0o777)
            for name in files:
                (Path(folder) / name).chmod(0o644)
        metadata = {**(resources.get("metadata") or {}), "path": str(work)}
        return {**resources, "metadata": metadata}

    def preprocess_cell(self, cell, resources, index):
        test = None
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            test = hidden_test_for_grade_id(cell.metadata.nbgrader.get("grade_id", ""))
        if test is not None:
            self._grade_cell(cell, test, index)
            return cell, self.resources
        if self._kernel_lost:
            cell.outputs = [_error("KernelLost", self._kernel_lost)]
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except Exception as error:  # a dead kernel must not stop the notebook
            self._kernel_lost = (
                f"the kernel stopped in cell {index} ({type(error).__name__})"
                f"{self._why_the_kernel_stopped()}"
            )
            cell.outputs = [_error(type(error).__name__, self._kernel_lost)]
            return cell, self.resources

    def _grade_cell(self, cell, test: HiddenTest, index: int) -> None:
        points = float(cell.metadata.nbgrader.get("points", 0))
        cases = test.draw(self._seed)
        inputs_path = self._grader_dir / f"cell{index}-inputs.npz"
        # A name the notebook cannot guess, so nothing can be planted there.
        outputs_path = self._kernel_dir / f"cell{index}-{secrets.token_hex(8)}-outputs.npz"
        verdict.write_inputs(test, cases, inputs_path)
        timed = test.timing is not None and test.spec.cost_baseline is not None
        notes = []
        if self._kernel_lost:
            notes.append(f"Not run: {self._kernel_lost}.")
        else:
            source = probe_code(self._package, inputs_path, outputs_path, timed)
            outcome = self._run_in_kernel(cell, index, source, self.probe_timeout)
            if outcome:
                notes.append(f"Not finished: {outcome}.")
        inputs_path.unlink(missing_ok=True)  # the hidden inputs exist only while the probe runs
        result = verdict.judge(test, cases, outputs_path, points, notes)
        for path in (outputs_path, Path(str(outputs_path) + ".json")):
            path.unlink(missing_ok=True)
        cost_record = None
        if timed and not self._kernel_lost and _some_gradient_passed(result):
            measured = self._measure_cost(cell, index, test)
            if measured is not None:
                cost_record = measured.record()
                if measured.too_costly:
                    verdict.withhold_gradients(result, measured.note())
        self._graded_outputs[index] = [
            new_output("stream", name="stdout", text=result.message() + "\n"),
            new_output(
                "execute_result",
                data={"text/plain": f"{result.score:g}"},
                execution_count=None,
            ),
        ]
        cell.outputs = copy.deepcopy(self._graded_outputs[index])
        self._verdicts.append(
            {
                "function": result.function,
                "score": result.score,
                "points": result.points,
                "outputs": {
                    v.output.name: {
                        "passed": v.passed,
                        "error": v.error if v.error != float("inf") else None,
                        "problem": v.problem,
                        "where": v.where,
                        "hint": v.hint,
                    }
                    for v in result.outputs
                },
                "cost": cost_record,
                "grade_id": cell.metadata.nbgrader.get("grade_id"),
                "cell_index": index,
                "message": result.message(),
            }
        )

    def _run_in_kernel(self, cell, index: int, source: str, timeout: float) -> str:
        """Run grader code in the student's kernel as if it were cell `index`
        (nothing is stored in the notebook). Returns "" when it finished, or
        why it did not."""
        probe = copy.deepcopy(cell)
        probe.source = source
        probe.outputs = []
        saved_timeout = self.timeout
        self.timeout = int(timeout)
        # nbclient applies display updates to the notebook's cell at `index`:
        # while grader code runs there, that cell is the probe, never ours.
        self.nb.cells[index] = probe
        try:
            self.execute_cell(probe, index, store_history=False)
        except Exception as error:
            self._kernel_lost = (
                f"the kernel stopped while grading cell {index}{self._why_the_kernel_stopped()}"
            )
            return f"{self._kernel_lost} ({type(error).__name__})"
        finally:
            self.timeout = saved_timeout
            self.nb.cells[index] = cell  # nbclient stores the cell it ran: put ours back
            # Whatever the kernel displayed with a display_id meanwhile must not
            # be able to reach this cell's outputs later.
            for cell_map in self._display_id_map.values():
                cell_map.pop(index, None)
        if any(out.get("ename") == "CellTimeoutError" for out in probe.outputs):
            return f"the test ran out of time ({timeout:g} s)"
        return ""

    def _measure_cost(self, cell, index: int, test: HiddenTest) -> cost.CostVerdict | None:
        """CPU time of the function against its baseline, measured between
        cells from outside the kernel (None if the kernel cannot be found)."""
        pid = getattr(getattr(self._manager, "provisioner", None), "pid", None)
        if not pid:
            return None
        baseline = test.spec.cost_baseline[0]

        def cell_seconds(code: str, timeout: float | None = None) -> float | None:
            start = cost.sandbox_cpu_seconds(pid)
            if self._run_in_kernel(cell, index, code, timeout or self.probe_timeout):
                return None  # raised, ran out of time or killed the kernel
            return cost.sandbox_cpu_seconds(pid) - start

        # What the kernel spends on any cell, subtracted from every measurement.
        empty = [cell_seconds("pass\n") for _ in range(cost.RUNS)]
        if None in empty:
            return None
        overhead = sorted(empty)[len(empty) // 2]
        # Repeat the baseline call until its cell costs enough CPU to measure.
        repeats = cost.FIRST_REPEATS
        while True:
            spent = cell_seconds(timing_code("run_baseline", repeats))
            if spent is None:
                return None
            spent -= overhead
            if spent >= cost.MIN_BASELINE_SECONDS or repeats >= cost.MAX_REPEATS:
                break
            repeats = cost.more_repeats(repeats, spent)
        if spent < cost.MIN_BASELINE_SECONDS / 2:
            return None  # too cheap to measure against the kernel's own noise: no verdict
        baseline_runs, timed_runs = [spent], []
        for run in range(cost.RUNS):
            if run:
                spent = cell_seconds(timing_code("run_baseline", repeats))
                if spent is None:
                    return None
                baseline_runs.append(spent - overhead)
            # A timed cell may take what an honest backward costs many times over,
            # but not what finite differences cost: that would waste minutes.
            limit = min(self.probe_timeout, cost.timed_cell_timeout(baseline_runs[-1]))
            timed = cell_seconds(timing_code("run_timed", repeats), limit)
            # A timed cell that did not finish cost at least its whole time limit.
            timed_runs.append(limit if timed is None else timed - overhead)
            measured = cost.summarise(test.spec.name, baseline, repeats, baseline_runs, timed_runs)
            if timed is None or not measured.ambiguous:
                return measured  # no need to measure a clear case again
        return measured


def _some_gradient_passed(result: verdict.HiddenVerdict) -> bool:
    return any(v.passed and v.output.rule == GRADIENT for v in result.outputs)


def _make_readable(folder: Path) -> None:
    """World-readable files and folders: the kernel runs as another user."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def submission_digest(course_dir: Path, resources: dict) -> str | None:
    """SHA-256 of the submitted notebook being graded (None outside nbgrader)."""
    info = resources.get("nbgrader") or {}
    student, assignment, notebook = (info.get(k) for k in ("student", "assignment", "notebook"))
    if not (student and assignment and notebook):
        return None
    submitted = course_dir / "submitted" / student / assignment / f"{notebook}.ipynb"
    return hashlib.sha256(submitted.read_bytes()).hexdigest() if submitted.exists() else None


def record_results(
    course_dir: Path, resources: dict, verdicts: list[dict], limits: dict, digest: str | None
) -> None:
    """Write the verdicts of one graded notebook to
    <course>/results/<assignment>/<student>/<notebook>.json, with what makes
    the grade traceable: the submitted file's SHA-256, the grader's version,
    the limits and the time. Regrading overwrites the record; nothing else is touched."""
    info = resources.get("nbgrader") or {}
    student, assignment, notebook = (info.get(k) for k in ("student", "assignment", "notebook"))
    if not (student and assignment and notebook):
        return  # run outside nbgrader (e.g. in a test): nothing to file
    record = {
        "student": student,
        "assignment": assignment,
        "notebook": notebook,
        "submission_sha256": digest,
        "grader_version": __version__,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "limits": limits,
        "tests": verdicts,
    }
    folder = course_dir / "results" / assignment / student
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{notebook}.json.tmp"
    temporary.write_text(json.dumps(record, indent=1), encoding="utf-8")
    temporary.replace(folder / f"{notebook}.json")  # atomic: a reader never sees half a file


def _error(name: str, message: str):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])
