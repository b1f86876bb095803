"""When bubblewrap is missing or broken: a loud warning and an unsandboxed run, or
a refusal; folders the sandbox refuses to mount; and when no cgroup can be made:
rlimits only, after one warning per grader process."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from nbclient import NotebookClient

from autograder.sandbox import SandboxedKernelManager, sandbox_available
from autograder.sandbox.bwrap import grader_is_root
from autograder.sandbox.config import CGROUP_V2, MIB, RLIMIT_ONLY
from tests.autograder.sandbox.fresh_process import run_in_fresh_process
from tests.autograder.sandbox.notebook_runs import (
    REPOSITORY,
    make_notebook,
    manager_config,
    run_notebook,
    stdout_of,
)

pytestmark = pytest.mark.slow


def test_missing_bwrap_is_reported_unavailable(tmp_path, monkeypatch):
    """Does sandbox_available say no, naming bubblewrap, for a path that does not
    exist and for a PATH without bwrap?"""
    available, reason = sandbox_available(str(tmp_path / "no-such-bwrap"))
    assert available is False
    assert "bubblewrap was not found" in reason

    monkeypatch.setenv("PATH", str(tmp_path))
    available, reason = sandbox_available("bwrap")
    assert available is False
    assert "bubblewrap was not found" in reason


def test_bwrap_that_fails_is_reported_unavailable():
    """Does sandbox_available really start bubblewrap, so that an executable that
    cannot sandbox (here `false`) is reported as not working?"""
    available, reason = sandbox_available(shutil.which("false"))
    assert available is False
    assert "cannot create a sandbox here" in reason


def test_without_bwrap_the_notebook_runs_unsandboxed_after_a_warning(
    tmp_path, course, caplog, capsys
):
    """With bubblewrap unavailable, is a WARNING logged and printed to stderr, and
    does the notebook still run, visibly outside the sandbox?"""
    notebook = make_notebook(
        "import numpy as np\nprint(int(np.ones(4).sum()))",
        f"print(open({str(REPOSITORY / 'solutions' / 'softmax.py')!r}).readline().strip())",
    )
    config = manager_config(bwrap=str(tmp_path / "no-such-bwrap"))

    with caplog.at_level(logging.WARNING, logger="autograder.sandbox"):
        run_notebook(notebook, course.notebook_dir, config)

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("SANDBOX UNAVAILABLE" in record.getMessage() for record in warnings)
    assert "SANDBOX UNAVAILABLE" in capsys.readouterr().err
    assert stdout_of(notebook.cells[0]) == "4\n"
    first_line = (REPOSITORY / "solutions" / "softmax.py").read_text().splitlines()[0]
    assert stdout_of(notebook.cells[1]) == first_line.strip() + "\n"


def test_required_sandbox_refuses_to_start_without_bwrap(tmp_path, course):
    """With require_sandbox set, does starting a kernel fail instead of falling back?"""
    notebook = make_notebook("print('never')")
    config = manager_config(bwrap=str(tmp_path / "no-such-bwrap"), require_sandbox=True)

    with pytest.raises(RuntimeError, match="required but unavailable"):
        run_notebook(notebook, course.notebook_dir, config)

    assert notebook.cells[0].outputs == []


@pytest.mark.usefixtures("bwrap_works")
def test_repository_root_is_refused_as_scratch_folder(tmp_path):
    """Is a scratch folder that contains the grader's working directory (here the
    repository) refused before any kernel starts or any folder changes owner?"""
    owner = REPOSITORY.stat().st_uid
    client = NotebookClient(
        make_notebook("print('never')"),
        config=manager_config(scratch_dir=str(REPOSITORY), runtime_root=str(tmp_path)),
        kernel_manager_class=SandboxedKernelManager,
    )

    with pytest.raises(ValueError, match="refusing to mount the kernel's scratch folder"):
        client.execute(cwd=str(tmp_path))

    assert REPOSITORY.stat().st_uid == owner
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("bwrap_works")
@pytest.mark.skipif(not grader_is_root(), reason="only a root grader drops to another user")
def test_notebook_folder_the_sandbox_user_cannot_enter_is_refused(tmp_path):
    """When grading as root, is a notebook folder closed to the sandbox user
    (mode 0700) refused with an explanation rather than a dead kernel?"""
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    client = NotebookClient(
        make_notebook("print('never')"),
        config=manager_config(),
        kernel_manager_class=SandboxedKernelManager,
        resources={"metadata": {"path": str(closed)}},
    )

    with pytest.raises(ValueError, match="chmod o\\+rx"):
        client.execute()

    assert Path(closed).stat().st_mode & 0o777 == 0o700


LIMITS_CELL = (
    "import json, resource\n"
    "print(json.dumps({name: resource.getrlimit(getattr(resource, name))[0]"
    " for name in ('RLIMIT_AS', 'RLIMIT_NPROC')}))"
)
RLIMITS = {"memory_limit": 1536 * MIB, "process_limit": 40}
RLIMITS_SEEN = {"RLIMIT_AS": 1536 * MIB, "RLIMIT_NPROC": 40}


def assert_rlimits_only(results: list[dict]) -> None:
    """Every notebook ran under the rlimits, with no cgroup."""
    for result in results:
        assert result["enforcement"] == RLIMIT_ONLY, result
        assert result["killed_for_memory"] is False, result
        assert json.loads(result["stdout"][0]) == RLIMITS_SEEN, result


@pytest.mark.usefixtures("bwrap_works")
def test_without_cgroups_two_kernels_get_rlimits_after_one_warning(course, tmp_path):
    """With cgroup_root a folder that is no cgroup mount, do two kernels started by
    one grader process both run under the address-space and process rlimits, after
    exactly one warning that names the folder?"""
    not_cgroups = tmp_path / "not-cgroups"
    not_cgroups.mkdir()
    spec = {
        "traits": {"cgroup_root": str(not_cgroups), **RLIMITS},
        "working_dir": str(course.notebook_dir),
        "notebooks": [[LIMITS_CELL], [LIMITS_CELL]],
    }

    results, stderr = run_in_fresh_process(spec)

    assert len(results) == 2
    assert_rlimits_only(results)
    assert stderr.count("WARNING: NO MEMORY CGROUP") == 1, stderr
    assert f"no cgroup file system is mounted at or below {not_cgroups}" in stderr, stderr


@pytest.mark.usefixtures("bwrap_works")
def test_read_only_cgroups_fall_back_to_rlimits_after_one_warning(course, tmp_path, cgroup_place):
    """In a grader whose cgroup file systems are mounted read-only (as in many
    containers; here a private mount namespace with this machine's hierarchies
    mounted again, read-only), do kernels run under the rlimits after one warning
    that says the file system is read-only?"""
    if not grader_is_root() or shutil.which("unshare") is None:
        pytest.skip("NOT TESTED: mounting cgroups read-only needs root and unshare(1)")
    mounts = tmp_path / "cgroups"
    if cgroup_place.version == CGROUP_V2:
        commands = [f"mkdir {mounts}/unified", f"mount -t cgroup2 -o ro none {mounts}/unified"]
    else:
        commands = [
            f"mkdir {mounts}/{name} && mount -t cgroup -o ro,{name} none {mounts}/{name}"
            for name in ("memory", "pids")
        ]
    mounts.mkdir()
    script = " && ".join([*commands, 'exec "$@"'])
    prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh")
    spec = {
        "traits": {"cgroup_root": str(mounts), **RLIMITS},
        "working_dir": str(course.notebook_dir),
        "notebooks": [[LIMITS_CELL], [LIMITS_CELL]],
    }

    results, stderr = run_in_fresh_process(spec, prefix=prefix)

    assert_rlimits_only(results)
    assert stderr.count("WARNING: NO MEMORY CGROUP") == 1, stderr
    assert "Read-only file system" in stderr, stderr
