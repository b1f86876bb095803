"""The code of the attacks, as the text of notebook cells.

Two kinds:

- *oracle* attacks go after something the kernel must not reach (the
  solutions, the hidden tests, the seed, the gradebook, the network, ...).
  The cell sets ``LEAKED = True`` only when it got it, and a cell after each
  solution replaces the student's function by one that raises unless
  ``LEAKED``: the score is the measurement. A failed attack scores 0, a
  successful one full marks. Each prints ``ATTACK-DONE`` so that a test can
  tell "attack ran and failed" from "kernel died before the attack".
- *plain* attacks are cells placed somewhere in a submission (resource abuse,
  kernel killers, tampering with the probe), whose score is fixed by where
  they stand.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

ATTACK_DONE = "ATTACK-DONE"


def oracle_cell(body: str) -> str:
    """A cell that runs `body` (the body of a function returning True when the
    attack succeeded) and records the outcome in LEAKED."""
    return (
        "LEAKED = False\n"
        "def _attack():\n"
        f"{textwrap.indent(body.strip(), '    ')}\n"
        "try:\n"
        "    LEAKED = bool(_attack())\n"
        "except BaseException as error:  # the attack's failure is its result\n"
        "    print('attack raised', type(error).__name__, error)\n"
        f"print({ATTACK_DONE!r}, 'leaked =', LEAKED)\n"
    )


SABOTAGE = (
    "if not LEAKED:\n"
    "    def {name}(*args, **kwargs):\n"
    "        raise RuntimeError('the attack got nothing, so there is no {name}')\n"
)
"""Placed after each solution cell of an oracle submission."""


def read_any(paths: list[Path]) -> str:
    """Oracle body: succeeds if any of `paths` can be opened and read."""
    return f"""
found = False
for path in {[str(p) for p in paths]!r}:
    try:
        with open(path, "rb") as handle:
            handle.read(16)
        print("READ", path)
        found = True
    except OSError as error:
        print("cannot read", path, type(error).__name__)
return found
"""


def import_solutions(repository: Path, site_packages: list[Path]) -> str:
    """Oracle body: put the repository and the grader's environment on
    sys.path and import the reference solutions."""
    folders = [str(repository), *map(str, site_packages)]
    return f"""
import importlib, sys
for folder in {folders!r}:
    sys.path.insert(0, folder)
for module in ("solutions.softmax", "solutions.gradcheck", "autograder.cases.references"):
    try:
        importlib.import_module(module)
        print("IMPORTED", module)
        return True
    except Exception as error:
        print("cannot import", module, type(error).__name__)
return False
"""


def write_any(paths: list[Path], gradebook: Path) -> str:
    """Oracle body: succeeds if the gradebook can be updated or any of `paths`
    appended to."""
    return f"""
import sqlite3
wrote = False
try:
    connection = sqlite3.connect("file:{gradebook}?mode=rw", uri=True)
    connection.execute("UPDATE grade SET manual_score = 1000")
    connection.commit()
    print("WROTE the gradebook")
    wrote = True
except Exception as error:
    print("cannot write the gradebook", type(error).__name__, error)
for path in {[str(p) for p in paths]!r}:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("tampered by a submission")
        print("WROTE", path)
        wrote = True
    except OSError as error:
        print("cannot write", path, type(error).__name__)
return wrote
"""


def create_any(paths: list[Path]) -> str:
    """Oracle body: succeeds if a new file can be created at any of `paths`."""
    return f"""
made = False
for path in {[str(p) for p in paths]!r}:
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write("planted by a submission")
        print("CREATED", path)
        made = True
    except OSError as error:
        print("cannot create", path, type(error).__name__)
return made
"""


def connect_out(port: int, abstract_name: str) -> str:
    """Oracle body: succeeds if a TCP connection to the grader's loopback or
    a connection to an abstract Unix socket of the grader's host gets through."""
    return f"""
import socket
for family, address in (
    (socket.AF_INET, ("127.0.0.1", {port})),
    (socket.AF_UNIX, "\\0" + {abstract_name!r}),
):
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.settimeout(2)
    try:
        probe.connect(address)
        probe.sendall(b"hello from a submission")
        print("CONNECTED", address)
        return True
    except OSError as error:
        print("cannot connect", family, type(error).__name__)
    finally:
        probe.close()
return False
"""


