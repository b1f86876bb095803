"""Run notebooks through the sandboxed manager in a fresh grader process:
``python -m tests.autograder.sandbox.fresh_process SPEC`` (from the repository).

For what a test must see once per process (a warning given once per process,
the cgroup setup found once), and for a grader started in another mount namespace.

SPEC is a JSON object ``{"traits": {name: value}, "working_dir": folder,
"notebooks": [[cell source, ...], ...]}``; the notebooks run one after the other,
and the last stdout line is a JSON list with, per notebook, the manager's
``memory_enforcement``, ``killed_for_memory()`` and each cell's stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.autograder.sandbox.notebook_runs import (
    REPOSITORY,
    make_notebook,
    manager_config,
    notebook_client,
    stdout_of,
)


def main(spec: dict) -> list[dict]:
    results = []
    for sources in spec["notebooks"]:
        notebook = make_notebook(*sources)
        client = notebook_client(
            notebook, Path(spec["working_dir"]), manager_config(**spec["traits"])
        )
        client.execute()
        results.append(
            {
                "enforcement": client.manager.memory_enforcement,
                "killed_for_memory": client.manager.killed_for_memory(),
                "stdout": [stdout_of(cell) for cell in notebook.cells],
            }
        )
    return results


def run_in_fresh_process(spec: dict, *, prefix: tuple[str, ...] = ()) -> tuple[list[dict], str]:
    """Run `spec` in a new Python process (after the command `prefix`, e.g. unshare);
    returns its results and its stderr. Fails with its output when it fails."""
    completed = subprocess.run(
        [*prefix, sys.executable, "-m", __name__, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPOSITORY,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1]), completed.stderr


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
