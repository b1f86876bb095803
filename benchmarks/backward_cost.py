"""Backward/forward CPU-time ratios, as the grader records them, of honest
styles and of numerical differentiation: the figures the cost check's
multiples (autograder/course_checks/specs.py COST_MULTIPLES) come from.

    PYTHONPATH=. .venv/bin/python benchmarks/backward_cost.py [--assignment a2_rnn ...]
        [--load quiet|loaded|both] [--students instructor,fdentry,...] [--json FILE]

For each assignment, releases the course into a temporary folder and grades
one batch with `course grade` (sandboxed kernels, fixed grading seed): the
instructor's notebook, every honest style (tests/autograder/integrity/
honest/, tests/autograder/grading/slow_honest/) and every numerical form
(tests/autograder/grading/numerical/forms.py). With --load both (the
default) the batch is graded twice: on the machine as it is, then while
two busy loops run (one per core). Prints, per timed function, each
student's recorded ratio and whether its gradients were credited:

    ratio     the grader's median timed / baseline CPU seconds, then after
              a slash the CPU time of the whole measurement against what the
              solutions cost for the same calls; "wrong" when a timed call
              failed or returned wrong values
    >=ratio   the timed cell was cut off (four times the largest multiple of
              its baseline, by the wall clock): the real ratio is higher
    -         no ratio (a call failed, or the baseline was too cheap to compare)

then, per function: the largest honest ratio (scalar-loop styles apart)
and how far below the multiple it is (multiple / largest honest), and the
smallest ratio of a numerical form that differentiates that function (the
forms that defeat the measurement, forms.py DEFEATS, apart) and how far
above the multiple it is (smallest numerical / multiple, a lower bound
when that form's timed cell was cut off, marked >=).

Each numerical function costs its cut-off (20 to 40 seconds), so a full
run is long; --assignment and --students restrict it. The runs behind the
README's figures (assignment 1 in full, 2 and 3 restricted) took 5, 10 and
5 minutes on two cores.
Run it from the repository root with PYTHONPATH=. so that `tests` is this
checkout's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

from autograder.cli import main
from autograder.course_checks.specs import COST_MULTIPLES, ELEMENTWISE, REFERENCE, SPECS
from autograder.coursedir import CONFIG_NAME, DEFAULT_COURSE_DIR
from autograder.grading.cost import timed_cell_timeout
from tests.autograder.grading.cost_batch import (
    cpu_load,
    form_submission,
    forms_of,
    grade,
    honest_submissions,
    prepare_course,
)
from tests.autograder.grading.numerical.forms import DEFEATS, TIMED

ASSIGNMENTS = ("a1_softmax", "a2_rnn", "a3_lstm")
SCALAR = "scalar"
"""The honest style whose Python loops run over matrix entries (reported, not
counted among the honest styles the multiple must admit)."""


def released_course(folder: Path) -> Path:
    course = folder / "released"
    course.mkdir()
    shutil.copy(DEFAULT_COURSE_DIR / CONFIG_NAME, course / CONFIG_NAME)
    assert main(["release", "--course", str(course)]) == 0
    return course


def measure(released: Path, folder: Path, assignment: str, students, loaded: bool) -> dict:
    """{student: {function: (ratio, credited, cut off, the grader's cost
    record)}} of one graded batch."""
    submissions = [*honest_submissions(assignment), *map(form_submission, forms_of(assignment))]
    if students:
        submissions = [s for s in submissions if s.student in students]
    label = "loaded" if loaded else "quiet"
    course = prepare_course(released, folder / f"{assignment}-{label}")
    if loaded:
        with cpu_load(2):
            batch = grade(course, assignment, submissions, folder / f"{assignment}-{label}-in")
    else:
        batch = grade(course, assignment, submissions, folder / f"{assignment}-{label}-in")
    found = {}
    for submission in submissions:
        try:
            tests = batch.tests(submission.student)
        except FileNotFoundError:
            found[submission.student] = {}
            continue
        probe_timeout = batch.record(submission.student)["limits"]["probe_timeout_s"]
        found[submission.student] = {
            function: _figures(tests.get(function), probe_timeout)
            for function in TIMED[assignment]
        }
    return found


def _figures(test: dict | None, probe_timeout: float) -> tuple:
    """(ratio or None, gradients credited, timed cell cut off, cost record)."""
    if test is None:
        return None, False, False, None
    gradients = [o for o in SPECS[test["function"]].outputs if o.is_gradient]
    credited = all(test["outputs"][o.name]["passed"] for o in gradients)
    cost = test["cost"]
    if cost is None:
        return None, credited, False, None
    limit = min(probe_timeout, timed_cell_timeout(cost["baseline_seconds"] or 0.0))
    cut_off = cost["timed_seconds"] >= 0.99 * limit
    return cost["ratio"], credited, cut_off, cost


def _cell(figures) -> str:
    """One cell of the table: "ratio/whole" (the per-cell ratio and the whole
    measurement against the solutions), "wrong" when a timed call failed or
    returned wrong values, and " x" when the gradients were not credited."""
    ratio, credited, cut_off, cost = figures
    text = "-" if ratio is None else f"{'>=' if cut_off else ''}{ratio:.1f}"
    if cost is not None:
        window = cost.get("window_ratio")
        text += "/-" if window is None else f"/{window:.0f}"
        if cost.get("failure"):
            text += " wrong"
    return f"{text}{'' if credited else ' x'}"


def _multiple(function: str) -> float:
    baseline = SPECS[function].cost_baseline[0]
    return COST_MULTIPLES[ELEMENTWISE if baseline == ELEMENTWISE else "forward"]


def _numerical_of(assignment: str) -> dict[str, tuple[str, ...]]:
    """{student: the timed functions it differentiates numerically}."""
    return {form.student: form.differentiated for form in forms_of(assignment)}


def summary(assignment: str, rows: dict[str, dict], function: str) -> dict:
    """The figures the multiple is chosen from, for one function and load:
    the largest honest ratio (scalar-loop styles apart), the smallest ratio
    of a numerical form that differentiates this function (the forms of
    DEFEATS apart), whether that one was cut off (its real ratio is then
    higher), and the margins: multiple / largest honest and smallest
    numerical / multiple."""
    honest = {s.student for s in honest_submissions(assignment)}
    differentiated = _numerical_of(assignment)
    honest_ratios = [
        rows[s][function][0]
        for s in rows
        if s in honest and s != SCALAR and rows[s] and rows[s][function][0] is not None
    ]
    numerical = [
        (rows[s][function][0], rows[s][function][2])
        for s in rows
        if s in differentiated and s not in DEFEATS and function in differentiated[s]
        and rows[s] and rows[s][function][0] is not None
    ]  # fmt: skip
    multiple = _multiple(function)
    largest = max(honest_ratios, default=math.nan)
    smallest, cut_off = min(numerical, default=(math.nan, False))
    return {
        "multiple": multiple,
        "largest_honest": largest,
        "smallest_numerical": smallest,
        "smallest_cut_off": cut_off,
        "headroom": multiple / largest,
        "margin": smallest / multiple,
    }


def report(assignment: str, results: dict[str, dict]) -> dict:
    """Print the table of one assignment: a row per student, a column per
    (function, load); ' x' marks gradients not credited. Returns
    {load: {function: summary}}."""
    loads = list(results)
    students = list(next(iter(results.values())))
    honest = {s.student for s in honest_submissions(assignment)}
    summaries: dict[str, dict] = {load: {} for load in loads}
    for function in TIMED[assignment]:
        print(
            f"\n{assignment} {function} (multiple {_multiple(function):g}, whole "
            f"{COST_MULTIPLES[REFERENCE]:g})"
        )
        print(f"  {'student':<18}" + "".join(f"{load:>22}" for load in loads))
        for student in students:
            kind = "honest" if student in honest else "defeats" if student in DEFEATS else ""
            kind = kind or "numerical"
            cells = [
                _cell(results[load][student].get(function, (None, False, False, None)))
                for load in loads
            ]
            print(f"  {student:<18}" + "".join(f"{c:>22}" for c in cells) + f"  {kind}")
        for load in loads:
            found = summary(assignment, results[load], function)
            summaries[load][function] = found
            bound = ">=" if found["smallest_cut_off"] else ""
            print(
                f"  {load}: largest honest {found['largest_honest']:.1f} "
                f"(multiple / it = {found['headroom']:.1f}), smallest numerical "
                f"{bound}{found['smallest_numerical']:.1f} "
                f"(it / multiple = {bound}{found['margin']:.1f})"
            )
    return summaries


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", action="append", choices=ASSIGNMENTS)
    parser.add_argument("--load", choices=("quiet", "loaded", "both"), default="both")
    parser.add_argument("--students", help="comma-separated student ids (default: all)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    students = set(args.students.split(",")) if args.students else None
    loads = {"quiet": [False], "loaded": [True], "both": [False, True]}[args.load]
    everything = {}
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as name:
        folder = Path(name)
        released = released_course(folder)
        for assignment in args.assignment or ASSIGNMENTS:
            results = {}
            for loaded in loads:
                label = "loaded" if loaded else "quiet"
                print(f"grading {assignment} ({label}, load average {os.getloadavg()[0]:.1f})")
                results[label] = measure(released, folder, assignment, students, loaded)
            summaries = report(assignment, results)
            everything[assignment] = {"ratios": results, "summary": summaries}
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1), encoding="utf-8")


if __name__ == "__main__":
    run()
