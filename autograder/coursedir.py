"""The course directory: every path in it, and nbgrader's API on it.

Layout (nbgrader's default, plus the course's own files)::

    course/
      nbgrader_config.py   nbgrader's configuration (committed)
      .grading-seed        the secret seed of hidden inputs (created on first grade)
      roster.csv           the class list the instructor gives (optional, never committed)
      gradebook.db         nbgrader's gradebook, when it is SQLite (the default; see
                           Course.gradebook_url for PostgreSQL)
      .jupyter/kernels/    the grading kernel's kernelspec (written by `course grade`)
      source/<assignment>/                  instructor's notebooks (from assignments/)
      release/<assignment>/                 student versions
      submitted/<student>/<assignment>/     imported submissions
      autograded/<student>/<assignment>/    graded copies
      feedback/<student>/<assignment>/      HTML feedback
      downloads/<assignment>.zip            one zip per released assignment, for the book
      results/<assignment>/<student>/       per-notebook verdict records (JSON) and the
                                            resume ledger graded.json

No other module joins these names by hand: it asks `Course`. The per-step
folders follow nbgrader's default ``CourseDirectory.directory_structure``
(``{nbgrader_step}/{student_id}/{assignment_id}``), which the course's
nbgrader_config.py keeps.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder import gradebookdb
from autograder.nbgrader_warnings import silence_add_submission_warnings

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_COURSE_DIR = REPOSITORY / "course"
DEFAULT_ASSIGNMENTS_DIR = REPOSITORY / "assignments"

CONFIG_NAME = "nbgrader_config.py"
SEED_FILE_NAME = ".grading-seed"
GRADEBOOK_NAME = "gradebook.db"
JUPYTER_DATA_NAME = ".jupyter"
LEDGER_NAME = "graded.json"
ROSTER_NAME = "roster.csv"
DB_URL_VARIABLE = "COURSE_DB_URL"
"""The environment variable the course's nbgrader_config.py reads the
gradebook's URL from (so that stock nbgrader commands see it too)."""
NBGRADER_STEPS = ("source", "release", "submitted", "autograded", "feedback")
"""nbgrader's folders, in the order a notebook passes through them."""


@dataclass(frozen=True)
class Course:
    """Every path of one course directory and of its assignments' text sources.

    `notebook` arguments default to the assignment id: each assignment of
    this course is one notebook named after it (``a2_rnn/a2_rnn.ipynb``).
    `db` is a gradebook URL given for this command (``course --db``); None
    leaves the course's own setting (see `gradebook_url`).
    """

    root: Path
    assignments: Path = DEFAULT_ASSIGNMENTS_DIR
    db: str | None = None

    # -- files and folders of the whole course ---------------------------

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def seed_file(self) -> Path:
        """The grading seed (mode 0600): never in anything students see."""
        return self.root / SEED_FILE_NAME

    @property
    def gradebook_file(self) -> Path:
        """The SQLite gradebook's file, used when no other database is set."""
        return self.root / GRADEBOOK_NAME

    @cached_property
    def gradebook_url(self) -> str:
        """The gradebook as nbgrader's `db_url`, the first of: `db` (the
        command's --db), ``CourseDirectory.db_url`` in the course's
        nbgrader_config.py (which the repository's sets from COURSE_DB_URL),
        and the SQLite file `gradebook_file`. Stock nbgrader commands read
        the same setting, so both always open the same gradebook."""
        if self.db:
            return self.db
        configured = load_config(self).CourseDirectory.get("db_url") if self.has_config else None
        return configured or self.default_gradebook_url

    @property
    def default_gradebook_url(self) -> str:
        """nbgrader's default: SQLite in `gradebook_file`."""
        return f"sqlite:///{self.gradebook_file}"

    @property
    def gradebook_source(self) -> str:
        """Where `gradebook_url` comes from, for messages."""
        if self.db:
            return "--db"
        if self.gradebook_url != self.default_gradebook_url:
            return f"CourseDirectory.db_url in {self.config_file} (or {DB_URL_VARIABLE})"
        return "the default"

    @property
    def has_config(self) -> bool:
        return self.config_file.is_file()

    @property
    def jupyter_data_dir(self) -> Path:
        """A Jupyter data folder (for JUPYTER_PATH) holding the course's kernelspecs."""
        return self.root / JUPYTER_DATA_NAME

    def kernelspec_dir(self, kernel_name: str) -> Path:
        return self.jupyter_data_dir / "kernels" / kernel_name

    @property
    def roster_file(self) -> Path:
        """The class list (student id, LMS id, name, email): see autograder/roster.py."""
        return self.root / ROSTER_NAME

    @property
    def downloads(self) -> Path:
        return self.root / "downloads"

    @property
    def results(self) -> Path:
        return self.root / "results"

    def folder(self, step: str) -> Path:
        """nbgrader's source, release, submitted, autograded or feedback folder."""
        if step not in NBGRADER_STEPS:
            raise ValueError(f"no nbgrader folder {step!r}: expected one of {NBGRADER_STEPS}")
        return self.root / step

    # -- text sources and the instructor's steps, per assignment ---------

    def text_source_dir(self, assignment: str) -> Path:
        """assignments/<id>/: the text source and the files shipped with it."""
        return self.assignments / assignment

    def text_source(self, assignment: str) -> Path:
        """assignments/<id>/<id>.md, the MyST markdown the notebook is built from."""
        return self.text_source_dir(assignment) / f"{assignment}.md"

    def authored_assignments(self) -> list[str]:
        """The assignments that have a text source, sorted by id."""
        if not self.assignments.is_dir():
            return []
        return sorted(
            path.name
            for path in self.assignments.iterdir()
            if path.is_dir() and self.text_source(path.name).is_file()
        )

    def source_dir(self, assignment: str) -> Path:
        return self.folder("source") / assignment

    def source_notebook(self, assignment: str, notebook: str | None = None) -> Path:
        return self.source_dir(assignment) / f"{notebook or assignment}.ipynb"

    def release_dir(self, assignment: str) -> Path:
        return self.folder("release") / assignment

    def release_notebook(self, assignment: str, notebook: str | None = None) -> Path:
        return self.release_dir(assignment) / f"{notebook or assignment}.ipynb"

    def released_assignments(self) -> list[str]:
        """Assignments that have a release folder, sorted."""
        release = self.folder("release")
        return sorted(p.name for p in release.iterdir() if p.is_dir()) if release.is_dir() else []

    def download_zip(self, assignment: str) -> Path:
        """downloads/<id>.zip: the release folder zipped, linked from the book."""
        return self.downloads / f"{assignment}.zip"

    # -- one student's work ------------------------------------------------

    def submitted_dir(self, student: str, assignment: str) -> Path:
        return self._student_folder("submitted", student, assignment)

    def submitted_notebook(self, student: str, assignment: str, notebook: str | None = None):
        return self.submitted_dir(student, assignment) / f"{notebook or assignment}.ipynb"

    def submitted_timestamp(self, student: str, assignment: str) -> Path:
        """nbgrader's timestamp.txt: when the submission was handed in."""
        return self.submitted_dir(student, assignment) / "timestamp.txt"

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self._student_folder("autograded", student, assignment)

    def autograded_notebook(self, student: str, assignment: str, notebook: str | None = None):
        return self.autograded_dir(student, assignment) / f"{notebook or assignment}.ipynb"

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self._student_folder("feedback", student, assignment)

    def feedback_html(self, student: str, assignment: str, notebook: str | None = None) -> Path:
        return self.feedback_dir(student, assignment) / f"{notebook or assignment}.html"

    def _student_folder(self, step: str, student: str, assignment: str) -> Path:
        return self.folder(step) / student / assignment

    # -- grading records ---------------------------------------------------

    def results_dir(self, assignment: str, student: str | None = None) -> Path:
        """results/<assignment>/ or, with a student, results/<assignment>/<student>/."""
        folder = self.results / assignment
        return folder / student if student is not None else folder

    def result_record(self, assignment: str, student: str, notebook: str | None = None) -> Path:
        """The verdicts of one graded notebook: results/<a>/<student>/<notebook>.json."""
        return self.results_dir(assignment, student) / f"{notebook or assignment}.json"

    def result_records(self) -> list[Path]:
        """Every verdict record under results/ (not the ledgers), sorted."""
        return sorted(path for path in self.results.glob("*/*/*.json") if path.name != LEDGER_NAME)

    def ledger_file(self, assignment: str, student: str) -> Path:
        """The resume ledger: which file of this student's was graded to the end."""
        return self.results_dir(assignment, student) / LEDGER_NAME


