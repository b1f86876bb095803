"""The instructor's command line end to end, through its real entry point,
on a small class of generated submissions graded by nbgrader with a real
kernel and gradebook."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import __version__
from autograder.cli import main
from autograder.coursedir import REPOSITORY, Course, open_course
from autograder.intake.collect import file_digest
from tests.autograder import command_line
from tests.autograder.gradebooks import COURSE_ID
from tests.autograder.report_page import Page

pytestmark = pytest.mark.slow

ASSIGNMENT = "a1_softmax"

ATTACK_PRELUDE = {
    # Rebind NumPy's and the checker's comparisons so that everything "matches".
    "monkeypatch_numpy": (
        "import numpy as np, numpy.testing, course_checks\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "course_checks.compare = lambda *a, **k: None\n"
        "course_checks.relative_error = lambda *a, **k: 0.0\n"
    ),
    # Swallow every exception the stubs raise.
    "swallow_exceptions": (
        "ip = get_ipython()\n"
        "ip.set_custom_exc((BaseException,), lambda *a, **k: None)\n"
        "ip.showtraceback = lambda *a, **k: None\n"
    ),
    # Script in an output, to run in the browser of whoever opens the feedback.
    "html_script": (
        "from IPython.display import HTML, display\n"
        "display(HTML('<script>window.feedbackHijacked = 1</script>'))\n"
    ),
    # Replace the module the probe loads by a fake.
    "patch_sys_modules": (
        "import sys, types\n"
        "fake = types.ModuleType('course_grading_probe')\n"
        "fake.run_probe = lambda *a, **k: None\n"
        "sys.modules['course_grading_probe'] = fake\n"
    ),
}

# Solution cells replaced by an import of the reference implementation,
# plainly or with the repository put on sys.path first.
IMPORT_ATTACKS = {
    "importsolutions": "",
    "importsolutionsbypath": f"import sys\nsys.path.insert(0, {str(REPOSITORY)!r})\n",
}
IMPORT_REFERENCE = (
    "import importlib\n"
    "for _module in ('solutions.softmax', 'solutions.gradcheck'):\n"
    "    try:\n"
    "        _found = vars(importlib.import_module(_module))\n"
    "    except ImportError:\n"
    "        continue\n"
    "    if {name!r} in _found:\n"
    "        {name} = _found[{name!r}]\n"
)

ALWAYS_EQUAL = (
    "class AlwaysEqual(float):\n"
    "    def __eq__(self, other): return True\n"
    "    def __array__(self, *a, **k): raise TypeError('no')\n"
    "class Anything:\n"
    "    def __eq__(self, other): return True\n"
    "    def __getitem__(self, key): return self\n"
    "    def __iter__(self): return iter([Anything()] * 7)\n"
)


def _solution_functions(notebook) -> list[tuple[int, str]]:
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            match = re.search(r"^def (\w+)\(", cell.source, re.MULTILINE)
            if match:
                found.append((index, match.group(1)))
    return found


def _write(notebook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def graded_class(released_course, tmp_path_factory):
    """Grade a class of submissions in the flat layout an LMS exports, with
    the installed `course` script; returns the finished process."""
    folder = tmp_path_factory.mktemp("submissions")
    course = Course(released_course)
    source = nbformat.read(course.source_notebook(ASSIGNMENT), 4)
    release = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
    _write(source, folder / f"honest_{ASSIGNMENT}.ipynb")
    _write(release, folder / f"blank_{ASSIGNMENT}.ipynb")
    for name, code in ATTACK_PRELUDE.items():
        attacked = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
        attacked.cells.insert(1, nbformat.v4.new_code_cell(code))
        _write(attacked, folder / f"{name.replace('_', '')}_{ASSIGNMENT}.ipynb")
    always = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
    for index, function in _solution_functions(always):
        always.cells[index].source = (
            ALWAYS_EQUAL + f"def {function}(*args, **kwargs):\n    return Anything()\n"
        )
    _write(always, folder / f"alwaysequal_{ASSIGNMENT}.ipynb")
    for student, prelude in IMPORT_ATTACKS.items():
        attacked = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
        for index, function in _solution_functions(attacked):
            attacked.cells[index].source = prelude + IMPORT_REFERENCE.format(name=function)
        _write(attacked, folder / f"{student}_{ASSIGNMENT}.ipynb")
    # An honest submission zipped inside extra folders, and a broken file.
    with zipfile.ZipFile(folder / f"{ASSIGNMENT} - zipped.zip", "w") as archive:
        archive.writestr("Downloads/work/a1.ipynb", nbformat.writes(source))
    (folder / f"broken_{ASSIGNMENT}.ipynb").write_text("{not json", encoding="utf-8")
    return command_line.course("grade", ASSIGNMENT, str(folder), "--course", str(released_course))


GRADED_STUDENTS = 10
"""honest, zipped, blank, the four preludes, alwaysequal and the two imports."""


def _scores(course_root: Path) -> dict[str, float]:
    with Gradebook(Course(course_root).gradebook_url, COURSE_ID) as gradebook:
        return {
            submission.student.id: submission.score
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
        }


def _words(text: str) -> str:
    """`text` with every run of white space made one space (rich wraps)."""
    return " ".join(text.split())


def test_grade_reports_the_broken_file_and_finishes_the_batch(released_course, graded_class):
    """Does one unreadable file give exit code 1 and a line naming it and
    why, while every other student is graded and listed with the score the
    gradebook holds?"""
    assert graded_class.returncode == 1, graded_class.stderr[-3000:]
    output = _words(graded_class.stderr)
    assert f"{ASSIGNMENT}: {GRADED_STUDENTS} graded, 1 rejected" in output
    assert re.search(
        rf"rejected broken_{ASSIGNMENT}\.ipynb: broken_{ASSIGNMENT}\.ipynb is not a valid "
        r"notebook \(NotJSONError: ",
        output,
    ), output
    printed = dict(re.findall(r"[│|] (\w+) [│|] ([\d.]+) / [\d.]+ [│|]", output))
    scores = _scores(released_course)
    assert len(scores) == GRADED_STUDENTS
    assert {student: float(score) for student, score in printed.items()} == scores


def test_honest_work_earns_full_marks_and_the_release_zero(released_course, graded_class):
    """Do the instructor's solutions score full marks and the untouched release zero?"""
    scores = _scores(released_course)
    max_score = _max_score(released_course)
    assert scores["honest"] == max_score > 0
    assert scores["zipped"] == max_score
    assert scores["blank"] == 0


