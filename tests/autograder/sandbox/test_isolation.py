"""What a sandboxed kernel can reach: no network, no repository, no course, no
other submission, one writable scratch folder."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import pytest

from autograder.sandbox.kernel_python import inspect_kernel_python
from tests.autograder.sandbox.notebook_runs import (
    KERNEL_PYTHON,
    REPOSITORY,
    json_of,
    make_notebook,
    manager_config,
    run_notebook,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("bwrap_works")]

# Each attempt prints [outcome, detail]: ["ok", result] or ["error", errno].
ATTEMPT = """
import json, os, socket
def attempt(action):
    try:
        return ["ok", action()]
    except OSError as error:
        return ["error", error.errno]
"""


def test_kernel_reaches_no_network(course):
    """Is a server on the grader's loopback unreachable from the kernel, and is
    every other address unroutable?"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(1.0)
        port = server.getsockname()[1]
        notebook = make_notebook(
            ATTEMPT,
            "print(json.dumps({\n"
            f"    'loopback': attempt(lambda: socket.create_connection(('127.0.0.1', {port}),"
            " timeout=3).close()),\n"
            "    'outside': attempt(lambda: socket.create_connection(('192.0.2.1', 80),"
            " timeout=3).close()),\n"
            "    'interfaces': [name for _, name in socket.if_nameindex()],\n"
            "}))",
        )

        run_notebook(notebook, course.notebook_dir, manager_config())

        with pytest.raises(TimeoutError):
            server.accept()
    facts = json_of(notebook.cells[1])
    assert facts["loopback"] == ["error", errno.ECONNREFUSED], facts
    assert facts["outside"] == ["error", errno.ENETUNREACH], facts
    assert facts["interfaces"] == ["lo"], facts


def test_kernel_reads_only_its_notebook_folder_and_writes_only_scratch(course, tmp_path):
    """Are the repository, the solutions, the gradebook, another student's
    submission and the base Python's own site-packages invisible; are the
    notebook's folder and the kernel's Python read-only; does a write land in the
    scratch folder only, and does /tmp stay private?"""
    private_tmp_name = f"sandbox-private-{tmp_path.name}.txt"
    hidden = [str(path) for path in inspect_kernel_python(str(KERNEL_PYTHON)).hidden_dirs]
    cases = {
        "base_site_packages": f"[os.listdir(path) for path in {hidden!r}]",
        "solutions": f"open({str(REPOSITORY / 'solutions' / 'softmax.py')!r}).read()",
        "repository": f"sorted(os.listdir({str(REPOSITORY)!r}))",
        "gradebook": f"open({str(course.gradebook)!r}, 'rb').read(16).hex()",
        "other_student": f"open({str(course.other_submission)!r}).read()",
        "own_folder": "open('helper.py').read()",
        "write_own_folder": "open('answer.txt', 'w').write('x')",
        "write_kernel_python": (
            f"open({str(REPOSITORY / '.venv-kernel' / 'evil.py')!r}, 'w').write('x')"
        ),
        "write_root": "open('/evil.txt', 'w').write('x')",
        "write_scratch": f"open({str(course.scratch / 'result.txt')!r}, 'w').write('42')",
        "write_tmp": f"open('/tmp/{private_tmp_name}', 'w').write('x')",
    }
    source = (
        "print(json.dumps({\n"
        + "".join(
            f"    {name!r}: attempt(lambda: {expression}),\n" for name, expression in cases.items()
        )
        + "}))"
    )
    notebook = make_notebook(ATTEMPT, source)

    run_notebook(notebook, course.notebook_dir, manager_config(scratch_dir=str(course.scratch)))

    facts = json_of(notebook.cells[1])
    assert facts["base_site_packages"] == ["ok", [[] for _ in hidden]], facts
    assert facts["solutions"] == ["error", errno.ENOENT], facts
    assert facts["repository"] == ["ok", [".venv-kernel"]], facts
    assert facts["gradebook"] == ["error", errno.ENOENT], facts
    assert facts["other_student"] == ["error", errno.ENOENT], facts
    assert facts["own_folder"] == ["ok", "GREETING = 'hello from ps1'\n"], facts
    assert facts["write_own_folder"] == ["error", errno.EROFS], facts
    assert facts["write_kernel_python"] == ["error", errno.EROFS], facts
    assert facts["write_root"][0] == "error", facts
    assert facts["write_scratch"] == ["ok", 2], facts
    assert facts["write_tmp"] == ["ok", 1], facts
    assert (course.scratch / "result.txt").read_text(encoding="utf-8") == "42"
    assert not (course.notebook_dir / "answer.txt").exists()
    assert not Path("/tmp", private_tmp_name).exists(), "the sandbox's /tmp is the host's"
