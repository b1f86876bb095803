"""Whether this machine can grade: :func:`worker_checks`.

A grading machine (the instructor's, or a worker of a cluster) needs the kernel's
environment (NumPy, Matplotlib, ipykernel, and neither the reference solutions nor
the grader), bubblewrap able to build the sandbox, and write access to cgroups for
the hard memory caps. Each check is run for real, with the settings the course's
``nbgrader_config.py`` gives :class:`SandboxedKernelManager`: the last one starts a
sandboxed kernel and runs NumPy in it.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from autograder.sandbox.bwrap import sandbox_available
from autograder.sandbox.cgroup_place import FIX_DELEGATE
from autograder.sandbox.cgroup_setup import cgroup_place_or_reason
from autograder.sandbox.manager import SandboxedKernelManager

REQUIRED = ("numpy", "matplotlib", "ipykernel")
FORBIDDEN = ("solutions", "autograder")
"""The reference solutions and the grader: a kernel that can import them could read
the references or call the grader's own checks."""

# Run by the kernel's Python, isolated (-I: no PYTHONPATH, no user site, no working
# directory on sys.path), as the sandboxed kernel runs.
_PACKAGES_PROBE = """
import importlib, importlib.util, json, sys
required, forbidden = json.loads(sys.argv[1])
report = {"broken": {}, "forbidden": {}}
for name in required:
    try:
        importlib.import_module(name)
    except Exception as error:
        report["broken"][name] = f"{type(error).__name__}: {error}"
for name in forbidden:
    spec = importlib.util.find_spec(name)
    if spec is not None:
        report["forbidden"][name] = spec.origin or str(list(spec.submodule_search_locations or []))
print(json.dumps(report))
"""

FIX_KERNEL_PYTHON = (
    "run `make venv` in the course repository on this machine (it makes .venv-kernel "
    "from requirements/kernel.lock), or set COURSE_KERNEL_PYTHON (or "
    "c.SandboxedKernelManager.kernel_python) to a Python with numpy, matplotlib and "
    "ipykernel"
)
FIX_BWRAP = (
    "install bubblewrap (Debian: apt-get install bubblewrap, or "
    "scripts/install-system-packages.sh) and let it create namespaces: run the worker as "
    "root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1,"
    " user.max_user_namespaces > 0)"
)
FIX_CGROUPS = (
    "run the worker as root (or as a user that may write its own cgroup) on a machine "
    "that mounts the memory and pids controllers (cgroup v2, or v1 memory and pids), "
    "with /sys/fs/cgroup writable (not a read-only container mount); for cgroup v2: "
    + FIX_DELEGATE
)


@dataclass(frozen=True)
class Finding:
    """The outcome of one check.

    Attributes:
        check: what was checked ("kernel environment", "bubblewrap", ...).
        ok: whether it passed.
        detail: what was found, or what is missing.
        fix: how to fix it ("" when it passed).
    """

    check: str
    ok: bool
    detail: str
    fix: str = ""


def check_kernel_environment(manager: SandboxedKernelManager) -> Finding:
    """The kernel's Python imports numpy, matplotlib and ipykernel, and cannot find
    the solutions or the grader."""
    check = "kernel environment"
    try:
        python = manager.kernel_python_path()
    except FileNotFoundError as error:
        return Finding(check, False, str(error), FIX_KERNEL_PYTHON)
    if not os.access(python, os.X_OK):
        return Finding(check, False, f"{python} is not an executable file", FIX_KERNEL_PYTHON)
    with tempfile.TemporaryDirectory(prefix="course-check-") as neutral:
        completed = subprocess.run(
            [str(python), "-I", "-c", _PACKAGES_PROBE, json.dumps([REQUIRED, FORBIDDEN])],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=neutral,
            env={"PATH": os.defpath, "MPLBACKEND": "Agg"},
        )
    if completed.returncode != 0:
        detail = f"{python} could not run the check: {completed.stderr.strip()}"
        return Finding(check, False, detail, FIX_KERNEL_PYTHON)
    report = json.loads(completed.stdout)
    problems, fixes = [], []
    if report["broken"]:
        broken = "; ".join(f"{name} ({why})" for name, why in report["broken"].items())
        problems.append(f"{python} cannot import {broken}")
        fixes.append(f"{python} -m pip install --require-hashes -r requirements/kernel.lock")
    if report["forbidden"]:
        found = "; ".join(f"{name} (from {where})" for name, where in report["forbidden"].items())
        problems.append(f"{python} can import {found}, which student code must never reach")
        fixes.append(
            "remove them from that environment (e.g. "
            f"{python} -m pip uninstall rnn-gradients-course, and any .pth file or copy "
            "naming them) or recreate it: rm -rf .venv-kernel && make venv"
        )
    if problems:
        return Finding(check, False, "; ".join(problems), "; ".join(fixes))
    return Finding(
        check,
        True,
        f"{python} imports {', '.join(REQUIRED)} and cannot import {', '.join(FORBIDDEN)}",
    )


def check_bubblewrap(manager: SandboxedKernelManager) -> Finding:
    """bubblewrap builds the kernel's sandbox here (a real, throw-away one)."""
    available, reason = sandbox_available(manager.bwrap)
    return Finding("bubblewrap", available, reason, "" if available else FIX_BWRAP)


def check_cgroups(manager: SandboxedKernelManager) -> Finding:
    """A kernel's cgroup with memory and pids caps can be made and joined here."""
    place, reason = cgroup_place_or_reason(manager.cgroup_root)
    if place is None:
        return Finding("cgroups", False, reason, FIX_CGROUPS)
    return Finding("cgroups", True, reason)


def check_sandboxed_kernel(config: Config) -> Finding:
    """A kernel starts in the sandbox (required, no fallback) and runs NumPy."""
    check = "sandboxed kernel"
    config = copy.deepcopy(config)  # the caller's stays as it was
    config.SandboxedKernelManager.require_sandbox = True
    notebook = new_notebook(cells=[new_code_cell("import numpy\nprint(int(numpy.ones(3).sum()))")])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    client = NotebookClient(
        notebook,
        config=config,
        kernel_manager_class=SandboxedKernelManager,
        timeout=60,
        startup_timeout=60,
        allow_errors=True,
    )
    try:
        client.execute()
    except Exception as error:
        return Finding(
            check, False, f"the kernel did not run: {type(error).__name__}: {error}", FIX_BWRAP
        )
    outputs = notebook.cells[0].outputs
    printed = "".join(output.get("text", "") for output in outputs)
    if printed.strip() != "3":
        return Finding(
            check, False, f"the kernel ran but printed {printed!r}: {outputs}", FIX_KERNEL_PYTHON
        )
    return Finding(check, True, "a sandboxed kernel started and ran NumPy")


def worker_checks(config: Config | None = None) -> list[Finding]:
    """Every check, with the sandbox settings of `config` (a traitlets config, as
    nbgrader_config.py makes). The sandboxed kernel is started only when the
    environment and bubblewrap passed (it would only repeat their failure)."""
    config = config if config is not None else Config()
    manager = SandboxedKernelManager(config=config)
    findings = [
        check_kernel_environment(manager),
        check_bubblewrap(manager),
        check_cgroups(manager),
    ]
    if findings[0].ok and findings[1].ok:
        findings.append(check_sandboxed_kernel(config))
    return findings


def missing(findings: list[Finding]) -> list[Finding]:
    """The findings that are problems."""
    return [finding for finding in findings if not finding.ok]
