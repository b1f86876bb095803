"""Tests of :class:`autograder.sandbox.SandboxedKernelManager` driven by nbgrader's
Execute preprocessor, configured the way nbgrader_config.py configures it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from autograder.sandbox.bwrap import grader_is_root
from autograder.sandbox.config import MIB, NOBODY_ID
from tests.autograder.sandbox.notebook_runs import (
    MANAGER,
    json_of,
    make_notebook,
    manager_config,
    stdout_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("bwrap_works")]


class ScratchExecute(Execute):
    """Execute that gives each notebook's kernel a scratch folder of its own, the way
    a grading preprocessor hands over the folder it exchanges files through."""

    scratch = Unicode("")

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        manager.scratch_dir = self.scratch
        return manager


KERNEL_FACTS = """
import json, os, resource, socket
from helper import GREETING
print(json.dumps({
    "uid": os.getuid(),
    "cwd": os.getcwd(),
    "hostname": socket.gethostname(),
    "greeting": GREETING,
    "environment": sorted(os.environ),
    "limits": {name: resource.getrlimit(getattr(resource, name))[0]
               for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_NOFILE")},
}))
"""


def test_nbgrader_execute_runs_a_numpy_notebook_in_the_sandbox(course, tmp_path, monkeypatch):
    """Does nbgrader's Execute, given the manager through traitlets config, run a
    NumPy notebook in the notebook's folder inside the sandbox, under the configured
    limits, with none of the grader's environment, writing to the scratch folder the
    preprocessor handed over?"""
    monkeypatch.setenv("GRADER_SECRET", "do-not-leak")
    runtime_root = tmp_path / "runtime"
    runtime_root.mkdir()
    config = manager_config(
        memory_limit=1536 * MIB,
        process_limit=48,
        file_size_limit=8 * MIB,
        open_files_limit=200,
        runtime_root=str(runtime_root),
    )
    config.Execute.kernel_manager_class = MANAGER
    course.scratch.chmod(0o777)
    scratch_owner = course.scratch.stat().st_uid
    result = course.scratch / "outputs.npy"
    notebook = make_notebook(
        "import numpy as np\nsums = np.arange(10).reshape(2, 5).sum(axis=1)\n"
        f"np.save({str(result)!r}, sums)\nprint(sums.tolist())",
        KERNEL_FACTS,
    )
    execute = ScratchExecute(config=config, scratch=str(course.scratch))

    execute.preprocess(notebook, {"metadata": {"path": str(course.notebook_dir)}})

    assert stdout_of(notebook.cells[0]).strip() == "[10, 35]", notebook.cells[0].outputs
    np.testing.assert_array_equal(np.load(result), [10, 35], err_msg="the kernel's saved sums")
    facts = json_of(notebook.cells[1])
    assert facts["uid"] == (NOBODY_ID if grader_is_root() else os.getuid())
    assert facts["cwd"] == str(course.notebook_dir)
    assert facts["hostname"] == "kernel-sandbox"
    assert facts["greeting"] == "hello from ps1"
    assert "GRADER_SECRET" not in facts["environment"]
    assert facts["limits"] == {
        "RLIMIT_AS": 1536 * MIB,
        "RLIMIT_NPROC": 48,
        "RLIMIT_FSIZE": 8 * MIB,
        "RLIMIT_NOFILE": 200,
    }
    assert list(runtime_root.iterdir()) == [], "the kernel's runtime folder was left behind"
    assert course.scratch.stat().st_uid == scratch_owner, "the scratch folder was not given back"


def test_kernel_without_a_notebook_folder_starts_in_a_private_scratch(tmp_path):
    """Without a notebook folder or a configured scratch folder, does the kernel
    start in a fresh scratch folder it can write, which is deleted afterwards?"""
    notebook = make_notebook(
        "import os\nopen('note.txt', 'w').write('kept?')\nprint(os.getcwd())",
    )
    config = manager_config()
    config.Execute.kernel_manager_class = MANAGER

    Execute(config=config).preprocess(notebook, {})

    cwd = Path(stdout_of(notebook.cells[0]).strip())
    assert cwd.name.startswith("kernel-scratch-"), notebook.cells[0].outputs
    assert not cwd.exists(), "the private scratch folder outlived its kernel"
