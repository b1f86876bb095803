"""The grading kernel's spec, written into the course directory."""

from __future__ import annotations

import json
import os
import sys

import pytest

from autograder.coursedir import Course
from autograder.kernels import KERNEL_NAME, install_kernelspec, kernel_python


def test_the_kernelspec_runs_the_kernel_python_and_is_found_first(tmp_path, monkeypatch):
    """Is kernel.json written to the course's kernelspec folder, running the
    configured Python with one BLAS thread, and the course's Jupyter data
    folder first on JUPYTER_PATH (once, however often it is installed)?"""
    monkeypatch.setenv("COURSE_KERNEL_PYTHON", sys.executable)
    monkeypatch.setenv("JUPYTER_PATH", "/elsewhere")
    course = Course(tmp_path)
    for _ in range(2):
        spec_dir = install_kernelspec(course)
    assert spec_dir == course.kernelspec_dir(KERNEL_NAME)
    spec = json.loads((spec_dir / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert spec["env"]["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["JUPYTER_PATH"].split(os.pathsep) == [
        str(course.jupyter_data_dir),
        "/elsewhere",
    ]


def test_a_missing_kernel_python_says_what_to_do(tmp_path, monkeypatch):
    missing = tmp_path / "no-python"
    monkeypatch.setenv("COURSE_KERNEL_PYTHON", str(missing))
    with pytest.raises(FileNotFoundError) as raised:
        kernel_python()
    assert str(raised.value).startswith(
        f"the grading kernel's Python {missing} does not exist: run `make venv`"
    )
    with pytest.raises(FileNotFoundError):
        install_kernelspec(Course(tmp_path))
    assert not Course(tmp_path).jupyter_data_dir.exists()
