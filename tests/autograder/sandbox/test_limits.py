"""What a sandboxed kernel may spend: memory, processes, CPU time, file size and
wall-clock time, each stopped without harming the grader."""

from __future__ import annotations

import errno
import os
import time

import pytest
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute

from autograder.sandbox.config import GIB, MIB
from tests.autograder.sandbox.notebook_runs import (
    FORK_BOMB,
    MANAGER,
    assert_fork_bomb_stopped,
    error_names,
    json_of,
    make_notebook,
    manager_config,
    run_notebook,
    stdout_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("bwrap_works")]

FORK_BOMB_UID = 64999
"""The fork bomb's sandbox user when grading as root: a user of its own, so that its
processes do not count against other kernels running as the default user."""


def test_memory_bomb_raises_memory_error_and_the_kernel_survives(course):
    """Does allocating beyond the address-space limit raise MemoryError in the
    notebook (in Python and in NumPy), leaving the kernel able to run the next cell?"""
    notebook = make_notebook(
        "hoard = bytearray(3 * 1024**3)",
        "import numpy as np\nhoard = np.ones(400_000_000)",
        "print('still alive')",
    )

    run_notebook(notebook, course.notebook_dir, manager_config(memory_limit=2 * GIB))

    assert error_names(notebook.cells[0]) == ["MemoryError"], notebook.cells[0].outputs
    numpy_errors = error_names(notebook.cells[1])
    assert len(numpy_errors) == 1 and numpy_errors[0].endswith("MemoryError"), numpy_errors
    assert stdout_of(notebook.cells[2]) == "still alive\n"


def test_fork_bomb_is_stopped_by_the_process_limit(course):
    """Does a loop starting 500 sleeping processes fail with EAGAIN at RLIMIT_NPROC
    (32, below the sandbox's pids cap of 64), long before 500, and does none of them
    outlive the kernel? (test_cgroups.py: the same stopped by a pids cap.)"""
    notebook = make_notebook(FORK_BOMB)
    config = manager_config(process_limit=32, sandbox_uid=FORK_BOMB_UID)

    run_notebook(notebook, course.notebook_dir, config)

    assert_fork_bomb_stopped(notebook.cells[0], 32)


def test_infinite_loop_hits_nbgraders_cell_timeout(course):
    """Does nbgrader's Execute stop an endless cell at its timeout (through the
    sandbox, by an interrupt message) and go on with the next cell?"""
    config = manager_config()
    config.Execute.kernel_manager_class = MANAGER
    config.Execute.timeout = 3
    notebook = make_notebook("while True:\n    pass", "print('next cell ran')")

    started = time.monotonic()
    Execute(config=config).preprocess(notebook, {"metadata": {"path": str(course.notebook_dir)}})
    elapsed = time.monotonic() - started

    assert "CellTimeoutError" in error_names(notebook.cells[0]), notebook.cells[0].outputs
    assert stdout_of(notebook.cells[1]) == "next cell ran\n", notebook.cells[1].outputs
    assert elapsed < 30, f"the endless cell held the grader for {elapsed:.0f} s"


def test_huge_write_is_capped_at_the_file_size_limit(course):
    """Does writing 16 MiB to the scratch folder stop with EFBIG at the 1 MiB
    file-size limit, leaving exactly 1 MiB on disk?"""
    target = course.scratch / "flood.bin"
    notebook = make_notebook(
        f"""
import json
written = 0
try:
    with open({str(target)!r}, "wb") as handle:
        for _ in range(16):
            written += handle.write(bytes(1024 * 1024))
            handle.flush()
    outcome = ["ok", written]
except OSError as error:
    outcome = ["error", error.errno]
print(json.dumps(outcome))
"""
    )
    config = manager_config(scratch_dir=str(course.scratch), file_size_limit=1 * MIB)

    run_notebook(notebook, course.notebook_dir, config)

    assert json_of(notebook.cells[0]) == ["error", errno.EFBIG]
    assert os.path.getsize(target) == 1 * MIB


def test_cpu_time_limit_kills_a_busy_kernel(course):
    """Is a kernel that keeps a core busy killed when its CPU seconds are used up,
    well before the cell's own timeout?"""
    notebook = make_notebook("while True:\n    pass")

    started = time.monotonic()
    with pytest.raises(DeadKernelError):
        run_notebook(notebook, course.notebook_dir, manager_config(cpu_time_limit=2), timeout=60)
    elapsed = time.monotonic() - started

    assert elapsed < 30, f"the kernel ran for {elapsed:.0f} s on a 2 CPU-second budget"


def test_notebook_timeout_kills_a_sleeping_kernel(course, capsys):
    """Is a kernel killed, with a warning, when the whole notebook's wall-clock
    budget is spent, even though each cell's timeout is far away?"""
    notebook = make_notebook("print('first')", "import time\ntime.sleep(120)")

    started = time.monotonic()
    with pytest.raises(DeadKernelError):
        run_notebook(notebook, course.notebook_dir, manager_config(notebook_timeout=4), timeout=60)
    elapsed = time.monotonic() - started

    assert stdout_of(notebook.cells[0]) == "first\n"
    assert elapsed < 30, f"the notebook ran for {elapsed:.0f} s on a 4 s budget"
    assert "wall-clock budget" in capsys.readouterr().err
