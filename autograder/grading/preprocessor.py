"""nbgrader's Execute, with grade cells judged outside the student's kernel.

Student cells run as nbgrader runs them. At a grade cell whose grade_id
names a hidden test (``test_<function>``), this preprocessor does not run
the cell's code; instead it

1. draws the hidden inputs from the course's grading seed, the student's
   id and the submission's hash, and writes them to a scratch folder;
2. runs the probe in the student's kernel: it calls the notebook's function
   on those inputs and writes the raw outputs next to them; the inputs are
   deleted as soon as it returns;
3. reads the outputs here, compares them with the references (computed
   from the notebook's start in a thread of the grader while the kernel
   runs: autograder/grading/references_ahead.py);
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
import dataclasses
import hashlib
import json
import secrets
import shutil
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_solution
from traitlets import Bool, Enum, Float, Integer, Unicode

from autograder.cases import HiddenTest, hidden_test_for_grade_id
from autograder.cases.timing import verification_rng
from autograder.course_checks import derivatives
from autograder.course_checks.specs import ELEMENTWISE, GRADIENT
from autograder.coursedir import Course
from autograder.grading import cost, records, verdict
from autograder.grading.prestart import find_pool
from autograder.grading.references_ahead import ReferencesAhead
from autograder.grading.scratch import (
    PROBE_PACKAGE,
    Scratch,
    fill_working_copy,
    hand_scratch,
    make_scratch,
)
from autograder.grading.seed import load_or_create_seed, submission_seed
from autograder.sandbox import SandboxedKernelManager

TIMING_NAME = "__course_timing"
"""Name of the kernel global that holds a function's timed calls between cells."""


def probe_code(package_dir: Path, inputs_path: Path, outputs_path: Path) -> str:
    """The code sent to the student's kernel for one grade cell: run the
    probe on the notebook's globals (see :func:`with_fresh_package`)."""
    return with_fresh_package(
        package_dir,
        f"probe.run_probe(globals(), {json.dumps(str(inputs_path))}, "
        f"{json.dumps(str(outputs_path))})",
    )


def timing_load_code(package_dir: Path, timing_path: Path) -> str:
    """The first cell of a cost measurement: load the timing input into a
    probe Timing kept in the kernel's globals until the measurement ends."""
    return with_fresh_package(
        package_dir,
        f"globals()[{TIMING_NAME!r}] = probe.Timing(globals(), {json.dumps(str(timing_path))})",
    )


def with_fresh_package(package_dir: Path, statement: str) -> str:
    """Kernel code that loads a fresh copy of the checks package from the
    grader's read-only folder (the notebook's own course_checks/ may have
    been edited), runs `statement` with its probe module as `probe`, then
    forgets the package."""
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
        f"        {statement}",
        "    finally:",
        "        for name in [n for n in sys.modules if n.split('.')[0] == spec.name]:",
        "            del sys.modules[name]",
        "__course_probe()",
        "del __course_probe",
    ]
    return "\n".join(lines) + "\n"


