"""One source for each sandbox setting: DEFAULT_LIMITS gives the manager's
defaults and help, the course's nbgrader_config.py restates none of them, and a
bad value is refused naming the setting."""

from __future__ import annotations

from dataclasses import fields

import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder.coursedir import CONFIG_NAME, DEFAULT_COURSE_DIR
from autograder.sandbox import SandboxedKernelManager
from autograder.sandbox.config import (
    DEFAULT_CGROUP_ROOT,
    DEFAULT_LIMITS,
    LIMIT_NAMES,
    MIB,
    SandboxLimits,
)


def test_every_limit_is_a_manager_setting_with_the_default_and_help_of_default_limits():
    """Does each field of SandboxLimits exist as a configurable setting of the
    manager whose default and help are the field's?"""
    manager = SandboxedKernelManager()
    traits = manager.traits(config=True)
    for spec in fields(SandboxLimits):
        assert spec.name in traits, spec.name
        assert getattr(manager, spec.name) == getattr(DEFAULT_LIMITS, spec.name), spec.name
        assert traits[spec.name].help == spec.metadata["help"], spec.name
    assert manager.cgroup_root == DEFAULT_CGROUP_ROOT
    assert manager.limits() == DEFAULT_LIMITS


def test_the_course_configuration_restates_no_default():
    """Does course/nbgrader_config.py set a sandbox limit only where it differs from
    DEFAULT_LIMITS (a restated default would be a second source)?"""
    config = PyFileConfigLoader(CONFIG_NAME, path=str(DEFAULT_COURSE_DIR)).load_config()
    settings = config.SandboxedKernelManager
    restated = [
        name
        for name in LIMIT_NAMES
        if name in settings and settings[name] == getattr(DEFAULT_LIMITS, name)
    ]
    assert restated == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("memory_cap", 0, ">= 1"),
        ("pids_cap", -3, ">= 1"),
        ("notebook_timeout", -1, ">= 0"),
        ("memory_limit", 1.5, ">= 1"),
    ],
)
def test_a_bad_limit_is_refused_naming_the_setting(name, value, expected):
    """Is a limit out of its range refused with the setting's name, what it got and
    what it must be?"""
    with pytest.raises(
        ValueError,
        match=f"SandboxedKernelManager.{name} must be a whole number {expected}, got {value!r}",
    ):
        SandboxLimits(**{name: value})


def test_rlimits_come_from_the_limits():
    """Are the rlimits the kernel starts under the configured limits (the CPU hard
    limit 2 s above the soft one, no core files)?"""
    limits = SandboxLimits(memory_limit=3 * MIB, process_limit=7, cpu_time_limit=9)

    assert limits.resource_limits() == {
        "RLIMIT_AS": (3 * MIB, 3 * MIB),
        "RLIMIT_CPU": (9, 11),
        "RLIMIT_NPROC": (7, 7),
        "RLIMIT_FSIZE": (DEFAULT_LIMITS.file_size_limit,) * 2,
        "RLIMIT_NOFILE": (DEFAULT_LIMITS.open_files_limit,) * 2,
        "RLIMIT_CORE": (0, 0),
    }
