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
    RLIMIT_ONLY,
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


def test_rlimits_under_a_cgroup_leave_processes_to_the_pids_cap():
    """Under a cgroup is RLIMIT_NPROC left out (the pids cap replaces it) while
    RLIMIT_AS stays; without one are both set; is an unknown mechanism refused?"""
    with_cgroup = DEFAULT_LIMITS.resource_limits("cgroup v1")
    without = DEFAULT_LIMITS.resource_limits(RLIMIT_ONLY)

    assert "RLIMIT_NPROC" not in with_cgroup
    assert with_cgroup["RLIMIT_AS"] == (DEFAULT_LIMITS.memory_limit,) * 2
    assert without["RLIMIT_NPROC"] == (DEFAULT_LIMITS.process_limit,) * 2
    with pytest.raises(ValueError, match="memory enforcement must be one of"):
        DEFAULT_LIMITS.resource_limits("cgroup v3")
