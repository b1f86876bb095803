"""No student-facing artifact shows a graded solution.

Everything a student can reach is searched: the built site (every page, the
page sources offered for download, the notebooks and zips it links), every
release download (notebooks and the shipped course_checks package), and the
files of a launch environment if the repository has one. The search is
autograder.integrity.leaks: statement by statement, under renaming,
across cells, in any order. A failure lists every statement found, with the
document, the graded function and its normalised form.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from autograder.course_checks.specs import SPECS
from autograder.coursedir import DEFAULT_ASSIGNMENTS_DIR, REPOSITORY
from autograder.integrity.artifacts import (
    INSTALLS_REPOSITORY,
    launch_environment_files,
    student_documents,
)
from autograder.integrity.graded import given_statements, read_solutions
from autograder.integrity.leaks import patterns_of, search
from tests.book.built_site import toc_documents


def test_no_student_facing_artifact_shows_a_graded_solution(
    site_dir: Path, release_downloads: Path
):
    """Is no graded solution (its batched statements: products, transposes,
    sums over the batch, gate slices and concatenations, the loop's carry)
    anywhere a student can look, under any names, split or reordered?"""
    documents = student_documents(site_dir, release_downloads, REPOSITORY)
    names = [document.name for document in documents]
    site = site_dir.relative_to(REPOSITORY)
    # The search covered what it must: every page, the page sources in both
    # forms, and each release download's notebook and checks.
    for page in toc_documents():
        assert f"{site}/{page}.html" in names
    sources = {
        str(path.relative_to(REPOSITORY))
        for path in (site_dir / "_sources").rglob("*")
        if path.suffix in (".md", ".ipynb", ".py", ".txt")
    }
    assert any(name.endswith(".md") for name in sources)
    assert sources <= set(names), sorted(sources - set(names))
    for archive in sorted(release_downloads.glob("*.zip")):
        label = str(archive.relative_to(REPOSITORY))
        with zipfile.ZipFile(archive) as opened:
            code = [m for m in opened.namelist() if m.endswith((".py", ".ipynb"))]
        assert f"{archive.stem}/{archive.stem}.ipynb" in code
        assert any(m.startswith(f"{archive.stem}/course_checks") for m in code), code
        assert [m for m in code if f"{label}!{m}" not in names] == []

    patterns = patterns_of(
        read_solutions(DEFAULT_ASSIGNMENTS_DIR), given_statements(DEFAULT_ASSIGNMENTS_DIR)
    )
    backward = {name for name, spec in SPECS.items() if spec.kind == "backward"}
    assert backward <= {p.function for p in patterns}, "a backward pass has nothing to search for"

    findings = search(documents, patterns)
    if findings:
        lines = [line for finding in findings for line in finding.lines()]
        pytest.fail(
            f"{len(lines)} graded statements in {len({f.document for f in findings})} "
            "student-facing documents (document [where]: function: normalised graded "
            "statement <- the document's code that matched it):\n" + "\n".join(lines),
            pytrace=False,
        )


def test_no_launch_environment_installs_the_instructors_repository():
    """Does no file Binder would build an environment from install the
    repository (with it the solutions and the hidden tests)?"""
    installing = [
        str(path)
        for path in launch_environment_files(REPOSITORY)
        if INSTALLS_REPOSITORY.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert installing == []