def spy_on_grader(needles: list[str]) -> str:
    """Oracle body: succeeds if the kernel's environment or any process it can
    see mentions one of `needles` (the course directory, the seed file)."""
    return f"""
import os
texts = [repr(dict(os.environ))]
for entry in os.listdir("/proc"):
    if entry.isdigit():
        for name in ("cmdline", "environ"):
            try:
                with open(f"/proc/{{entry}}/{{name}}", "rb") as handle:
                    texts.append(handle.read().decode("utf-8", "replace"))
            except OSError:
                pass
print("processes visible:", sum(entry.isdigit() for entry in os.listdir("/proc")))
found = [needle for needle in {needles!r} if any(needle in text for text in texts)]
print("FOUND", found)
return bool(found)
"""


BECOME_ROOT = """
import os
if os.geteuid() == 0 or os.getuid() == 0:
    print("RUNS AS ROOT")
    return True
try:
    os.setuid(0)
    print("BECAME ROOT")
    return True
except OSError as error:
    print("cannot become root", type(error).__name__)
return False
"""

CONTROL = """
import os
return os.path.exists("course_checks/__init__.py")  # shipped next to the notebook: readable
"""
"""Oracle body that must succeed: proves that a leak would show in the score."""


# -- plain attacks ---------------------------------------------------------------

INFINITE_LOOP = "while True:\n    pass\n"

SLEEP_FOREVER = "import time\ntime.sleep(10**9)\n"

UNSTOPPABLE_LOOP = """import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""

FORK_BOMB = """import os, time
children = 0
for attempt in range(2000):
    try:
        pid = os.fork()
    except OSError:
        continue
    if pid == 0:
        time.sleep(5)
        os._exit(0)
    children += 1
print("forked", children, "children")
"""

MEMORY_BOMB = """def grab():
    hoard = []
    while True:
        hoard.append(bytearray(256 * 1024**2))
grab()
"""

OUTPUT_FLOOD = """import sys
line = "x" * 1024**2
for _ in range(200):
    sys.stdout.write(line + "\\n")
    sys.stdout.flush()  # sent line by line: the kernel never holds more than 1 MiB
"""
"""200 MiB of output, in lines of 1 MiB."""

DISK_FILL = """import os
written = 0
block = bytes(range(256)) * (48 * 4096)  # 48 MiB of real data, cheap to make
for k in range(5):
    with open(f"filler{k}.bin", "wb") as handle:
        handle.write(block)
    written += 48
try:
    with open("too_big.bin", "wb") as handle:
        handle.write(bytes(100 * 1024**2))
except OSError as error:
    print("the file-size limit held:", error)
print("wrote", written, "MiB")
"""


def orphan(marker: str) -> str:
    """A double-forked, session-leading process that would outlive its kernel;
    its argv[0] carries `marker` so that the test can look for it."""
    return f"""import subprocess
