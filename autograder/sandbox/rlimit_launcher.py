"""Start the kernel under resource limits, as an unprivileged user.

This file is run by the kernel's own Python, inside the sandbox (``python -I -S
rlimit_launcher.py SPEC``), so it must use the standard library only: the kernel's
environment has neither this package nor anything else of the grader.

SPEC is one JSON object::

    {"limits": {"RLIMIT_AS": [soft, hard], ...},
     "uid": 65534 or null, "gid": 65534 or null, "cwd": "/folder/of/the/notebook",
     "argv": ["/path/to/python", "-m", "ipykernel_launcher", "-f", "..."]}

Limits are set first, while the process may still be root (so a hard limit can be
set at all), then the user is dropped (so it cannot raise them again), then the
working directory is entered (as the kernel's user, who must be able to), then
``argv`` replaces this process. A process that is still root when it runs student
code would make RLIMIT_NPROC meaningless: the kernel ignores it for root.
"""

import json
import os
import resource
import sys


def apply_limits(limits):
    """Set each named limit, never above the hard limit this process already has
    (an unprivileged process may only lower it)."""
    for name, (soft, hard) in limits.items():
        which = getattr(resource, name)
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY and os.geteuid() != 0:
            hard = min(hard, current_hard)
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))


def drop_user(uid, gid):
    """Become uid/gid with no supplementary groups, and check it cannot be undone."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    try:
        os.setuid(0)
    except PermissionError:
        return
    raise SystemExit("rlimit_launcher: could not drop root; refusing to start the kernel")


def main(argv):
    spec = json.loads(argv[1])
    apply_limits(spec["limits"])
    if spec["uid"] is not None:
        drop_user(spec["uid"], spec["gid"])
    os.chdir(spec["cwd"])
    os.execv(spec["argv"][0], spec["argv"])


if __name__ == "__main__":
    main(sys.argv)