def as_course(where: Course | str | os.PathLike) -> Course:
    """`where` itself if it is a Course, else the course rooted at that folder."""
    return where if isinstance(where, Course) else Course(Path(where).resolve())


def open_course(
    root: Path | None = None, assignments: Path | None = None, db: str | None = None
) -> Course:
    """Check that `root` is a course directory and return it (with the
    gradebook URL `db`, when given, instead of the course's own)."""
    course = Course(
        Path(root or DEFAULT_COURSE_DIR).resolve(),
        Path(assignments or DEFAULT_ASSIGNMENTS_DIR).resolve(),
        db or None,
    )
    if not course.config_file.exists():
        raise FileNotFoundError(
            f"{course.root} is not a course directory: it has no {CONFIG_NAME} "
            f"(the repository's is {DEFAULT_COURSE_DIR / CONFIG_NAME})"
        )
    return course


def put_scripts_on_path() -> None:
    """Put this environment's scripts first on PATH.

    nbgrader runs `alembic` as a command whenever it creates a gradebook
    (`nbgrader.api.get_alembic_version`), which release, grade, feedback and
    export all may do; `.venv/bin/course` run without activating the
    environment would not find it.
    """
    scripts = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def load_config(course: Course) -> Config:
    """The course's nbgrader_config.py, loaded as nbgrader loads it."""
    return PyFileConfigLoader(CONFIG_NAME, path=str(course.root)).load_config()


def check_gradebook(course: Course) -> None:
    """Raise GradebookError, naming where the URL came from, unless the
    course's gradebook URL is well formed, its driver is installed and its
    server (if any) lets us in."""
    try:
        gradebookdb.check(course.gradebook_url)
    except gradebookdb.GradebookError as error:
        raise gradebookdb.GradebookError(
            f"{error} (the URL is from {course.gradebook_source})"
        ) from None


def nbgrader_api(course: Course) -> NbGraderAPI:
    """nbgrader's Python API configured by the course's nbgrader_config.py,
    with the course's root and gradebook (checked first: see check_gradebook).

    It runs no kernel by itself; `course grade` also installs the grading
    kernel (autograder.kernels.install_kernelspec).
    """
    put_scripts_on_path()
    check_gradebook(course)
    silence_add_submission_warnings()
    config = load_config(course)
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.gradebook_url
    return NbGraderAPI(CourseDirectory(config=config), config=config)
