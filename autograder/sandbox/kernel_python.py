"""Which host folders the kernel's Python needs: :func:`inspect_kernel_python`."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Run by the kernel's Python itself (trusted: no student code yet), isolated from
# the caller's environment variables and working directory.
_PROBE = """
import json, os, sys, sysconfig
base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
print(json.dumps({
    "prefix": sys.prefix,
    "exec_prefix": sys.exec_prefix,
    "base_prefix": sys.base_prefix,
    "base_exec_prefix": sys.base_exec_prefix,
    "interpreter": os.path.realpath(sys.executable),
    "path": sys.path,
    "base_site_packages": [base["purelib"], base["platlib"]],
}))
"""

SYSTEM_TREES = (Path("/usr"),)
"""Mounted read-only for every kernel anyway (with the merged-/usr links)."""


@dataclass(frozen=True)
class KernelPythonLayout:
    """The folders a kernel's Python reads from.

    Attributes:
        readonly_roots: host folders to mount read-only: the environment's prefix,
            the base Python it was created from and the folder of the real
            interpreter, minus anything already under /usr and folders nested in
            another root.
        hidden_dirs: folders inside those roots the kernel does not import from
            (the base Python's own site-packages, when the kernel runs in a virtual
            environment that excludes them); covered by an empty, read-only tmpfs
            so that packages installed there cannot be read either.
    """

    readonly_roots: tuple[Path, ...]
    hidden_dirs: tuple[Path, ...]


def is_within(path: Path, root: Path) -> bool:
    """Whether `path` is `root` or lies below it (both absolute, normalised)."""
    return path == root or root in path.parents


def outermost(paths: list[Path]) -> tuple[Path, ...]:
    """The paths that are not inside another of them (or a system tree), in order."""
    kept: list[Path] = []
    for path in sorted(set(paths), key=lambda p: len(p.parts)):
        if any(is_within(path, root) for root in (*SYSTEM_TREES, *kept)):
            continue
        kept.append(path)
    return tuple(kept)


@functools.lru_cache(maxsize=8)
def inspect_kernel_python(kernel_python: str) -> KernelPythonLayout:
    """Ask `kernel_python` where it lives (once per interpreter and process).

    Raises:
        FileNotFoundError: `kernel_python` does not exist.
        RuntimeError: it exists but could not report its layout.
    """
    if not os.path.exists(kernel_python):
        raise FileNotFoundError(f"the kernel's Python {kernel_python} does not exist")
    completed = subprocess.run(
        [kernel_python, "-I", "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.defpath},
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"the kernel's Python {kernel_python} failed to report its layout:\n"
            f"{completed.stderr.strip()}"
        )
    report = json.loads(completed.stdout)
    candidates = [
        Path(report[key]) for key in ("prefix", "exec_prefix", "base_prefix", "base_exec_prefix")
    ]
    # A virtual environment's bin/python is usually a symlink into the base Python.
    candidates.append(Path(report["interpreter"]).parent)
    roots = outermost([path.resolve() for path in candidates])
    on_path = {Path(entry).resolve() for entry in report["path"] if entry}
    hidden = sorted(
        {
            Path(directory).resolve()
            for directory in report["base_site_packages"]
            if Path(directory).resolve() not in on_path and Path(directory).is_dir()
        }
    )
    mounted = (*roots, *SYSTEM_TREES)
    hidden = [path for path in hidden if any(is_within(path, root) for root in mounted)]
    return KernelPythonLayout(readonly_roots=roots, hidden_dirs=tuple(hidden))
