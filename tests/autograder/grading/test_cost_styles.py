"""The cost check, proven both ways through the real pipeline and under a
parallel CPU load on both cores: honest implementations of every style
keep all their points, and numerical differentiation loses exactly the
points of its gradients, with feedback that says why.

One `course grade` batch per assignment (sandboxed kernels, a fixed grading
seed), graded while two busy loops run. The numerical students are a few
representative forms of tests/autograder/grading/numerical/ (forms.py);
several timed functions of one notebook may be differentiated in different
forms (MIXED), to keep the batch short: each numerical function costs its
timed cell's cut-off (four times the largest allowed ratio of its
baseline, 20 to 40 seconds). The exhaustive sweep, every form against
every timed function on a quiet machine, is benchmarks/backward_cost.py;
the forms written against the measurement itself (forms.py DEFEATS:
results remembered between calls, zeros when timed, a forward that fails
when timed, costly empty cells, differences moved into the forward) are
graded here too (GAMING), all of them on assignment 1 and the quick ones
on assignments 2 and 3.

About fifteen minutes on two busy cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from nbgrader.api import Gradebook

from autograder.course_checks.specs import COST_MULTIPLES, ELEMENTWISE, REFERENCE, SPECS
from tests.autograder.grading.cost_batch import (
    GradedBatch,
    cpu_load,
    form_submission,
    forms_of,
    grade,
    honest_submissions,
    prepare_course,
)
from tests.autograder.grading.cost_submissions import Submission
from tests.autograder.grading.numerical.forms import BASES, FOLDER, TIMED

pytestmark = pytest.mark.slow

COURSE_ID = "rnn-gradients"
NOTE = "Not credited: {function} cost "
WHY = "times as much CPU time as"


@dataclass(frozen=True)
class Numerical:
    """A numerical student of a test batch: its submission and the timed
    functions it differentiates numerically (in notebook order)."""

    submission: Submission
    numerical: tuple[str, ...]


def _form(assignment: str, student: str) -> Numerical:
    form = forms_of(assignment, [student])[0]
    return Numerical(form_submission(form), form.differentiated)


def _mixed(assignment: str, student: str, picks: dict[str, str]) -> Numerical:
    """A notebook whose timed functions come from different forms' modules
    ({function: module}), on the assignment's forward passes."""
    paths = tuple(FOLDER / f"{module}.py" for module in BASES[assignment])
    chosen = tuple((function, FOLDER / f"{module}.py") for function, module in picks.items())
    return Numerical(Submission(student, assignment, paths, chosen), tuple(picks))


HONEST = {
    "a1_softmax": ("rows", "onehot"),
    "a2_rnn": ("batch_loop", "loops", "rerun", "printing"),
    "a3_lstm": ("batch_loop", "loops", "rerun"),
}
"""The honest styles graded besides the instructor's: the costliest ones
(Python loops over the batch, over the batch and time, the forward run
again inside the backward), whose ratios come closest to the multiple,
and one that prints its gradients at every step (a debugging leftover).
benchmarks/backward_cost.py measures every style (vectorised, einsum,
recomputing, preallocated too); the scalar-loop styles of slow_honest/
are measured there but not held to full marks (see the README)."""

NUMERICAL = {
    "a1_softmax": tuple(_form("a1_softmax", student) for student in ("fdentry", "fdworkers")),
    "a2_rnn": (
        _mixed(
            "a2_rnn",
            "cheapest",
            {
                "rnn_step_backward": "a2_structured",
                "rnn_backward": "a2_weights_only",
                "output_backward": "a2_structured",
                "temporal_softmax_loss": "a2_complex_step",
                "rnn_loss": "a2_threads",
            },
        ),
    ),
    "a3_lstm": (
        _mixed(
            "a3_lstm",
            "weightsthreads",
            {"lstm_step_backward": "a3_weights_only", "lstm_backward": "a3_threads"},
        ),
    ),
}
"""The numerical students of each batch: every timed function in at least
one numerical form, and these forms: per entry, structured (whole columns
at once where outputs are independent: the cheapest), complex step,
threads, worker processes (whose CPU time is counted where it runs, in
the workers), and half derived (weight gradients only, the rest
back-propagated)."""

GAMING = {
    "a1_softmax": ("memoised", "skiptimed", "failingbaseline", "overheadhook", "jacobianforward"),
    "a2_rnn": ("skiptimed", "failingbaseline"),
    "a3_lstm": ("skiptimed", "failingbaseline"),
}
"""The forms of forms.py DEFEATS graded in each batch (the others cost
every timed function its cut-off: benchmarks/backward_cost.py grades
them all)."""

ASSIGNMENTS = tuple(NUMERICAL)


def _params(kind: str) -> list:
    found = []
    for assignment in ASSIGNMENTS:
        if kind == "honest":
            students = ["instructor", *(s.replace("_", "") for s in HONEST[assignment])]
            found += [pytest.param(assignment, s, id=f"{assignment}-{s}") for s in students]
            continue
        if kind == "gaming":
            found += [
                pytest.param(assignment, s, id=f"{assignment}-{s}") for s in GAMING[assignment]
            ]
            continue
        found += [
            pytest.param(
                assignment, n.submission.student, id=f"{assignment}-{n.submission.student}"
            )
            for n in NUMERICAL[assignment]
        ]
    return found


def _numerical(assignment: str, student: str) -> Numerical:
    return next(n for n in NUMERICAL[assignment] if n.submission.student == student)


