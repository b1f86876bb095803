"""Each kernel's cgroup: a hard memory cap on the whole sandbox that kills it
(and only it), a cap on its processes, and nothing left behind.

Real cgroups, real bubblewrap, real kernels. Caps are a few hundred MiB: the
machine is shared.
"""

from __future__ import annotations

import asyncio

import pytest
from nbclient.exceptions import DeadKernelError

from autograder.sandbox.config import CGROUP_V2, DEFAULT_LIMITS, MIB
from tests.autograder.redteam.attacks import FORK_AND_ALLOCATE
from tests.autograder.sandbox.notebook_runs import (
    FORK_BOMB,
    assert_fork_bomb_stopped,
    make_notebook,
    manager_config,
    notebook_client,
    run_notebook,
    stdout_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("bwrap_works")]

CAP = 256 * MIB
PIDS_CAP_UID = 64997
"""The pids-cap test's sandbox user when grading as root: a user of its own, whose
RLIMIT_NPROC no other kernel's processes count against."""
# FORK_AND_ALLOCATE: six processes of 96 MiB each, well under the 2 GiB
# address-space limit of each, together more than twice the 256 MiB cap.

NEIGHBOUR = """
import time
import numpy as np
rng = np.random.default_rng(0)
started, rounds = time.monotonic(), 0
while time.monotonic() - started < 5:
    block = rng.standard_normal((200, 200))
    rounds += int(np.isfinite(block @ block.T).all())
print("neighbour finished", rounds > 0)
"""


def cap_files(folders) -> dict[str, str]:
    """The caps written in a kernel's cgroup, by file name."""
    names = ["memory.max", "memory.swap.max", "memory.oom.group", "pids.max"]
    names += ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"]
    return {
        name: (folder / name).read_text().strip()
        for folder in folders
        for name in names
        if (folder / name).exists()
    }


def test_fork_and_allocate_is_killed_at_the_cap_while_a_neighbour_finishes(
    course, tmp_path, cgroup_place
):
    """With two kernels running at once under a 256 MiB cap each: is the one whose
    processes together go over the cap killed as a whole (nbclient sees a dead
    kernel, its manager says "killed for memory"), while the other finishes its
    cells normally; were the caps written; and are both cgroups gone afterwards?"""
    bomb = make_notebook(FORK_AND_ALLOCATE, "print('after the bomb')")
    neighbour = make_notebook(NEIGHBOUR, "print('second cell')")
    config = manager_config(memory_cap=CAP)
    clients = {
        "bomb": notebook_client(bomb, course.notebook_dir, config, timeout=60),
        "neighbour": notebook_client(neighbour, course.notebook_dir, config, timeout=60),
    }
    seen = {}
    for name, client in clients.items():
        client.on_notebook_start = lambda notebook, name=name, client=client: seen.setdefault(
            name, (client.km.cgroup_folders, cap_files(client.km.cgroup_folders))
        )

    async def both():
        tasks = {name: asyncio.create_task(c.async_execute()) for name, c in clients.items()}
        await asyncio.wait([tasks["bomb"]])
        neighbour_still_running = not tasks["neighbour"].done()
        await asyncio.wait(tasks.values())
        return tasks, neighbour_still_running

    tasks, neighbour_still_running = asyncio.run(both())

    assert isinstance(tasks["bomb"].exception(), DeadKernelError), tasks["bomb"]
    assert tasks["neighbour"].exception() is None, tasks["neighbour"]
    assert neighbour_still_running, "the neighbour had finished before the bomb died"
    bomb_manager, neighbour_manager = clients["bomb"].manager, clients["neighbour"].manager
    assert bomb_manager.memory_enforcement == cgroup_place.version
    assert bomb_manager.killed_for_memory() is True
    assert neighbour_manager.killed_for_memory() is False
    assert stdout_of(bomb.cells[0]) == ""
    assert stdout_of(neighbour.cells[0]) == "neighbour finished True\n"
    assert stdout_of(neighbour.cells[1]) == "second cell\n"
    for name in clients:
        folders, caps = seen[name]
        assert len(folders) == len(cgroup_place.parents), folders
        if cgroup_place.version == CGROUP_V2:
            assert caps["memory.max"] == str(CAP), caps
            assert caps.get("memory.swap.max", "0") == "0", caps
        else:
            assert caps["memory.limit_in_bytes"] == str(CAP), caps
            assert caps.get("memory.memsw.limit_in_bytes", str(CAP)) == str(CAP), caps
        assert caps["pids.max"] == str(DEFAULT_LIMITS.pids_cap), caps
        assert not any(folder.exists() for folder in folders), f"{name}'s cgroup is left"
    record = bomb_manager.limits_record()
    assert record["memory_enforcement"] == cgroup_place.version
    assert record["memory_cap_bytes"] == CAP and record["killed_for_memory"] is True
    assert record["pids_cap"] == DEFAULT_LIMITS.pids_cap


def test_fork_bomb_is_stopped_by_the_pids_cap(course, cgroup_place):
    """Does a loop starting 500 sleeping processes fail with EAGAIN before the
    sandbox's 32-task cap (the kernel's own threads count too), below the user's
    RLIMIT_NPROC of 64; does the kernel run the next cell; and does no child
    outlive it?"""
    notebook = make_notebook(FORK_BOMB, "print('next cell')")
    config = manager_config(pids_cap=32, process_limit=64, sandbox_uid=PIDS_CAP_UID)

    run_notebook(notebook, course.notebook_dir, config)

    assert_fork_bomb_stopped(notebook.cells[0], 32)
    assert stdout_of(notebook.cells[1]) == "next cell\n"
