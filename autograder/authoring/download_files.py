"""The files that make an assignment download set itself up: README.md and
requirements.txt, written next to the notebook of every release.

requirements.txt pins NumPy and Matplotlib to the grading kernel's versions
(requirements/kernel.lock) and JupyterLab to the course's own
(requirements/dev.lock), so a student runs what the course is tested with.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from string import Template

from autograder.coursedir import REPOSITORY

LOCKS = REPOSITORY / "requirements"
TEMPLATE = Path(__file__).with_name("templates") / "download_README.md"

STUDENT_PACKAGES = (
    ("numpy", "NumPy", "kernel.lock"),
    ("matplotlib", "Matplotlib", "kernel.lock"),
    ("jupyterlab", "JupyterLab", "dev.lock"),
)
"""What a student installs: (pip name, display name, the lock file whose version they get)."""

PYTHON_VERSION = "3.11"
"""The Python the course is tested with (pyproject's requires-python)."""

README_NAME = "README.md"
REQUIREMENTS_NAME = "requirements.txt"

_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", re.MULTILINE)


class LockError(ValueError):
    """A student package is not pinned in the lock file it should come from."""


def locked_versions(lock: Path) -> dict[str, str]:
    """{normalised package name: version} of the ``name==version`` lines of a lock file."""
    text = lock.read_text(encoding="utf-8")
    return {name.lower().replace("_", "-"): version for name, version in _PIN.findall(text)}


def requirements_text(locks: Path = LOCKS) -> str:
    """requirements.txt of a download: one ``name==version`` line per package."""
    lines = ["# What this assignment needs: pip install -r requirements.txt"]
    for package, _, lock in STUDENT_PACKAGES:
        version = locked_versions(locks / lock).get(package)
        if version is None:
            raise LockError(f"{package} is not pinned in {locks / lock}")
        lines.append(f"{package}=={version}")
    return "\n".join(lines) + "\n"


def assignment_title(notebook_markdown: str, fallback: str) -> str:
    """The first level-one heading of the assignment's text, else `fallback`."""
    match = re.search(r"^# (.+)$", notebook_markdown, re.MULTILINE)
    return match.group(1).strip() if match else fallback


def readme_text(title: str, notebook: str, book_url: str) -> str:
    """README.md of a download: set-up, checks, submission; links the book."""
    packages = ", ".join(display for _, display, _ in STUDENT_PACKAGES)
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=title, notebook=notebook, book=book_url, python=PYTHON_VERSION, packages=packages
    )


def write_download_files(folder: Path, title: str, notebook: str, book_url: str) -> None:
    """Write README.md and requirements.txt into an assignment's source folder."""
    (folder / README_NAME).write_text(readme_text(title, notebook, book_url), encoding="utf-8")
    (folder / REQUIREMENTS_NAME).write_text(requirements_text(), encoding="utf-8")


ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every member's timestamp (zip's earliest): the same release gives the
same bytes, so an unchanged release changes neither the book nor the site."""


def write_download_zip(folder: Path, archive: Path) -> Path:
    """Zip `folder` as ``<folder name>/...`` into `archive`, reproducibly:
    members sorted, fixed timestamps and modes, no bytecode or checkpoints."""
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not {"__pycache__", ".ipynb_checkpoints"} & set(path.relative_to(folder).parts)
    )
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in files:
            member = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}")
            member.date_time = ZIP_DATE
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(member, path.read_bytes())
    return archive
