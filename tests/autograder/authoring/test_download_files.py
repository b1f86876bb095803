"""What makes a download set itself up: its requirements (pinned to the lock
files), its README, and a reproducible zip."""

from __future__ import annotations

import zipfile

import pytest

from autograder.authoring.download_files import (
    STUDENT_PACKAGES,
    LockError,
    assignment_title,
    locked_versions,
    readme_text,
    requirements_text,
    write_download_zip,
)
from autograder.coursedir import REPOSITORY


def test_requirements_pin_the_locked_versions():
    """Is every student package pinned to its version in the lock file the
    course tests with (the grading kernel's for NumPy and Matplotlib)?"""
    pins = dict(
        line.split("==") for line in requirements_text().splitlines() if not line.startswith("#")
    )
    locks = REPOSITORY / "requirements"
    assert pins == {
        package: locked_versions(locks / lock)[package] for package, _, lock in STUDENT_PACKAGES
    }
    assert (
        locked_versions(locks / "kernel.lock")["numpy"]
        == locked_versions(locks / "dev.lock")["numpy"]
    ), "the kernel and the course test with different NumPy versions"


def test_a_package_missing_from_its_lock_is_an_error(tmp_path):
    (tmp_path / "kernel.lock").write_text("numpy==2.0.0 \\\n    --hash=sha256:00\n", "utf-8")
    (tmp_path / "dev.lock").write_text("jupyterlab==4.0.0\n", "utf-8")
    with pytest.raises(LockError, match="matplotlib is not pinned"):
        requirements_text(tmp_path)


def test_the_readme_says_how_to_set_up_check_and_submit():
    text = readme_text("Assignment 9: demo", "a9_demo.ipynb", "https://e.org/c")
    assert text.startswith("# Assignment 9: demo\n")
    assert "pip install -r requirements.txt" in text
    assert "jupyter lab a9_demo.ipynb" in text
    assert "## Run the checks" in text and "## What to submit" in text
    assert "https://e.org/c/book/assignments.html" in text
    assert "$" not in text.replace("`$", ""), "a placeholder was left unfilled"


def test_the_title_is_the_first_level_one_heading():
    assert assignment_title("intro\n## Part\n# Assignment 2: RNN\n# Other", "a2") == (
        "Assignment 2: RNN"
    )
    assert assignment_title("no heading", "a2") == "a2"


def test_the_zip_is_reproducible_and_leaves_bytecode_out(tmp_path):
    folder = tmp_path / "a9_demo"
    (folder / "course_checks" / "__pycache__").mkdir(parents=True)
    (folder / "a9_demo.ipynb").write_text("{}", "utf-8")
    (folder / "course_checks" / "__init__.py").write_text("", "utf-8")
    (folder / "course_checks" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    first = write_download_zip(folder, tmp_path / "out" / "first.zip").read_bytes()
    (folder / "a9_demo.ipynb").touch()  # a new modification time changes nothing
    second = write_download_zip(folder, tmp_path / "out" / "second.zip").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "out" / "first.zip") as archive:
        assert archive.namelist() == ["a9_demo/a9_demo.ipynb", "a9_demo/course_checks/__init__.py"]
