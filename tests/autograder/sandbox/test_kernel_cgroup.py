"""A kernel's cgroup outside a kernel: the launcher that joins it, and the removal
of cgroups whose grader was killed (never of a running grader's). Real cgroups."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil

from autograder.sandbox.cgroup_launcher import launcher_command
from autograder.sandbox.config import MIB
from autograder.sandbox.kernel_cgroup import KernelCgroup, sweep_stale
from autograder.sandbox.provisioner import child_pids
from tests.autograder.sandbox.notebook_runs import REPOSITORY

# A grader that makes a cgroup, starts a sleeping process in it through the
# launcher (in a session of its own, so that it outlives the grader) and waits.
ORPHANING_GRADER = """
import json, subprocess, sys, time
from pathlib import Path
from autograder.sandbox.cgroup_place import CgroupPlace
from autograder.sandbox.cgroup_launcher import launcher_command
from autograder.sandbox.kernel_cgroup import KernelCgroup
version, parents = json.loads(sys.argv[1])
cgroup = KernelCgroup.create(CgroupPlace(version, tuple(map(Path, parents))), 64 << 20, 8)
sleeper = subprocess.Popen(
    launcher_command(cgroup.procs_files, ["/bin/sleep", "61.8"]), start_new_session=True
)
while str(sleeper.pid) not in cgroup.procs_files[0].read_text().split():
    time.sleep(0.01)
print(json.dumps([[str(f) for f in cgroup.folders], sleeper.pid]), flush=True)
time.sleep(600)
"""


def test_a_killed_graders_cgroup_is_swept_with_its_processes(cgroup_place):
    """After a grader is SIGKILLed with a process left in its kernel's cgroup, does
    the next sweep kill that process and remove the cgroup, while leaving alone the
    cgroup of a grader that still runs (this one)?"""
    grader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            ORPHANING_GRADER,
            json.dumps([cgroup_place.version, [str(p) for p in cgroup_place.parents]]),
        ],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        text=True,
    )
    folders, sleeper = json.loads(grader.stdout.readline())
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    grader.stdout.close()
    mine = KernelCgroup.create(cgroup_place, 64 * MIB, 8)
    try:
        assert psutil.pid_exists(sleeper), "the orphan died with its grader"

        removed = sweep_stale(cgroup_place)

        assert sorted(str(f) for f in removed) == sorted(folders)
        assert not any(os.path.exists(f) for f in folders)
        deadline = time.monotonic() + 5
        while psutil.pid_exists(sleeper) and psutil.Process(sleeper).status() != "zombie":
            assert time.monotonic() < deadline, "the orphan still runs"
            time.sleep(0.05)
        assert all(folder.is_dir() for folder in mine.folders), "a live grader's cgroup went"
    finally:
        mine.kill()
        mine.remove()


def test_the_launcher_refuses_a_cgroup_it_cannot_join(tmp_path):
    """Does the launcher stop before the command, naming the file, when it cannot
    join the cgroup; and also when no command follows the cgroups?"""
    missing = tmp_path / "no-such-cgroup" / "cgroup.procs"
    marker = tmp_path / "ran"
    completed = subprocess.run(
        launcher_command([missing], ["/usr/bin/touch", str(marker)]),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert f"could not join the cgroup {missing}" in completed.stderr
    assert not marker.exists(), "the command ran outside its cgroup"

    completed = subprocess.run(
        launcher_command([], [])[:-1], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1
    assert "no '--' and command after the cgroups" in completed.stderr


def test_child_pids_lists_the_children_of_a_process():
    """Does child_pids (psutil) list a child of this process, and nothing for a
    process that is gone?"""
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert child.pid in child_pids(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert child_pids(child.pid) == []


def test_a_new_cgroup_has_its_caps_and_is_removed_empty(cgroup_place):
    """Does create() write the caps, and kill()+remove() empty and delete a cgroup
    holding a process that forks?"""
    cgroup = KernelCgroup.create(cgroup_place, 96 * MIB, 12)
    shell = subprocess.Popen(
        launcher_command(cgroup.procs_files, ["/bin/sh", "-c", "sleep 60 & sleep 60 & wait"]),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 5
        while len(cgroup.pids()) < 3:
            assert time.monotonic() < deadline, cgroup.pids()
            time.sleep(0.01)
        assert (cgroup.pids_folder / "pids.max").read_text().strip() == "12"

        assert cgroup.kill() is True, f"still in the cgroup: {cgroup.pids()}"
        assert cgroup.remove() is True, [folder for folder in cgroup.folders if folder.exists()]

        assert not any(folder.exists() for folder in cgroup.folders)
        # Killed itself, or exited on seeing its children killed a moment before.
        assert shell.wait(timeout=5) in (-signal.SIGKILL, 128 + signal.SIGKILL)
    finally:
        cgroup.kill()
        cgroup.remove()