@pytest.mark.parametrize(
    "student",
    [
        "monkeypatchnumpy",
        "swallowexceptions",
        "importsolutions",
        "importsolutionsbypath",
        "patchsysmodules",
        "alwaysequal",
        "htmlscript",
    ],
)
def test_cheating_earns_nothing(released_course, graded_class, student):
    """Does each integrity attack on the kernel score zero?"""
    assert _scores(released_course)[student] == 0


def _max_score(course_root: Path) -> float:
    with Gradebook(Course(course_root).gradebook_url, COURSE_ID) as gradebook:
        return gradebook.find_assignment(ASSIGNMENT).max_score


def test_results_are_traceable(released_course, graded_class):
    """Does a graded notebook leave a record of its file's hash, grader version and time?"""
    course = Course(released_course)
    record = json.loads(course.result_record(ASSIGNMENT, "honest").read_text(encoding="utf-8"))
    submitted = course.submitted_notebook("honest", ASSIGNMENT)
    assert record["submission_sha256"] == file_digest(submitted)
    assert record["grader_version"] == __version__
    graded_at = datetime.fromisoformat(record["graded_at"])
    assert graded_at.utcoffset() == timedelta(0)
    assert graded_at.timestamp() >= submitted.stat().st_mtime - 1
    assert record["limits"]["sandboxed"] is True
    assert record["limits"]["memory_bytes"] > 0 and record["limits"]["cell_timeout_s"] > 0
    assert all(test["score"] == test["points"] for test in record["tests"])


def test_feedback_export_and_report(released_course, graded_class, tmp_path):
    """Do feedback, export and report write what an instructor opens next?"""
    assert main(["feedback", ASSIGNMENT, "--course", str(released_course)]) == 0
    feedback = Course(released_course).feedback_html("blank", ASSIGNMENT)
    text = feedback.read_text(encoding="utf-8")
    assert "Hidden test of" in text and "FAIL" in text
    hostile = Course(released_course).feedback_html("htmlscript", ASSIGNMENT)
    assert "<script>window.feedbackHijacked" not in hostile.read_text(encoding="utf-8")
    grades = tmp_path / "grades.csv"
    assert main(["export", "--to", str(grades), "--course", str(released_course)]) == 0
    rows = {
        row["student_id"]: row
        for row in csv.DictReader(grades.open(encoding="utf-8"))
        if row["assignment"] == ASSIGNMENT
    }
    scores = _scores(released_course)
    assert {student: float(row["score"]) for student, row in rows.items()} == scores
    points = _test_points(released_course)
    parts = [column for column in rows["honest"] if column.startswith(f"{ASSIGNMENT}:")]
    assert sorted(parts) == sorted(f"{ASSIGNMENT}:{grade_id}" for grade_id in points)
    for grade_id, value in points.items():
        assert float(rows["honest"][f"{ASSIGNMENT}:{grade_id}"]) == value
        assert float(rows["blank"][f"{ASSIGNMENT}:{grade_id}"]) == 0.0
    others = [c for c in rows["honest"] if ":" in c and not c.startswith(f"{ASSIGNMENT}:")]
    assert others and all(rows["honest"][c] == "" for c in others)  # a2, a3: not submitted
    report = tmp_path / "report.html"
    assert main(["report", "--to", str(report), "--course", str(released_course)]) == 0
    page = Page(report.read_text(encoding="utf-8"))
    assert page.headings == [
        "Course report",
        ASSIGNMENT,
        "Most frequent failures",
        "a2_rnn",
        "a3_lstm",
    ]
    mean = sum(scores.values()) / len(scores)
    total = sum(points.values())
    assert f"{len(scores)} graded submission(s); mean {mean:.2f} of {total:g}." in page.paragraphs
    assert page.paragraphs.count("No submission graded yet.") == 2
    assert [image["alt"] for image in page.images] == [
        f"Histogram of the scores of {len(scores)} students in {ASSIGNMENT}",
        f"Pass rate of every tested output in {ASSIGNMENT}",
    ]
    failing = {row[1].split(":")[0] for row in page.rows[1:]}
    assert {grade_id.removeprefix("test_") for grade_id in points} <= failing


