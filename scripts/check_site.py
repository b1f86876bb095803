"""Check a site folder before it is deployed: complete, and nothing of the instructor's.

    .venv/bin/python scripts/check_site.py _build/site [--course course]

Exits 1 with one line per problem. Complete means: the home page, every
page of _toc.yml, the 404 page, the search page and its index, and every
student download of the course (course/downloads/<id>.zip, byte for byte).
Nothing of the instructor's means no file that only the instructor's
checkout has: the reference solutions (a solutions/ package), nbgrader's
source notebooks or markers around solutions and hidden tests, the
gradebook, the grading seed (by name, and by its value where the course has
one), the graded results, feedback or submissions. The search for the
graded solutions themselves, statement by statement, is
tests/autograder/integrity/test_student_artifacts.py.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

from autograder.authoring.book_toc import toc_documents

REPOSITORY = Path(__file__).resolve().parent.parent
REQUIRED_FILES = ("index.html", "404.html", "search.html", "searchindex.js", ".nojekyll")
FORBIDDEN_NAMES = {".grading-seed", "gradebook.db", "graded.json", "nbgrader_config.py"}
FORBIDDEN_FOLDERS = {"solutions", "submitted", "autograded", "feedback", "results", "source"}
"""Folders of the instructor's checkout and of nbgrader's course directory
(the site's own _sources/ holds the pages' sources and is public)."""
FORBIDDEN_TEXT = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
"""nbgrader's markers: only an instructor's source notebook has them."""


def files_of(site: Path) -> Iterator[tuple[str, bytes]]:
    """(name, content) of every file of the site and inside its zips."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        data = path.read_bytes()
        yield name, data
        if path.suffix == ".zip":
            yield from _zip_members(data, name)


def _zip_members(data: bytes, label: str) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.endswith("/"):
                continue
            content = archive.read(member)
            yield f"{label}!{member}", content
            if member.endswith(".zip"):
                yield from _zip_members(content, f"{label}!{member}")


def instructor_files(site: Path, seed: str | None) -> list[str]:
    """Files of the site (and inside its zips) that only the instructor may have."""
    found = []
    for name, data in files_of(site):
        parts = name.replace("!", "/").split("/")
        if FORBIDDEN_NAMES & set(parts) or FORBIDDEN_FOLDERS & set(parts[:-1]):
            found.append(f"{name}: an instructor's file")
            continue
        text = data.decode("utf-8", errors="ignore")
        markers = [marker for marker in FORBIDDEN_TEXT if marker in text]
        if markers:
            found.append(f"{name}: holds nbgrader's {markers[0]!r}")
        if seed and seed in text:
            found.append(f"{name}: holds the grading seed")
    return found


def missing_files(site: Path, toc: Path, downloads: Path) -> list[str]:
    """What a complete site would have and this one lacks."""
    missing = [f"{name} is missing" for name in REQUIRED_FILES if not (site / name).is_file()]
    missing += [
        f"page {page}.html is missing"
        for page in toc_documents(toc)
        if not (site / f"{page}.html").is_file()
    ]
    published = {path.read_bytes() for path in site.rglob("*.zip")}
    for archive in sorted(downloads.glob("*.zip")):
        if archive.read_bytes() not in published:
            missing.append(f"the download {archive.name} is missing (or differs from {archive})")
    if not any(downloads.glob("*.zip")):
        missing.append(f"no download in {downloads}: run `course release` first")
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--course", type=Path, default=REPOSITORY / "course")
    parser.add_argument("--toc", type=Path, default=REPOSITORY / "_toc.yml")
    args = parser.parse_args(argv)
    seed_file = args.course / ".grading-seed"
    seed = seed_file.read_text(encoding="utf-8").strip() if seed_file.is_file() else None
    problems = missing_files(args.site, args.toc, args.course / "downloads")
    problems += instructor_files(args.site, seed)
    for problem in problems:
        print(f"check-site: {problem}", file=sys.stderr)
    if problems:
        return 1
    count = sum(1 for _ in files_of(args.site))
    print(
        f"check-site: {args.site} is complete and holds nothing of the instructor's "
        f"({count} files and archive members)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
