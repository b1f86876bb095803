"""`course check-worker`: can this machine grade? What is missing, and how to fix it."""

from __future__ import annotations

import argparse

from traitlets.config.loader import PyFileConfigLoader

from autograder.apps.common import course_from
from autograder.sandbox.readiness import missing, worker_checks

HELP = "check that this machine can grade: kernel environment, bubblewrap, cgroups"
EXAMPLE = """example:
  course check-worker            # on the instructor's machine or on each Dask worker
Checks, with the sandbox settings of course/nbgrader_config.py, that the
kernel's Python (.venv-kernel or $COURSE_KERNEL_PYTHON) imports numpy,
matplotlib and ipykernel but neither the solutions nor the grader; that
bubblewrap builds the sandbox; that each kernel can get a cgroup with a hard
memory cap; and that a sandboxed kernel starts and runs NumPy. Prints one
line per check, with a fix for each problem; exits 1 when something is
missing."""


def configure(parser: argparse.ArgumentParser) -> None:
    """No options of its own: the course options say whose settings to check."""


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    config = PyFileConfigLoader(course.config_file.name, path=str(course.root)).load_config()
    findings = worker_checks(config)
    for finding in findings:
        print(f"{'ok' if finding.ok else 'MISSING':7} {finding.check}: {finding.detail}")
        if finding.fix:
            print(f"{'':7} fix: {finding.fix}")
    problems = missing(findings)
    if problems:
        print(f"this machine cannot grade: {len(problems)} of {len(findings)} checks failed")
        return 1
    print("this machine can grade")
    return 0