@pytest.fixture(scope="module")
def cost_batch(released_course, tmp_path_factory):
    """get(assignment): the assignment's batch (the instructor, the honest
    styles and the numerical students), graded by `course grade` while two
    busy loops load both cores; graded once, when a test first needs it."""
    graded: dict[str, GradedBatch] = {}

    def get(assignment: str) -> GradedBatch:
        if assignment not in graded:
            base = tmp_path_factory.mktemp(f"cost-{assignment}")
            course = prepare_course(released_course, base / "course")
            students = [
                *honest_submissions(assignment, HONEST[assignment]),
                *(numerical.submission for numerical in NUMERICAL[assignment]),
                *(_form(assignment, student).submission for student in GAMING[assignment]),
            ]
            with cpu_load(2):
                batch = grade(course, assignment, students, base / "submissions")
            assert batch.exit_code == 0, batch.output[-3000:]
            graded[assignment] = batch
        return graded[assignment]

    return get


def _gradebook_scores(batch: GradedBatch, student: str) -> dict[str, tuple[float, float]]:
    """{grade_id: (score, max_score)} of the autograded cells in nbgrader's gradebook."""
    with Gradebook(f"sqlite:///{batch.course / 'gradebook.db'}", COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook(batch.assignment, batch.assignment, student)
        return {
            grade.name: (grade.score, grade.max_score)
            for grade in notebook.grades
            if grade.name.startswith("test_")
        }


def _multiple(function: str) -> float:
    baseline = SPECS[function].cost_baseline[0]
    return COST_MULTIPLES[ELEMENTWISE if baseline == ELEMENTWISE else "forward"]


@pytest.mark.parametrize(("assignment", "student"), _params("honest"))
def test_every_honest_style_keeps_all_its_points(cost_batch, assignment, student):
    """Does an honest implementation keep every point, each timed function
    measured (not left without a verdict) within its multiple, and does the
    gradebook agree?"""
    batch = cost_batch(assignment)
    tests = batch.tests(student)
    for function, test in tests.items():
        assert test["score"] == test["points"], test["message"]
        if function in TIMED[assignment]:
            cost = test["cost"]
            assert cost is not None, f"{function} was not measured"
            assert cost["ratio"] <= _multiple(function), (function, cost)
            assert cost["window_ratio"] <= COST_MULTIPLES[REFERENCE], (function, cost)
            assert cost["failure"] == "", (function, cost)
    for grade_id, (score, max_score) in _gradebook_scores(batch, student).items():
        assert score == max_score, grade_id


@pytest.mark.parametrize(("assignment", "student"), _params("caught"))
def test_numerical_gradients_earn_nothing_and_the_feedback_says_why(
    cost_batch, assignment, student
):
    """Does every timed function the student differentiates numerically
    lose the points of all its gradients, and only those (a loss value
    keeps its share), with the note that says what it cost against what?"""
    batch = cost_batch(assignment)
    tests = batch.tests(student)
    gradebook = _gradebook_scores(batch, student)
    for function in _numerical(assignment, student).numerical:
        test = tests[function]
        outputs = SPECS[function].outputs
        kept = [output.name for output in outputs if not output.is_gradient]
        for output in outputs:
            verdict = test["outputs"][output.name]
            if output.is_gradient:
                assert not verdict["passed"], (function, output.name, test["message"])
                assert verdict["problem"].startswith("not credited: right values"), verdict
            else:
                assert verdict["passed"], (function, output.name, test["message"])
        expected = test["points"] * len(kept) / len(outputs)
        assert test["score"] == pytest.approx(expected, abs=1e-6), test["message"]
        assert gradebook[f"test_{function}"][0] == pytest.approx(expected, abs=1e-6)
        assert NOTE.format(function=function) in test["message"], test["message"]
        assert WHY in test["message"]
        assert test["cost"]["ratio"] > _multiple(function), test["cost"]


@pytest.mark.parametrize(("assignment", "student"), _params("others"))
def test_numerical_students_keep_every_other_point(cost_batch, assignment, student):
    """Do the forward values and the functions a numerical student did not
    differentiate numerically keep all their points?"""
    batch = cost_batch(assignment)
    numerical = _numerical(assignment, student).numerical
    for function, test in batch.tests(student).items():
        if function not in numerical:
            assert test["score"] == test["points"], test["message"]
    for grade_id, (score, max_score) in _gradebook_scores(batch, student).items():
        if grade_id.removeprefix("test_") not in numerical:
            assert score == max_score, grade_id


@pytest.mark.parametrize(("assignment", "student"), _params("gaming"))
def test_numerical_gradients_written_against_the_measurement_earn_nothing(
    cost_batch, assignment, student
):
    """Does a notebook that games the measurement (remembers results, returns
    zeros when timed, fails when timed, makes empty cells costly, or moves
    the differences into its forward pass) lose the points of every
    gradient of every timed function, and only those, with a note saying
    why?"""
    batch = cost_batch(assignment)
    tests = batch.tests(student)
    gradebook = _gradebook_scores(batch, student)
    for function in TIMED[assignment]:
        test = tests[function]
        outputs = SPECS[function].outputs
        for output in outputs:
            verdict = test["outputs"][output.name]
            assert verdict["passed"] is not output.is_gradient, (function, output.name, test)
        kept = sum(not output.is_gradient for output in outputs)
        expected = test["points"] * kept / len(outputs)
        assert test["score"] == pytest.approx(expected, abs=1e-6), test["message"]
        assert gradebook[f"test_{function}"][0] == pytest.approx(expected, abs=1e-6)
        assert "Not credited: " in test["message"], test["message"]
