"""One change of the book's address moves every link.

An instructor's checkout whose _config.yml names another address
(html.baseurl) is made in a temporary folder: the course's code, assignments
and lock files, nothing built. Its own `course release`, `course grade` and
`course feedback` run there, as that instructor would run them. Then every
link to the book, in the released notebooks, the shipped checks, the
downloads and the feedback of a graded notebook, must use the new address,
and the old one must appear nowhere.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.authoring.book_address import PLACEHOLDER, book_url
from autograder.course_checks.specs import SPECS
from autograder.coursedir import CONFIG_NAME, REPOSITORY, Course
from autograder.kernels import kernel_python

pytestmark = pytest.mark.slow  # releases three assignments and grades a notebook

NEW_ADDRESS = "https://teacher.example.edu/~lee/gradients-2027"
ASSIGNMENT = "a1_softmax"
COPIED = ("autograder", "solutions", "assignments", "requirements", "_toc.yml")


def _checkout(root: Path) -> Path:
    """A copy of the instructor's checkout with the new address in _config.yml."""
    for name in COPIED:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    config = (REPOSITORY / "_config.yml").read_text(encoding="utf-8")
    changed, count = re.subn(r"(?m)^(  baseurl: ).*$", rf"\g<1>{NEW_ADDRESS}/", config)
    assert count == 1, "html.baseurl is no longer one line of _config.yml"
    (root / "_config.yml").write_text(changed, encoding="utf-8")
    (root / "course").mkdir()
    shutil.copy(REPOSITORY / "course" / CONFIG_NAME, root / "course" / CONFIG_NAME)
    return root


def _course(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    """`course <args>` of the copied checkout: `python -m` from its folder
    imports its own autograder (the current folder comes first on sys.path)."""
    environment = {
        **os.environ,
        "NO_COLOR": "1",
        "COLUMNS": "400",
        "COURSE_KERNEL_PYTHON": str(kernel_python()),
    }
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args, "--course", str(checkout / "course")],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> Course:
    """The copied checkout released, one blank notebook graded, its feedback made."""
    checkout = _checkout(tmp_path_factory.mktemp("checkout"))
    course = Course(checkout / "course", checkout / "assignments")
    released = _course(checkout, "release")
    assert released.returncode == 0, released.stderr
    submissions = tmp_path_factory.mktemp("submissions")
    shutil.copy(course.release_notebook(ASSIGNMENT), submissions / f"jdoe_{ASSIGNMENT}.ipynb")
    graded = _course(checkout, "grade", ASSIGNMENT, str(submissions))
    assert graded.returncode == 0, graded.stderr
    feedback = _course(checkout, "feedback", ASSIGNMENT)
    assert feedback.returncode == 0, feedback.stderr
    return course


def _texts(course: Course) -> dict[str, str]:
    """Every text file a student gets or reads: release folders, the files
    inside the downloads, the feedback."""
    texts = {}
    for folder in (course.folder("release"), course.folder("feedback")):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".ipynb", ".py", ".md", ".txt", ".html"):
                texts[str(path.relative_to(course.root))] = path.read_text(encoding="utf-8")
    for archive in sorted(course.downloads.glob("*.zip")):
        with zipfile.ZipFile(archive) as opened:
            for member in opened.namelist():
                if not member.endswith("/"):
                    texts[f"{archive.name}!{member}"] = opened.read(member).decode("utf-8")
    return texts


def test_the_old_address_is_gone_from_everything_students_get(moved: Course):
    """Does nothing released, downloaded or fed back still link the
    repository's own address?"""
    old = book_url()
    assert old != NEW_ADDRESS
    texts = _texts(moved)
    assert len(texts) > 30
    assert [name for name, text in texts.items() if old in text] == []


def test_every_notebook_link_moved(moved: Course):
    """Does each released notebook link the new address exactly as often as
    its text source writes {book}, and is its download the same notebook?"""
    texts = _texts(moved)
    for assignment in moved.authored_assignments():
        placeholders = moved.text_source(assignment).read_text(encoding="utf-8").count(PLACEHOLDER)
        released = texts[f"release/{assignment}/{assignment}.ipynb"]
        assert released.count(NEW_ADDRESS + "/book/") == placeholders > 10
        assert texts[f"{assignment}.zip!{assignment}/{assignment}.ipynb"] == released


def test_the_shipped_checks_link_the_new_address(moved: Course):
    """Does the checks package in each download link the new address, when a
    student's Python (the kernel's, without the course) runs it?"""
    for assignment in moved.authored_assignments():
        code = "from course_checks.book import equation_url; print(equation_url('softmax', 'x'))"
        result = subprocess.run(
            [str(kernel_python()), "-c", code],
            cwd=moved.release_dir(assignment),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.stdout.strip() == f"{NEW_ADDRESS}/book/softmax.html#equation-x", result
        readme = _texts(moved)[f"{assignment}.zip!{assignment}/README.md"]
        assert f"{NEW_ADDRESS}/book/assignments.html" in readme


def _graded_outputs(course: Course, assignment: str) -> list:
    """The graded outputs of the functions an assignment's source defines."""
    source = course.text_source(assignment).read_text(encoding="utf-8")
    defined = set(re.findall(r"(?m)^def (\w+)\(", source))
    return [output for name, spec in SPECS.items() if name in defined for output in spec.outputs]


def test_the_feedback_links_the_new_address(moved: Course):
    """Does the feedback of the graded blank notebook fail every graded
    output and link, for each one that has an equation, exactly that
    equation under the new address?"""
    feedback = html.unescape(
        re.sub(r"<[^>]*>", "", moved.feedback_html("jdoe", ASSIGNMENT).read_text(encoding="utf-8"))
    )
    outputs = _graded_outputs(moved, ASSIGNMENT)
    failing = re.findall(r"(?m)^\s*FAIL\s+(\w+)\s+raised", feedback)
    assert sorted(failing) == sorted(output.name for output in outputs)
    expected = {
        f"{NEW_ADDRESS}/book/{page}.html#equation-{label.lower()}"
        for output in outputs
        if output.equation
        for page, label in [output.equation]
    }
    links = set(re.findall(r"see equation \([\w-]+\): (\S+)", feedback))
    assert len(expected) >= 5
    assert links == expected
