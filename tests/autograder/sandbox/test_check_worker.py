"""`course check-worker`, run as the installed command, as an instructor or a
cluster's administrator would: this machine passes; a kernel Python without NumPy,
one that can import the solutions and the grader, and cgroups it cannot use are
each reported with a fix, and the command fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.coursedir import CONFIG_NAME, DEFAULT_COURSE_DIR
from tests.autograder.sandbox.notebook_runs import KERNEL_PYTHON, REPOSITORY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("bwrap_works")]

COURSE = REPOSITORY / ".venv" / "bin" / "course"


def check_worker(*arguments: str, kernel_python: Path | None = None) -> tuple[int, str]:
    """Run `course check-worker`; return its exit code and stdout."""
    env = {key: value for key, value in os.environ.items() if key != "COURSE_KERNEL_PYTHON"}
    if kernel_python is not None:
        env["COURSE_KERNEL_PYTHON"] = str(kernel_python)
    completed = subprocess.run(
        [str(COURSE), "check-worker", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=REPOSITORY,
    )
    return completed.returncode, completed.stdout


def lines_of(stdout: str) -> dict[str, str]:
    """{check: its line} for the "ok"/"MISSING" lines, and the fix after each."""
    found, last = {}, None
    for line in stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("ok", "MISSING"):
            last = rest.strip().split(":", 1)[0]
            found[last] = line
        elif line.strip().startswith("fix:") and last is not None:
            found[f"{last} fix"] = line
    return found


def bare_python(folder: Path, *pth_entries: Path) -> Path:
    """A fresh virtual environment of the grader's Python, without pip or any
    package; each of `pth_entries` is put on its path with a .pth file."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site_packages = next(folder.glob("lib/python3*/site-packages"))
    if pth_entries:
        text = "".join(f"{entry}\n" for entry in pth_entries)
        (site_packages / "extra.pth").write_text(text, encoding="utf-8")
    return folder / "bin" / "python"


def test_this_machine_can_grade(cgroup_place):
    """Does the command pass every check here (the course's kernel environment,
    bubblewrap, cgroups, a sandboxed kernel running NumPy) and exit 0?"""
    code, stdout = check_worker()

    found = lines_of(stdout)
    assert code == 0, stdout
    for check in ("kernel environment", "bubblewrap", "cgroups", "sandboxed kernel"):
        assert found[check].startswith("ok "), stdout
    assert cgroup_place.version in found["cgroups"], stdout
    assert stdout.rstrip().endswith("this machine can grade")


def test_a_kernel_python_without_numpy_and_unusable_cgroups_are_reported(tmp_path):
    """With COURSE_KERNEL_PYTHON a Python that has no packages and a course whose
    cgroup_root is a plain folder: are both reported MISSING with a fix, bubblewrap
    still ok, no kernel started, and the exit code 1?"""
    course = tmp_path / "course"
    course.mkdir()
    not_cgroups = tmp_path / "not-cgroups"
    not_cgroups.mkdir()
    config = (DEFAULT_COURSE_DIR / CONFIG_NAME).read_text(encoding="utf-8")
    config += f"\nc.SandboxedKernelManager.cgroup_root = {str(not_cgroups)!r}\n"
    (course / CONFIG_NAME).write_text(config, encoding="utf-8")
    python = bare_python(tmp_path / "bare")

    code, stdout = check_worker("--course", str(course), kernel_python=python)

    found = lines_of(stdout)
    assert code == 1, stdout
    assert found["kernel environment"].startswith("MISSING "), stdout
    for package in ("numpy", "matplotlib", "ipykernel"):
        assert f"{package} (ModuleNotFoundError" in found["kernel environment"], stdout
    assert "requirements/kernel.lock" in found["kernel environment fix"], stdout
    assert found["bubblewrap"].startswith("ok "), stdout
    assert found["cgroups"].startswith("MISSING "), stdout
    assert f"no cgroup file system is mounted at or below {not_cgroups}" in found["cgroups"]
    assert "sandboxed kernel" not in found, stdout
    assert "2 of 3 checks failed" in stdout


def test_a_kernel_python_that_can_import_the_solutions_is_reported(tmp_path):
    """With COURSE_KERNEL_PYTHON a Python that has the kernel's packages but also
    the repository on its path: is it reported MISSING because it can import
    `solutions` and `autograder`, with where from and how to fix it?"""
    kernel_site = next((KERNEL_PYTHON.parent.parent).glob("lib/python3*/site-packages"))
    if Path(sys.executable).resolve().name != Path(KERNEL_PYTHON).resolve().name:
        pytest.fail("the grader's and the kernel's Pythons differ; this test needs one version")
    python = bare_python(tmp_path / "leaky", kernel_site, REPOSITORY)

    code, stdout = check_worker(kernel_python=python)

    found = lines_of(stdout)
    assert code == 1, stdout
    line = found["kernel environment"]
    assert line.startswith("MISSING "), stdout
    assert f"can import solutions (from {REPOSITORY / 'solutions'}" in line, stdout
    assert f"autograder (from {REPOSITORY / 'autograder'}" in line, stdout
    assert "cannot import" not in line, "numpy, matplotlib and ipykernel should import"
    assert "rm -rf .venv-kernel && make venv" in found["kernel environment fix"]
    assert shutil.which("bwrap") is not None
