"""The kernel that runs students' notebooks while grading.

Its Python is the course's second environment (.venv-kernel: NumPy,
Matplotlib, ipykernel), which has neither the solutions package nor the
grader, so a submission cannot import the references. The kernelspec is
written into the course directory and found through JUPYTER_PATH; only
`course grade`, the one command that runs kernels, installs it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder.coursedir import REPOSITORY, Course

KERNEL_NAME = "course-student"
DEFAULT_KERNEL_PYTHON = REPOSITORY / ".venv-kernel" / "bin" / "python"


def kernel_python() -> Path:
    """The student kernel's interpreter: $COURSE_KERNEL_PYTHON or .venv-kernel."""
    configured = os.environ.get("COURSE_KERNEL_PYTHON")
    path = Path(configured) if configured else DEFAULT_KERNEL_PYTHON
    if not path.exists():
        raise FileNotFoundError(
            f"the grading kernel's Python {path} does not exist: run `make venv` "
            "(or set COURSE_KERNEL_PYTHON to a Python with numpy, matplotlib and ipykernel)"
        )
    return path


def install_kernelspec(course: Course) -> Path:
    """Write the course-student kernelspec into the course's Jupyter data
    folder and put that folder first on JUPYTER_PATH for this process and
    its children."""
    spec = {
        "argv": [str(kernel_python()), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (course grading)",
        "language": "python",
        # One BLAS thread: a threaded BLAS on a busy grader is slower, not faster.
        "env": {
            "MPLBACKEND": "Agg",
            "PYTHONNOUSERSITE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        },
    }
    data_dir = course.jupyter_data_dir
    spec_dir = course.kernelspec_dir(KERNEL_NAME)
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    paths = [str(data_dir), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return spec_dir