def _test_points(course_root: Path) -> dict[str, float]:
    """{grade_id: points} of the autograded test cells of the assignment."""
    source = nbformat.read(Course(course_root).source_notebook(ASSIGNMENT), 4)
    return {
        cell.metadata.nbgrader["grade_id"]: float(cell.metadata.nbgrader["points"])
        for cell in source.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def test_release_contains_no_solution_and_no_hidden_test(released_course):
    """Does the student release hold stubs, and neither solution code nor hidden tests?"""
    course = open_course(released_course)
    for assignment in course.released_assignments():
        release = course.release_dir(assignment)
        text = "\n".join(p.read_text(encoding="utf-8") for p in release.rglob("*.ipynb"))
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "NotImplementedError" in text
        source = nbformat.read(course.source_notebook(assignment), 4)
        solution_lines, other_text = set(), []
        for cell in source.cells:
            parts = re.split(r"### (?:BEGIN|END) SOLUTION", cell.source)
            other_text += parts[0::2]  # outside the solution regions
            solution_lines |= {line.strip() for part in parts[1::2] for line in part.splitlines()}
        shared = "\n".join(other_text)
        for line in solution_lines:
            # A solution line that the release shows, and that no
            # non-solution code of the source contains, is a leak.
            if len(line) > 20 and line not in shared:
                assert line not in text, (assignment, line)
        with zipfile.ZipFile(course.download_zip(assignment)) as archive:
            assert f"{assignment}/{assignment}.ipynb" in archive.namelist()


def test_bad_arguments_exit_with_code_2(released_course, tmp_path):
    """Does the installed `course` reject an unknown assignment and a missing
    folder with exit code 2 and a one-line reason, and its help show an example?"""
    result = command_line.course("grade", "no_such", ".", "--course", str(released_course))
    assert result.returncode == 2
    assert _words(result.stderr) == (
        "course grade: assignment 'no_such' has not been released: run `course release "
        "no_such` first (released: a1_softmax, a2_rnn, a3_lstm)"
    )
    missing = tmp_path / "nowhere"
    result = command_line.course(
        "grade", ASSIGNMENT, str(missing), "--course", str(released_course)
    )
    assert result.returncode == 2
    assert _words(result.stderr).endswith(f"submissions folder {missing} does not exist")
    help_text = command_line.course("grade", "--help")
    assert help_text.returncode == 0
    assert "example:\n  course grade a2_rnn ~/Downloads/a2_rnn_submissions" in help_text.stdout


def test_a_second_run_skips_what_is_graded_and_regrading_one_student_leaves_the_rest(
    released_course, graded_class, tmp_path, capsys
):
    """Does rerunning a batch grade nothing twice, and --student touch only that student?"""
    before = _scores(released_course)
    folder = tmp_path / "again"
    folder.mkdir()
    course = Course(released_course)
    source = nbformat.read(course.source_notebook(ASSIGNMENT), 4)
    release = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
    _write(source, folder / f"honest_{ASSIGNMENT}.ipynb")
    _write(source, folder / f"blank_{ASSIGNMENT}.ipynb")  # blank resubmits a finished notebook
    _write(release, folder / f"other_{ASSIGNMENT}.ipynb")
    honest_ledger = Course(released_course).ledger_file(ASSIGNMENT, "honest")
    stamp = honest_ledger.stat().st_mtime
    args = ["grade", ASSIGNMENT, str(folder), "--course", str(released_course)]
    assert main([*args, "--student", "blank"]) == 0
    after = _scores(released_course)
    assert after["blank"] == _max_score(released_course)
    assert "other" not in after
    assert {k: v for k, v in after.items() if k != "blank"} == {
        k: v for k, v in before.items() if k != "blank"
    }
    capsys.readouterr()
    assert main(args) == 0  # honest and blank are skipped (same files), other is graded
    output = _words(capsys.readouterr().err)
    assert "2 submission(s) already graded from the same file: skipped" in output
    assert f"{ASSIGNMENT}: 1 graded, 0 rejected" in output
    assert honest_ledger.stat().st_mtime == stamp
    assert _scores(released_course)["other"] == 0
