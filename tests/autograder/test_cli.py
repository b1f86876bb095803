"""The instructor's command line end to end, through its real entry point,
on a small class of generated submissions graded by nbgrader with a real
kernel and gradebook."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.coursedir import REPOSITORY, open_course

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
    """Grade a class of submissions in the flat layout an LMS exports."""
    folder = tmp_path_factory.mktemp("submissions")
    source = nbformat.read(released_course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    release = nbformat.read(released_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    _write(source, folder / f"honest_{ASSIGNMENT}.ipynb")
    _write(release, folder / f"blank_{ASSIGNMENT}.ipynb")
    for name, code in ATTACK_PRELUDE.items():
        attacked = nbformat.read(
            released_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4
        )
        attacked.cells.insert(1, nbformat.v4.new_code_cell(code))
        _write(attacked, folder / f"{name.replace('_', '')}_{ASSIGNMENT}.ipynb")
    always = nbformat.read(released_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    for index, function in _solution_functions(always):
        always.cells[index].source = (
            ALWAYS_EQUAL + f"def {function}(*args, **kwargs):\n    return Anything()\n"
        )
    _write(always, folder / f"alwaysequal_{ASSIGNMENT}.ipynb")
    for student, prelude in IMPORT_ATTACKS.items():
        attacked = nbformat.read(
            released_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4
        )
        for index, function in _solution_functions(attacked):
            attacked.cells[index].source = prelude + IMPORT_REFERENCE.format(name=function)
        _write(attacked, folder / f"{student}_{ASSIGNMENT}.ipynb")
    # An honest submission zipped inside extra folders, and a broken file.
    with zipfile.ZipFile(folder / f"{ASSIGNMENT} - zipped.zip", "w") as archive:
        archive.writestr("Downloads/work/a1.ipynb", nbformat.writes(source))
    (folder / f"broken_{ASSIGNMENT}.ipynb").write_text("{not json", encoding="utf-8")
    exit_code = main(["grade", ASSIGNMENT, str(folder), "--course", str(released_course)])
    return exit_code


def _scores(course_root: Path) -> dict[str, float]:
    api_db = f"sqlite:///{course_root / 'gradebook.db'}"
    with Gradebook(api_db, "rnn-gradients") as gradebook:
        return {
            submission.student.id: submission.score
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
        }


def test_grade_reports_the_broken_file_and_finishes_the_batch(graded_class):
    """Does one unreadable file give exit code 1 while every other student is graded?"""
    assert graded_class == 1


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
    with Gradebook(f"sqlite:///{course_root / 'gradebook.db'}", "rnn-gradients") as gradebook:
        return gradebook.find_assignment(ASSIGNMENT).max_score


def test_results_are_traceable(released_course, graded_class):
    """Does a graded notebook leave a record of its file's hash, grader version and time?"""
    path = released_course / "results" / ASSIGNMENT / "honest" / f"{ASSIGNMENT}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{64}", record["submission_sha256"])
    assert record["grader_version"]
    assert record["graded_at"]
    assert record["limits"]["sandboxed"] is True
    assert record["limits"]["memory_bytes"] > 0 and record["limits"]["cell_timeout_s"] > 0
    assert all(test["score"] == test["points"] for test in record["tests"])


def test_feedback_export_and_report(released_course, graded_class, tmp_path):
    """Do feedback, export and report write what an instructor opens next?"""
    assert main(["feedback", ASSIGNMENT, "--course", str(released_course)]) == 0
    feedback = released_course / "feedback" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    text = feedback.read_text(encoding="utf-8")
    assert "Hidden test of" in text and "FAIL" in text
    hostile = released_course / "feedback" / "htmlscript" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert "<script>window.feedbackHijacked" not in hostile.read_text(encoding="utf-8")
    grades = tmp_path / "grades.csv"
    assert main(["export", "--to", str(grades), "--course", str(released_course)]) == 0
    rows = list(csv.DictReader(grades.open(encoding="utf-8")))
    assert {"student_id", "score", "max_score"} <= set(rows[0])
    assert any(column.startswith(f"{ASSIGNMENT}:test_") for column in rows[0])
    report = tmp_path / "report.html"
    assert main(["report", "--to", str(report), "--course", str(released_course)]) == 0
    html = report.read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') >= 2
    assert "Most frequent failures" in html


def test_release_contains_no_solution_and_no_hidden_test(released_course):
    """Does the student release hold stubs, and neither solution code nor hidden tests?"""
    course = open_course(released_course)
    for assignment in sorted(p.name for p in course.folder("release").iterdir() if p.is_dir()):
        release = course.folder("release") / assignment
        text = "\n".join(p.read_text(encoding="utf-8") for p in release.rglob("*.ipynb"))
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "NotImplementedError" in text
        source = nbformat.read(course.folder("source") / assignment / f"{assignment}.ipynb", 4)
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
        assert (course.downloads / f"{assignment}.zip").exists()


def test_bad_arguments_exit_with_code_2(released_course):
    """Does the real entry point reject an unknown assignment with exit code 2 and a reason?"""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder.cli",
            "grade",
            "no_such",
            ".",
            "--course",
            str(released_course),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "has not been released" in result.stderr
    help_text = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "example:" in help_text


def test_a_second_run_skips_what_is_graded_and_regrading_one_student_leaves_the_rest(
    released_course, graded_class, tmp_path
):
    """Does rerunning a batch grade nothing twice, and --student touch only that student?"""
    before = _scores(released_course)
    folder = tmp_path / "again"
    folder.mkdir()
    source = nbformat.read(released_course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    release = nbformat.read(released_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    _write(source, folder / f"honest_{ASSIGNMENT}.ipynb")
    _write(source, folder / f"blank_{ASSIGNMENT}.ipynb")  # blank resubmits a finished notebook
    _write(release, folder / f"other_{ASSIGNMENT}.ipynb")
    stamp = (released_course / "results" / ASSIGNMENT / "honest" / "graded.json").stat().st_mtime
    args = ["grade", ASSIGNMENT, str(folder), "--course", str(released_course)]
    assert main([*args, "--student", "blank"]) == 0
    after = _scores(released_course)
    assert after["blank"] == _max_score(released_course)
    assert "other" not in after
    assert {k: v for k, v in after.items() if k != "blank"} == {
        k: v for k, v in before.items() if k != "blank"
    }
    assert main(args) == 0  # honest is skipped (same file), other is graded
    honest_ledger = released_course / "results" / ASSIGNMENT / "honest" / "graded.json"
    assert honest_ledger.stat().st_mtime == stamp
    assert _scores(released_course)["other"] == 0