def timing_code(method: str, repeats: int, records_path: Path | None = None) -> str:
    """One cell of the cost measurement: `repeats` calls of run_baseline or
    run_timed, then (for timed calls) the write of their recorded values."""
    code = f"for _ in range({repeats}):\n    {TIMING_NAME}.{method}()\n"
    if records_path is not None:
        code += f"{TIMING_NAME}.write_records({json.dumps(str(records_path))})\n"
    return code


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

    coalesce_streams = Bool(
        True,
        help="Merge a cell's printed output into one stream per name. The kernel sends "
        "stdout in as many messages as its flushes happen to make, so without this the "
        "same file graded twice (or on a busier machine) could give two feedback pages.",
    ).tag(config=True)

    shutdown_kernel = Enum(
        ["graceful", "immediate"],
        default_value="immediate",
        help="How the notebook's kernel is stopped once graded. Immediate: it is killed "
        "(with the sandbox's process tree) instead of asked to shut down, which costs "
        "ipykernel about 0.4 s; nothing of a graded kernel is kept, and no kernel ever "
        "serves a second notebook.",
    ).tag(config=True)

    probe_timeout = Float(
        60.0, help="Seconds the probe of one grade cell may take before it scores zero."
    ).tag(config=True)

    max_output_bytes = Integer(
        1_000_000,
        help="Bytes of output kept per cell; the rest is dropped while it arrives (with a "
        "note), so a notebook that prints gigabytes costs neither memory nor disk.",
    ).tag(config=True)

    submission_seed = Integer(
        None,
        allow_none=True,
        help="Seed of this submission's hidden inputs, given by whoever knows the course's "
        "grading seed (`course grade` computes autograder.grading.seed.submission_seed for "
        "each submission and hands it to the worker that grades it). Default: derived from "
        "the grading seed, the student's id and the submitted file's SHA-256.",
    ).tag(config=True)

    prestarted_kernels = Unicode(
        "",
        help="Name of this process's pool that launches the next notebook's kernel while "
        "this one is judged (autograder.grading.prestart.KernelPool). Set by `course "
        "grade`'s workers, which grade one notebook after another; '': each notebook "
        "starts its own kernel.",
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        # nbgrader's Execute defaults to a plain AsyncKernelManager; ours runs
        # the kernel in the sandbox (with a loud warning where there is none).
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        self._manager = manager  # nbclient drops self.km at the end; the record needs it
        hand_scratch(manager, self._scratch_folders)
        return manager

    def preprocess(self, nb, resources=None, km=None):
        info = (resources or {}).get("nbgrader") or {}
        self._digest = submission_digest(Path(self.course_directory), resources or {})
        self._seed = self._hidden_input_seed(info.get("student") or "")
        self._kernel_lost = ""
        self._cell_overhead: float | None = None
        self._output_bytes = {}
        self._manager = None
        self._graded_outputs: dict[int, list] = {}
        # The scratch folder (autograder/grading/scratch.py): grader/ for what
        # the kernel may only read, kernel/ for the kernel's own writing. A
        # kernel launched ahead comes with its own (never one used before).
        pool = find_pool(self.prestarted_kernels) if self.prestarted_kernels else None
        prestarted = pool.take() if pool is not None and km is None else None
        if prestarted is not None:
            km = self._manager = prestarted.manager
            self._use_scratch(Scratch(prestarted.scratch))
        else:
            self._use_scratch(make_scratch(self.scratch_root or None))
        self._verdicts = []
        resources = self._work_in_scratch(resources or {})
        self._references = ReferencesAhead(_hidden_tests(nb), self._seed)
        try:
            result = super().preprocess(nb, resources, km)
        finally:
            self._references.close()
            if prestarted is not None:
                self._cleanup_kernel()  # nbclient shuts down only the kernels it started
            shutil.rmtree(self._scratch, ignore_errors=True)
            if pool is not None:
                pool.launch_next(self)
        self._stamp_grade_cells(nb)
        record_results(
            Path(self.course_directory), resources, self._verdicts, self._limits(), self._digest
        )
        return result

    def _use_scratch(self, scratch: Scratch) -> None:
        self._scratch_folders = scratch
        self._scratch = scratch.root
        self._grader_dir = scratch.grader_dir
        self._kernel_dir = scratch.kernel_dir
        self._package = scratch.package

    def _hidden_input_seed(self, student: str) -> int:
        """The seed of this submission's hidden inputs: the one given, or
        derived. Each submission meets its own hidden inputs: what one
        student's code sees (and could print) helps neither another student
        nor the next attempt, while regrading the same file gives the same
        inputs. A worker given the seed never reads the course's."""
        if self.submission_seed is not None:
            return self.submission_seed
        course_seed = self.grading_seed
        if course_seed is None:
            course_seed = load_or_create_seed(Path(self.course_directory))
        return submission_seed(course_seed, student, self._digest or "")

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
        origin = (resources.get("metadata") or {}).get("path")
        work = fill_working_copy(self._scratch_folders, Path(origin) if origin else None)
        metadata = {**(resources.get("metadata") or {}), "path": str(work)}
        return {**resources, "metadata": metadata}

    def preprocess_cell(self, cell, resources, index):
        test = _hidden_test(cell)
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
        cases = test.draw(self._seed)  # the same inputs as self._references's
        inputs_path = self._grader_dir / f"cell{index}-inputs.npz"
        # A name the notebook cannot guess, so nothing can be planted there.
        outputs_path = self._kernel_dir / f"cell{index}-{secrets.token_hex(8)}-outputs.npz"
        verdict.write_inputs(test, cases, inputs_path)
        timed = test.timing is not None and test.spec.cost_baseline is not None
        notes = []
        if self._kernel_lost:
            notes.append(f"Not run: {self._kernel_lost}.")
        else:
            source = probe_code(self._package, inputs_path, outputs_path)
            outcome = self._run_in_kernel(cell, index, source, self.probe_timeout)
            if outcome:
                notes.append(f"Not finished: {outcome}.")
        inputs_path.unlink(missing_ok=True)  # the hidden inputs exist only while the probe runs
        result = verdict.judge(
            test, cases, outputs_path, points, notes, self._references.of_cell(index)
        )
        for path in (outputs_path, Path(str(outputs_path) + ".json")):
            path.unlink(missing_ok=True)
        cost_record = None
        if timed and not self._kernel_lost and _some_gradient_passed(result):
            right = {v.output.name for v in result.outputs if v.passed and v.output.is_gradient}
            measured = self._measure_cost(cell, index, test, right)
            if measured is not None and measured.call_failed and not self._kernel_lost:
                # A call can fail for a passing reason (the memory a notebook's own
                # output flood still holds, say): one more measurement. A call that
                # fails on purpose fails again.
                measured = self._measure_cost(cell, index, test, right)
            if measured is not None:
                cost_record = measured.record()
                if measured.too_costly:
                    verdict.withhold_gradients(result, measured.note(), measured.reason)
                elif measured.wrong_outputs:
                    # Only the gradients a timed call got wrong: the others
                    # were right there too, at an honest cost.
                    verdict.withhold_gradients(
                        result, measured.note(), measured.reason, only=set(measured.wrong_outputs)
                    )
        derivative_passed = any(v.passed and v.output.is_derivative for v in result.outputs)
        if derivative_passed and test.spec.kind != "numerical_gradient":
            # A numerical derivative of the nonlinearities alone is cheap: the
            # cost passes it, only the code shows it.
            found = derivatives.numerical_derivatives(
                self._code_before(index), test.spec.functions
            )
            if found:
                note = derivatives.note(test.spec.name, found)
                verdict.withhold_gradients(result, note, derivatives.REASON)
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

    def _code_before(self, index: int) -> list[str]:
        """Sources of the code cells above cell `index`: what had run when
        its hidden test is called."""
        return [cell.source for cell in self.nb.cells[:index] if cell.cell_type == "code"]

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
        for out in probe.outputs:
            if out.get("output_type") == "error":
                return f"it raised {str(out.get('ename'))[:100]}: {str(out.get('evalue'))[:300]}"
        return ""

    def _measure_cost(
        self, cell, index: int, test: HiddenTest, right: set[str]
    ) -> cost.CostVerdict | None:
        """CPU time of the function against its baseline, measured between
        cells from outside the kernel, with the values of its timed calls
        for the gradients in `right` (those right on the hidden cases).
        None if the kernel cannot be found."""
        pid = getattr(getattr(self._manager, "provisioner", None), "pid", None)
        if not pid:
            return None
        spec = test.spec
        baseline = spec.cost_baseline[0]
        timing = test.draw_timing(self._seed)
        # A name the notebook cannot guess: nothing may be waiting for the file.
        timing_path = self._grader_dir / f"cell{index}-{secrets.token_hex(8)}-timing.npz"
        calls = {"baseline": 0, "timed": 0}
        records: list[dict] = []
        problems: list[str] = []

        def cell_seconds(code: str, timeout: float | None = None) -> float | None:
            before = cost.sandbox_cpu_seconds(pid)
            problem = self._run_in_kernel(cell, index, code, timeout or self.probe_timeout)
            if problem:
                problems.append(problem)
                return None  # raised, ran out of time or killed the kernel
            return cost.sandbox_cpu_seconds(pid) - before

        def failed(what: str) -> cost.CostVerdict:
            return cost.CostVerdict(
                spec.name, baseline, 0, None, 0.0, 0.0,
                failure=f"{what} failed: {problems[-1] if problems else 'no result'}",
                call_failed=True,
            )  # fmt: skip

        per_baseline, per_timed = cost.reference_cost(timing)
        # Everything the kernel does from before the timing input exists until
        # the last records are read counts.
        start = cost.sandbox_cpu_seconds(pid)
        verdict.write_for_kernel(timing.arrays(), timing_path)
        loaded = self._run_in_kernel(
            cell, index, timing_load_code(self._package, timing_path), self.probe_timeout
        )
        timing_path.unlink(missing_ok=True)
        if loaded:
            problems.append(loaded)
            return failed("loading it")
        try:
            measured = self._timed_cells(
                spec.name, baseline, cell_seconds, calls, records, problems, per_baseline
            )
        finally:
            window = cost.sandbox_cpu_seconds(pid) - start
            if not self._kernel_lost:  # free the caches and records
                self._run_in_kernel(cell, index, f"{TIMING_NAME} = None\n", self.probe_timeout)
        if measured is None:
            if calls["baseline"] == 0:
                return failed("measuring the kernel's own overhead")
            if calls["timed"] == 0:
                elementwise = baseline == ELEMENTWISE
                return failed("the elementwise pass" if elementwise else f"your {baseline}")
            return failed(spec.name)
        failure, wrong = cost.wrong_records(
            timing, records, verification_rng(self._seed, spec), right
        ) if records else ("", {})  # fmt: skip
        return dataclasses.replace(
            measured,
            window_seconds=window,
            reference_seconds=calls["baseline"] * per_baseline + calls["timed"] * per_timed,
            failure=failure,
            wrong_outputs=wrong,
        )

    def _timed_cells(
        self, function, baseline, cell_seconds, calls, records, problems, first_guess
    ):
        """Run the baseline and timed cells; None if one of them failed.
        `calls` counts the calls made, `records` gets the timed cells'
        recorded values, `problems` what went wrong in a cell; first_guess
        is the CPU seconds of one call of the solutions' baseline."""
        # What the kernel spends on any cell, subtracted from every measurement
        # (bounded: a notebook that makes empty cells costly gains nothing),
        # measured at the notebook's first timed function.
        if self._cell_overhead is None:
            empty = [cell_seconds("pass\n") for _ in range(cost.RUNS)]
            if None in empty:
                return None
            self._cell_overhead = min(sorted(empty)[len(empty) // 2], cost.MAX_OVERHEAD_SECONDS)
        overhead = self._cell_overhead

        def baseline_cell(repeats: int) -> float | None:
            spent = cell_seconds(timing_code("run_baseline", repeats))
            calls["baseline"] += repeats
            return None if spent is None else spent - overhead

        # Repeat the baseline call until its cell costs enough CPU to measure,
        # starting from what the solutions' baseline needs to.
        repeats = cost.first_repeats(first_guess)
        while True:
            spent = baseline_cell(repeats)
            if spent is None:
                return None
            if spent >= cost.MIN_BASELINE_SECONDS or repeats >= cost.MAX_REPEATS:
                break
            repeats = cost.more_repeats(repeats, spent)
        # Too cheap to measure against the kernel's own noise: the ratio is not
        # judged, the whole measurement and the values still are.
        comparable = spent >= cost.MIN_BASELINE_SECONDS / 2
        baseline_runs, timed_runs = [spent], []
        for run in range(cost.RUNS):
            if run:
                spent = baseline_cell(repeats)
                if spent is None:
                    return None
                baseline_runs.append(spent)
            # A timed cell may take what an honest backward costs many times over,
            # but not what finite differences cost: that would waste minutes.
            limit = min(self.probe_timeout, cost.timed_cell_timeout(baseline_runs[-1]))
            records_path = self._kernel_dir / f"timed-{secrets.token_hex(8)}.npz"
            timed = cell_seconds(timing_code("run_timed", repeats, records_path), limit)
            calls["timed"] += repeats
            if timed is None and not _out_of_time(problems[-1]):
                return None  # it raised, or the kernel stopped
            if timed is not None:
                arrays, problem = verdict.read_arrays(records_path)
                records.append(arrays if not problem else {})
            records_path.unlink(missing_ok=True)
            # A timed cell that did not finish cost at least its whole time limit.
            timed_runs.append(limit if timed is None else timed - overhead)
            measured = cost.summarise(
                function, baseline, repeats, baseline_runs if comparable else None, timed_runs
            )
            if timed is None or not measured.ambiguous:
                return measured  # no need to measure a clear case again
        return measured


def _hidden_test(cell) -> HiddenTest | None:
    """The hidden test a cell stands for: a grade cell (not a solution) whose
    grade_id names one; None for every other cell."""
    if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
        return hidden_test_for_grade_id(cell.metadata.nbgrader.get("grade_id", ""))
    return None


def _hidden_tests(nb) -> dict[int, HiddenTest]:
    """{cell index: hidden test} of the notebook's grade cells."""
    found = {index: _hidden_test(cell) for index, cell in enumerate(nb.cells)}
    return {index: test for index, test in found.items() if test is not None}


def _out_of_time(problem: str) -> bool:
    """Whether a cell stopped at its time limit (nbclient either interrupts
    the kernel or, when it does not answer, raises CellTimeoutError)."""
    return "ran out of time" in problem or "CellTimeoutError" in problem


def _some_gradient_passed(result: verdict.HiddenVerdict) -> bool:
    return any(v.passed and v.output.rule == GRADIENT for v in result.outputs)


def submission_digest(course_dir: Path, resources: dict) -> str | None:
    """SHA-256 of the submitted notebook being graded (None outside nbgrader)."""
    info = resources.get("nbgrader") or {}
    student, assignment, notebook = (info.get(k) for k in ("student", "assignment", "notebook"))
    if not (student and assignment and notebook):
        return None
    submitted = Course(course_dir).submitted_notebook(student, assignment, notebook)
    return hashlib.sha256(submitted.read_bytes()).hexdigest() if submitted.exists() else None


def record_results(
    course_dir: Path, resources: dict, verdicts: list[dict], limits: dict, digest: str | None
) -> None:
    """Write the verdicts of one graded notebook to
    <course>/results/<assignment>/<student>/<notebook>.json (see
    autograder.grading.records). In a batch of `course grade` this is a
    worker's private course directory: the batch's coordinator reads the
    record there and files it in the course. Regrading overwrites the record."""
    info = resources.get("nbgrader") or {}
    student, assignment, notebook = (info.get(k) for k in ("student", "assignment", "notebook"))
    if not (student and assignment and notebook):
        return  # run outside nbgrader (e.g. in a test): nothing to file
    record = records.verdict_record(student, assignment, notebook, digest, limits, verdicts)
    records.write_record(Course(course_dir).result_record(assignment, student, notebook), record)


def _error(name: str, message: str):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])
