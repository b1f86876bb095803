"""Mutation testing of the hidden tests: every mistake of the catalogue,
made in the instructor's solution and graded by the real pipeline
(`course grade`, nbgrader, the sandboxed kernel), must lose the points of
exactly the outputs it breaks, and its feedback must name them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course_checks.specs import SPECS
from autograder.coursedir import REPOSITORY
from autograder.grading.seed import SEED_FILE_NAME
from autograder.intake.collect import STUDENT_ID
from tests.autograder.mutations.catalogue import (
    ASSIGNMENTS,
    BY_NAME,
    MUTANTS,
    Mutant,
    readme_table,
)
from tests.autograder.mutations.submissions import (
    is_test_cell,
    mutant_notebook,
    solution_cell_index,
)

COURSE_ID = "rnn-gradients"
CONTROL = "unmutated"
"""Student id of each assignment's trimmed but unmutated source notebook."""

GRADING_SEED = 20261123
"""Fixed grading seed, so that a failure reproduces with the same hidden inputs."""

README_SECTION = "## The mutation catalogue"

FEEDBACK_LINE = re.compile(r"^  (PASS|FAIL)  (\S+)")


@pytest.fixture(scope="module")
def mutation_course(released_course, tmp_path_factory) -> Path:
    """A copy of the released course in which every mutant, and one
    unmutated control per assignment, has been graded: one `course grade`
    batch per assignment, each mutant a student."""
    root = tmp_path_factory.mktemp("mutations") / "course"
    shutil.copytree(
        released_course,
        root,
        ignore=shutil.ignore_patterns(
            "submitted", "autograded", "feedback", "results", SEED_FILE_NAME
        ),
    )
    (root / SEED_FILE_NAME).write_text(f"{GRADING_SEED}\n", encoding="utf-8")
    submissions = tmp_path_factory.mktemp("mutant-submissions")
    for assignment in ASSIGNMENTS:
        source = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", 4)
        folder = submissions / assignment
        folder.mkdir()
        nbformat.write(mutant_notebook(source, None), folder / f"{CONTROL}_{assignment}.ipynb")
        for mutant in MUTANTS:
            if mutant.assignment == assignment:
                notebook = mutant_notebook(source, mutant)
                nbformat.write(notebook, folder / f"{mutant.name}_{assignment}.ipynb")
        assert main(["grade", assignment, str(folder), "--course", str(root)]) == 0
    return root


def _verdicts(course: Path, assignment: str, student: str) -> dict[str, dict]:
    """The grader's record of one graded notebook: {grade_id: test verdict}."""
    path = course / "results" / assignment / student / f"{assignment}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    return {test["grade_id"]: test for test in record["tests"]}


def _failing(verdicts: dict[str, dict]) -> dict[str, set[str]]:
    """{grade_id: names of its failing outputs}, for the cells that lost points."""
    failing = {
        grade_id: {name for name, output in test["outputs"].items() if not output["passed"]}
        for grade_id, test in verdicts.items()
    }
    return {grade_id: names for grade_id, names in failing.items() if names}


def _gradebook_scores(course: Path, assignment: str, student: str) -> dict[str, tuple]:
    """{grade_id: (score, max_score)} of the autograded cells, from nbgrader's gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {
            grade.name: (grade.score, grade.max_score)
            for grade in notebook.grades
            if grade.name.startswith("test_")
        }


def _feedback_blocks(message: str) -> dict[str, str]:
    """The feedback of one test cell cut into {output name: its lines}: the
    PASS or FAIL line and the indented lines under it."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in message.splitlines():
        match = FEEDBACK_LINE.match(line)
        if match:
            current = match.group(2)
            blocks[current] = [line]
        elif current and line.startswith("        "):
            blocks[current].append(line)
        else:
            current = None
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def _expected(mutant: Mutant) -> dict[str, set[str]]:
    return {grade_id: set(outputs) for grade_id, outputs in mutant.fails.items()}


MUTANT_IDS = [mutant.name for mutant in MUTANTS]
GRADED_MUTANTS = [pytest.param(mutant.name, id=mutant.name) for mutant in MUTANTS]
"""One parameter per mutant for the tests of its grading."""
WHERE_CHECKS = [
    pytest.param(mutant.name, grade_id, output, pattern, id=f"{mutant.name}-{output}")
    for mutant in MUTANTS
    for (grade_id, output), pattern in mutant.where.items()
]


# --------------------------------------------------------------------------
# The catalogue itself (no grading)


def test_the_catalogue_holds_at_least_twenty_well_named_mutants():
    """Are there at least 20 mutants, with distinct names usable as student ids?"""
    names = [mutant.name for mutant in MUTANTS]
    assert len(names) >= 20
    assert len(set(names)) == len(names)
    for name in names:
        assert STUDENT_ID.match(name) and "_" not in name and name != CONTROL, name