subprocess.Popen(
    ["{marker}", "600"], executable="/bin/sleep", start_new_session=True,
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
print("started an orphan")
"""


ASK_INPUT = 'answer = input("Your student number? ")\n'

EXIT = "exit()\n"

OS_EXIT = "import os\nos._exit(0)\n"

KILL_SELF = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"

FORK_AND_REAP = """import os
for _ in range(20):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
"""

MONKEYPATCH_NUMPY = """import numpy as np, numpy.testing, course_checks
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
course_checks.compare = lambda *a, **k: None
course_checks.relative_error = lambda *a, **k: 0.0
course_checks.check_value = lambda *a, **k: ""
"""

SWALLOW_EXCEPTIONS = """import sys
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
ip.showtraceback = lambda *a, **k: None
sys.excepthook = lambda *a, **k: None
"""

ALWAYS_EQUAL_CLASSES = '''class AlwaysEqual(np.ndarray):
    """Claims to equal anything it is compared with."""
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)
    def __ne__(self, other):
        return np.zeros(np.shape(other), dtype=bool)

class Anything(float):
    def __eq__(self, other):
        return True
    def __getitem__(self, key):
        return self
    def __iter__(self):
        return iter([Anything(), Anything()])
'''

ALWAYS_EQUAL_FUNCTIONS = {
    "rel_error": "def rel_error(a, b):\n    return Anything()\n",
    "numerical_gradient": (
        "def numerical_gradient(f, x, df=None, h=1e-5):\n"
        "    return np.zeros(np.shape(x)).view(AlwaysEqual)\n"
    ),
    "softmax": "def softmax(z):\n    return np.zeros(np.shape(z)).view(AlwaysEqual)\n",
    "softmax_jacobian": "def softmax_jacobian(z):\n    return Anything()\n",
    "softmax_cross_entropy": (
        "def softmax_cross_entropy(logits, y):\n"
        "    return Anything(), np.zeros(np.shape(logits)).view(AlwaysEqual)\n"
    ),
}
"""Solution cells of a submission whose answers claim to equal anything."""

HIJACK_PROBE_LOADER = """import importlib.machinery, importlib.util, sys, types
import numpy as np

def fake_run_probe(namespace, inputs_path, outputs_path):
    # claim success: every output is written as zeros of the inputs' shapes
    with np.load(inputs_path) as data:
        arrays = {key: np.zeros(np.shape(data[key])) for key in data.files if "/" in key}
    np.savez(outputs_path, **arrays)
    with open(outputs_path + ".json", "w") as handle:
        handle.write("{}")

fake = types.ModuleType("course_grading_probe")
fake.run_probe = fake_run_probe
sys.modules["course_grading_probe"] = fake
importlib.util.module_from_spec = lambda spec: fake
importlib.machinery.SourceFileLoader.exec_module = lambda self, module: None
"""

REPLACE_PROBE_FILE = '''import os
scratch = os.path.dirname(os.getcwd())
fake = """
import numpy as np
def run_probe(namespace, inputs_path, outputs_path):
    with np.load(inputs_path) as data:
        arrays = {}
        for key in data.files:
            if "/" in key:
                case, name = key.split("/", 1)
                for output in ("error", "grad", "x_after_call", "S", "J", "loss", "dlogits"):
                    arrays[case + "/" + output] = np.asarray(data[key], dtype=np.float64)
    np.savez(outputs_path, **arrays)
"""
try:
    temporary = os.path.join(scratch, "replacement.py")
    with open(temporary, "w") as handle:
        handle.write(fake)
    os.replace(temporary, os.path.join(scratch, "course_grading_probe.py"))
    print("REPLACED the probe's harness")
except OSError as error:
    print("cannot replace the probe's harness", type(error).__name__)
'''

SYMLINK_SCRATCH_FILES = """import os
scratch = os.path.dirname(os.getcwd())
for index in range(60):
    for target, name in ({targets}):
        try:
            os.symlink(target, os.path.join(scratch, f"cell{{index}}-" + name))
        except OSError as error:
            print("cannot plant", index, name, type(error).__name__)
print("planted the links")
"""


def symlink_scratch_files(targets: list[tuple[Path, str]]) -> str:
    """Symbolic links, planted where the grader will write each grade cell's
    hidden inputs, pointing at host files (target, file name suffix)."""
    listed = ", ".join(f"({str(t)!r}, {n!r})" for t, n in targets) + ","
    return SYMLINK_SCRATCH_FILES.format(targets=listed)


def fifo_for_outputs(cell_index: int) -> str:
    """A named pipe where the grader will read the probe outputs of the grade
    cell at `cell_index` (one cell only: the batch stays short whatever the
    grader does about it)."""
    return f"""import os
scratch = os.path.dirname(os.getcwd())
os.mkfifo(os.path.join(scratch, "cell{cell_index}-outputs.npz"))
print("planted a pipe")
"""


NUMERICAL_GRADIENT_OF_KNOWN_F = '''def numerical_gradient(f, x, df=None, h=1e-5):
    """Ignores f: returns the derivative of the function the checks always
    pass (course_checks.smooth_test_function), worked out by hand."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.cos(x) * x**2 + 2 * x * np.sin(x) + 0.5 * np.exp(x / 2)
    return grad * (1.0 if df is None else np.asarray(df, dtype=np.float64))
'''


def hard_coded_visible(printed: dict[str, str]) -> dict[str, str]:
    """Solution cells that return the values the visible checks print."""
    return {
        "rel_error": f"def rel_error(a, b):\n    return float({printed['rel_error']}['error'])\n",
        "numerical_gradient": (
            "def numerical_gradient(f, x, df=None, h=1e-5):\n    return np.zeros(np.shape(x))\n"
        ),
        "softmax": f"def softmax(z):\n    return {printed['softmax']}['S']\n",
        "softmax_jacobian": (
            f"def softmax_jacobian(z):\n    return {printed['softmax_jacobian']}['J']\n"
        ),
        "softmax_cross_entropy": (
            "def softmax_cross_entropy(logits, y):\n"
            f"    expected = {printed['softmax_cross_entropy']}\n"
            "    return float(expected['loss']), expected['dlogits']\n"
        ),
    }


# -- holes found by the outside holdout ------------------------------------------

DISPLAY_HIJACK_STUBS = {
    function: f'''def {function}(*args, **kwargs):
    """Displays an output with a display_id while the grader probes it."""
    from IPython.display import display
    if not globals().get("_shown_{function}"):
        globals()["_shown_{function}"] = True  # one display per id: the probe calls often
        print("probed")
        display({{"text/plain": "placeholder"}}, raw=True, display_id="hijack-{function}")
    raise NotImplementedError()
'''
    for function in (
        "rel_error",
        "numerical_gradient",
        "softmax",
        "softmax_jacobian",
        "softmax_cross_entropy",
    )
}

DISPLAY_HIJACK_UPDATE = """from IPython.display import update_display
for name in ("rel_error", "numerical_gradient", "softmax", "softmax_jacobian",
             "softmax_cross_entropy"):
    # nbgrader gives full points to a result that is not a number
    update_display({"text/plain": "full marks"}, raw=True, display_id="hijack-" + name)
print("updated every hijacked display")
"""
"""A last cell that rewrites, through their display ids, the outputs the
stubs displayed during the probes: in the old grader they had become the
grade cells' scores."""

INTROSPECT_TEST_FUNCTION = '''def numerical_gradient(f, x, df=None, h=1e-5):
    """Looks inside f, and through every loaded module, for anything that
    computes the gradient of the test function, instead of differencing."""
    import sys
    x = np.asarray(x, dtype=np.float64)
    weights = 1.0 if df is None else np.asarray(df, dtype=np.float64)
    found = []
    for cell in getattr(f, "__closure__", None) or ():
        found.append(cell.cell_contents)
    found += list(vars(f).values()) if hasattr(f, "__dict__") else []
    for module in [m for key, m in list(sys.modules.items()) if key.startswith("course")]:
        for name in dir(module):
            if "grad" in name.lower() and "numerical" not in name.lower():
                candidate = getattr(module, name, None)
                if callable(candidate):
                    for args in ((x, *found), (x,)):
                        try:
                            return np.asarray(candidate(*args), dtype=np.float64) * weights
                        except Exception:
                            continue
    raise RuntimeError(f"nothing found that gives the gradient ({len(found)} values in f)")
'''

SCRATCH_LISTING = """import os
scratch = os.path.dirname(os.getcwd())
found = []
for folder, _, files in os.walk(os.path.dirname(scratch)):
    found += [name for name in files if name.endswith("inputs.npz")]
print("hidden input files still there:", found)
"""
"""Run after a test cell: the hidden inputs of that test must be gone."""

LIST_RETURN_CROSS_ENTROPY = '''def softmax_cross_entropy(logits, y):
    """Right values, returned as a list instead of a tuple."""
    n = logits.shape[0]
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = float(-np.mean(log_p[np.arange(n), y]))
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    return [loss, dlogits / n]
'''


FORK_AND_ALLOCATE = """
import os, time
children = []
for _ in range(6):
    pid = os.fork()
    if pid == 0:
        block = bytearray(96 * 1024**2)
        for offset in range(0, len(block), 4096):
            block[offset] = 1  # resident, not just reserved
        time.sleep(60)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
print("all children finished")
"""
"""Six children that each make 96 MiB resident, then sleep: past a memory cap
below 576 MiB, the kernel's cgroup kills them."""
