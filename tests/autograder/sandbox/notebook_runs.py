"""Building small notebooks, running them through the sandboxed kernel manager
with nbclient, and reading what their cells printed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from autograder.sandbox import SandboxedKernelManager

REPOSITORY = Path(__file__).resolve().parents[3]
KERNEL_PYTHON = REPOSITORY / ".venv-kernel" / "bin" / "python"
MANAGER = "autograder.sandbox.SandboxedKernelManager"


def make_notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook of code cells that names the usual python3 kernel (which the
    sandboxed manager replaces with the grading kernel)."""
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata.kernelspec = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def manager_config(**traits: object) -> Config:
    """Traitlets config of the sandboxed manager, as nbgrader_config.py would set it."""
    config = Config()
    config.SandboxedKernelManager.kernel_python = str(KERNEL_PYTHON)
    for name, value in traits.items():
        setattr(config.SandboxedKernelManager, name, value)
    return config


def run_notebook(
    notebook: nbformat.NotebookNode,
    working_dir: Path,
    config: Config,
    *,
    timeout: int = 20,
) -> nbformat.NotebookNode:
    """Execute `notebook` in place with nbclient, in `working_dir`, keeping errors in
    the cells' outputs."""
    client = NotebookClient(
        notebook,
        config=config,
        kernel_manager_class=SandboxedKernelManager,
        timeout=timeout,
        startup_timeout=60,
        allow_errors=True,
        resources={"metadata": {"path": str(working_dir)}},
    )
    client.execute()
    return notebook


def stdout_of(cell: nbformat.NotebookNode) -> str:
    """Everything the cell printed to stdout."""
    return "".join(
        output.get("text", "")
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


def json_of(cell: nbformat.NotebookNode) -> object:
    """The JSON document that is the last stdout line of the cell."""
    lines = stdout_of(cell).strip().splitlines()
    assert lines, f"the cell printed nothing; outputs: {cell.outputs}"
    return json.loads(lines[-1])


def error_names(cell: nbformat.NotebookNode) -> list[str]:
    return [output.ename for output in cell.outputs if output.output_type == "error"]


def processes_running(argv: list[str]) -> list[int]:
    """Host PIDs of the processes whose command line is exactly `argv`."""
    wanted = "\0".join(argv) + "\0"
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command_line = Path("/proc", entry, "cmdline").read_text(encoding="utf-8")
        except OSError:
            continue
        if command_line == wanted:
            pids.append(int(entry))
    return pids