def test_every_expected_failure_names_a_real_grade_cell_and_output(released_course):
    """Does each mutant expect failures only of test cells and outputs its notebook has?"""
    for mutant in MUTANTS:
        notebook = nbformat.read(
            released_course / "source" / mutant.assignment / f"{mutant.assignment}.ipynb", 4
        )
        grade_ids = {
            cell.metadata.nbgrader.grade_id for cell in notebook.cells if is_test_cell(cell)
        }
        for grade_id, outputs in mutant.fails.items():
            assert grade_id in grade_ids, (mutant.name, grade_id)
            spec = SPECS[grade_id.removeprefix("test_")]
            spec_outputs = [out.name for out in spec.outputs]
            assert outputs, (mutant.name, grade_id)
            assert list(outputs) == [name for name in spec_outputs if name in outputs], (
                mutant.name,
                grade_id,
                outputs,
            )
        for grade_id, output in (*mutant.where, *mutant.feedback):
            assert output in mutant.fails.get(grade_id, ()), (mutant.name, grade_id, output)


@pytest.mark.parametrize("name", MUTANT_IDS)
def test_each_edit_applies_once_inside_its_solution_region(released_course, name):
    """Does each mutant's text occur exactly once in its function's solution
    region, so that a change to the assignment fails here loudly, and does
    the edit change that region and nothing else?"""
    mutant = BY_NAME[name]
    source = nbformat.read(
        released_course / "source" / mutant.assignment / f"{mutant.assignment}.ipynb", 4
    )
    unmutated = mutant_notebook(source, None)
    mutated = mutant_notebook(source, mutant)
    index = solution_cell_index(unmutated, mutant.function)
    assert mutated.cells[index].source != unmutated.cells[index].source
    assert [c.source for k, c in enumerate(mutated.cells) if k != index] == [
        c.source for k, c in enumerate(unmutated.cells) if k != index
    ]


def test_the_readme_lists_every_mutant():
    """Does the README's catalogue section name every mutant and show the
    catalogue's table as it is now?"""
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert README_SECTION in readme
    section = readme.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    for mutant in MUTANTS:
        assert f"`{mutant.name}`" in section, mutant.name
    assert readme_table() in section, (
        "the README's table is out of date: regenerate it with "
        "`python -m tests.autograder.mutations.catalogue`"
    )


# --------------------------------------------------------------------------
# Graded mutants


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_trimmed_unmutated_solution_earns_full_marks(mutation_course, assignment):
    """Does the source notebook without its trailing ungraded cells earn
    every point, so that any point a mutant loses is lost to its mistake?"""
    assert _failing(_verdicts(mutation_course, assignment, CONTROL)) == {}
    scores = _gradebook_scores(mutation_course, assignment, CONTROL)
    assert scores and all(score == max_score > 0 for score, max_score in scores.values())


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADED_MUTANTS)
def test_the_mutant_fails_exactly_the_outputs_it_breaks(mutation_course, name):
    """Do the outputs the mistake breaks fail, and every other output of
    every test cell pass?"""
    mutant = BY_NAME[name]
    observed = _failing(_verdicts(mutation_course, mutant.assignment, name))
    assert observed == _expected(mutant), f"observed {observed}, expected {_expected(mutant)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADED_MUTANTS)
def test_the_gradebook_takes_the_points_of_those_outputs_only(mutation_course, name):
    """Does nbgrader's gradebook take off each failing output's share of its
    cell's points, and keep full marks in every other test cell?"""
    mutant = BY_NAME[name]
    verdicts = _verdicts(mutation_course, mutant.assignment, name)
    scores = _gradebook_scores(mutation_course, mutant.assignment, name)
    assert set(scores) == set(verdicts)
    for grade_id, (score, max_score) in scores.items():
        outputs = len(verdicts[grade_id]["outputs"])
        failing = len(mutant.fails.get(grade_id, ()))
        expected = max_score * (outputs - failing) / outputs
        assert score == pytest.approx(expected, abs=1e-6), (grade_id, score, expected)


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADED_MUTANTS)
def test_the_feedback_names_each_failing_output(mutation_course, name):
    """Does the feedback under each test cell say FAIL for exactly the
    broken outputs, by name, and say what the catalogue expects of them?"""
    mutant = BY_NAME[name]
    verdicts = _verdicts(mutation_course, mutant.assignment, name)
    for grade_id, test in verdicts.items():
        blocks = _feedback_blocks(test["message"])
        assert set(blocks) == set(test["outputs"]), (grade_id, test["message"])
        failing = set(mutant.fails.get(grade_id, ()))
        for output, block in blocks.items():
            mark = "FAIL" if output in failing else "PASS"
            assert block.startswith(f"  {mark}  {output} "), (grade_id, block)
    for (grade_id, output), pattern in mutant.feedback.items():
        block = _feedback_blocks(verdicts[grade_id]["message"])[output]
        assert re.search(pattern, block), (grade_id, output, pattern, block)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "grade_id", "output", "pattern"), WHERE_CHECKS)
def test_the_feedback_locates_the_mistake(mutation_course, name, grade_id, output, pattern):
    """Does the grader blame the time step or gate block where the mistake
    lies (the step before the last for a missing carry from step t+1, the
    swapped or wrongly differentiated gate blocks)?"""
    mutant = BY_NAME[name]
    verdict = _verdicts(mutation_course, mutant.assignment, name)[grade_id]
    where = verdict["outputs"][output]["where"]
    assert re.search(pattern, where), (where, pattern)
    assert where in verdict["message"]
