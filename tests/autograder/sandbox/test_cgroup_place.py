"""Finding where kernels' cgroups go, from the texts of /proc/self/mountinfo and
/proc/self/cgroup: hybrid (this machine's layout), v1 only, a container's
bind-mounted subtree, and the refusals. Then this machine's real answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.sandbox.cgroup_place import (
    CgroupUnavailable,
    Mount,
    cgroup_mounts,
    find_cgroup_place,
    folder_of,
    own_cgroups,
)
from autograder.sandbox.config import CGROUP_V1, CGROUP_V2
from autograder.sandbox.kernel_python import is_within

HYBRID_MOUNTINFO = """\
22 1 0:20 / /sys rw,nosuid - sysfs sysfs rw
30 22 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
33 30 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
34 30 0:30 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
36 30 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
37 1 8:1 / /home/my\\040files rw - ext4 /dev/sda1 rw
"""
HYBRID_CGROUP = """\
9:name=systemd:/
8:pids:/
4:memory:/process_api/abc
2:cpu,cpuacct:/
0::/
"""


def test_mountinfo_lists_cgroup_file_systems_with_their_controllers():
    """Are the v1 and v2 cgroup mounts found, with controllers, and nothing else?"""
    mounts = cgroup_mounts(HYBRID_MOUNTINFO)

    assert [(str(m.point), m.version) for m in mounts] == [
        ("/sys/fs/cgroup/memory", CGROUP_V1),
        ("/sys/fs/cgroup/pids", CGROUP_V1),
        ("/sys/fs/cgroup/cpu,cpuacct", CGROUP_V1),
        ("/sys/fs/cgroup/unified", CGROUP_V2),
    ]
    assert mounts[0].controllers == {"rw", "memory"}
    assert mounts[2].controllers >= {"cpu", "cpuacct"}
    assert mounts[3].controllers == frozenset()


def test_escaped_mount_points_are_decoded():
    """Is a mount point with a space (written \\040 by the kernel) read back?"""
    text = "40 30 0:33 / /run/my\\040cgroups rw - cgroup2 none rw\n"

    assert cgroup_mounts(text)[0].point == Path("/run/my cgroups")


def test_own_cgroups_are_keyed_by_controller_and_by_empty_for_v2():
    """Is every controller of a co-mounted line its own key, and v2 under ""?"""
    own = own_cgroups(HYBRID_CGROUP)

    assert own["memory"] == "/process_api/abc"
    assert own["cpu"] == own["cpuacct"] == "/"
    assert own[""] == "/"
    assert own["name=systemd"] == "/"


def test_hybrid_without_v2_controllers_uses_the_v1_hierarchies_at_the_graders_cgroup():
    """With memory and pids bound to v1 and a v2 hierarchy that cannot offer them
    (its folder here does not exist), are the v1 memory and pids cgroups of the
    grader chosen?"""
    place = find_cgroup_place("/sys/fs/cgroup", HYBRID_MOUNTINFO, HYBRID_CGROUP)

    assert place.version == CGROUP_V1
    assert place.parents == (
        Path("/sys/fs/cgroup/memory/process_api/abc"),
        Path("/sys/fs/cgroup/pids"),
    )


def test_a_bind_mounted_subtree_maps_the_graders_cgroup_below_its_mount():
    """In a container that sees only its own subtree (mount root /docker/x), is the
    grader's cgroup /docker/x/job found at <mount>/job, and one outside it refused?"""
    mount = Mount(Path("/sys/fs/cgroup/memory"), "/docker/x", CGROUP_V1, frozenset({"memory"}))

    assert folder_of(mount, "/docker/x/job") == Path("/sys/fs/cgroup/memory/job")
    assert folder_of(mount, "/docker/x") == Path("/sys/fs/cgroup/memory")
    assert folder_of(mount, "/docker/xy") is None
    assert folder_of(mount, "/other") is None


def test_v1_without_a_pids_hierarchy_is_refused_naming_it():
    """Is a machine with a v1 memory hierarchy but no pids one refused, saying so?"""
    lines = HYBRID_MOUNTINFO.splitlines()
    mountinfo = "\n".join(line for line in lines if "pids" not in line and "cgroup2" not in line)

    with pytest.raises(CgroupUnavailable, match="no cgroup v1 pids hierarchy"):
        find_cgroup_place("/sys/fs/cgroup", mountinfo, HYBRID_CGROUP)


@pytest.mark.parametrize(
    ("root", "message"),
    [
        ("", "cgroups are turned off"),
        ("sys/fs/cgroup", "must be an absolute path"),
        ("/home", "no cgroup file system is mounted at or below /home"),
    ],
)
def test_settings_that_name_no_cgroup_are_refused_with_the_reason(root, message):
    """Are an empty setting, a relative path and a folder with no cgroup mount
    below it refused, each with its own reason?"""
    with pytest.raises(CgroupUnavailable, match=message):
        find_cgroup_place(root, HYBRID_MOUNTINFO, HYBRID_CGROUP)


def test_a_missing_delegated_v2_folder_is_refused():
    """Is a cgroup_root inside a v2 mount that does not exist refused, naming it?"""
    with pytest.raises(CgroupUnavailable, match="does not exist"):
        find_cgroup_place("/sys/fs/cgroup/unified/no-such-cgroup", HYBRID_MOUNTINFO, HYBRID_CGROUP)


def test_this_machines_place_is_real_cgroup_folders(cgroup_place):
    """Does this machine's answer name existing cgroup folders (each with a
    cgroup.procs file) in hierarchies that have the memory (first) and the pids
    (last) controllers?"""
    for folder in cgroup_place.parents:
        assert (folder / "cgroup.procs").is_file(), folder
    if cgroup_place.version == CGROUP_V2:
        offered = (cgroup_place.parents[0] / "cgroup.subtree_control").read_text().split()
        assert {"memory", "pids"} <= set(offered)
        return
    mounts = cgroup_mounts(Path("/proc/self/mountinfo").read_text())
    for folder, controller in zip(cgroup_place.parents, ("memory", "pids"), strict=True):
        assert any(controller in m.controllers and is_within(folder, m.point) for m in mounts), (
            folder,
            controller,
        )
