"""Building small notebooks, running them through the sandboxed kernel manager
with nbclient, and reading what their cells printed."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import nbformat
import psutil
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
    notebook_client(notebook, working_dir, config, timeout=timeout).execute()
    return notebook


class KeptManagerClient(NotebookClient):
    """NotebookClient that keeps its kernel manager after the run (nbclient drops
    it), so that a test can ask it afterwards (memory_enforcement,
    killed_for_memory)."""

    manager: SandboxedKernelManager | None = None

    def create_kernel_manager(self):
        self.manager = super().create_kernel_manager()
        return self.manager


def notebook_client(
    notebook: nbformat.NotebookNode, working_dir: Path, config: Config, *, timeout: int = 20
) -> KeptManagerClient:
    """A client that runs `notebook` in `working_dir` through the sandboxed manager,
    keeping errors in the cells' outputs."""
    return KeptManagerClient(
        notebook,
        config=config,
        kernel_manager_class=SandboxedKernelManager,
        timeout=timeout,
        startup_timeout=60,
        allow_errors=True,
        resources={"metadata": {"path": str(working_dir)}},
    )


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


SLEEP_MARKER = "30.271828"
"""The fork bomb's children run ``sleep 30.271828``, an argument no other process
uses, so that they can be found on the host afterwards."""

FORK_BOMB = f"""
import json, subprocess
children, stopped = [], None
for attempt in range(500):
    try:
        children.append(subprocess.Popen(["sleep", "{SLEEP_MARKER}"]))
    except OSError as error:
        stopped = [attempt, error.errno]
        break
print(json.dumps(stopped))
"""
"""A cell starting 500 sleeping processes; prints [attempt, errno] of the first
refusal, or null."""


def assert_fork_bomb_stopped(cell: nbformat.NotebookNode, limit: int) -> None:
    """The FORK_BOMB cell was refused a process (EAGAIN) before `limit`, and none
    of its children outlived the kernel."""
    stopped = json_of(cell)
    assert stopped is not None, "all 500 processes started"
    started, error_number = stopped
    assert 0 < started < limit, stopped
    assert error_number == errno.EAGAIN, stopped
    assert processes_running(["sleep", SLEEP_MARKER]) == [], "children outlived the kernel"


def processes_running(argv: list[str]) -> list[int]:
    """Host PIDs of the processes whose command line is exactly `argv`."""
    pids = []
    for process in psutil.process_iter(["cmdline"]):
        if process.info["cmdline"] == argv:
            pids.append(process.pid)
    return pids
