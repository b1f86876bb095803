"""The template course a batch's workers grade in, built once per batch.

A worker grades each submission in a private, temporary course directory
made from this template, never in the instructor's course directory (the
worker may be another machine: no shared file system is assumed). The
template holds what nbgrader's Autograde needs and nothing else:

- the course's ``nbgrader_config.py``;
- ``source/<assignment>/``: the instructor's notebook (with its solutions),
  the checks package and the data files nbgrader copies into each graded
  folder;
- ``gradebook.db``: a private SQLite gradebook holding the assignment's
  structure (its notebooks, grade, solution and task cells), made by
  nbgrader's own ``generate_assignment`` run in the template.

Never the grading seed, the course's gradebook or another student's work:
each job carries its own submission and its own hidden-input seed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbgrader
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.coursedir import CONFIG_NAME, Course, put_scripts_on_path
from autograder.grading import transfer


class TemplateError(RuntimeError):
    """The template course could not be made (the message says why and what to do)."""


def private_config(root: Path) -> Config:
    """The nbgrader configuration of the course directory `root`, pointed at
    its own folder and at its own SQLite gradebook, whatever database the
    configuration names (a worker never writes the course's gradebook)."""
    config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
    course = Course(root)
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = course.gradebook_url
    config.TrustedExecute.course_directory = str(root)
    return config


def build_template(course: Course, assignment: str, db_url: str, course_id: str) -> bytes:
    """The template course for grading `assignment`, as bytes (see the module's
    docstring). `db_url` and `course_id` name the course's gradebook, whose
    structure of the assignment the template's must match.

    Raises:
        TemplateError: nbgrader could not build the template's gradebook, or
            its structure differs from the course's (the source notebook was
            changed since the assignment was released).
    """
    put_scripts_on_path()  # nbgrader runs `alembic` when it creates a gradebook
    with tempfile.TemporaryDirectory(prefix="course-template-") as folder:
        root = Path(folder) / "course"
        template = Course(root)
        root.mkdir()
        shutil.copyfile(course.config_file, template.config_file)
        shutil.copytree(
            course.source_dir(assignment),
            template.source_dir(assignment),
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
        )
        config = private_config(root)
        _create_gradebook(template.gradebook_url)
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            raise TemplateError(
                f"nbgrader could not generate {assignment} in the template course: "
                f"{(result.get('error') or result.get('log') or '').strip()[-500:]}"
            )
        shutil.rmtree(template.folder("release"), ignore_errors=True)
        _copy_due_date(
            db_url, template.gradebook_url, config.CourseDirectory.course_id, assignment
        )
        differences = _structure(db_url, course_id, assignment) != _structure(
            template.gradebook_url, course_id, assignment
        )
        if differences:
            raise TemplateError(
                f"the gradebook's cells of {assignment} differ from its source notebook "
                f"{course.source_notebook(assignment)}: it changed since it was released; "
                f"run `course release {assignment}` again"
            )
        return transfer.pack(root)


def _create_gradebook(db_url: str) -> None:
    """An empty nbgrader gradebook at `db_url`, made as nbgrader's Gradebook
    makes a new one (its tables, and alembic's version row) but with the
    alembic head read in this process: nbgrader runs the `alembic` command
    for it, a new Python process that takes seconds on a busy machine."""
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from sqlalchemy import create_engine, text

    head = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()
    engine = create_engine(db_url, future=True)
    try:
        Base.metadata.create_all(bind=engine)
        with engine.begin() as connection:
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            )
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head}
            )
    finally:
        engine.dispose()


def _copy_due_date(db_url: str, template_url: str, course_id: str, assignment: str) -> None:
    """Give the template's assignment the course's due date, so that a
    worker's feedback shows the late penalty the course's gradebook gets."""
    with Gradebook(db_url, course_id) as gradebook:
        try:
            due = gradebook.find_assignment(assignment).duedate
        except MissingEntry:
            return
    if due is not None:
        with Gradebook(template_url, course_id) as gradebook:
            gradebook.update_or_create_assignment(assignment, duedate=due)


def _structure(db_url: str, course_id: str, assignment: str) -> dict:
    """{notebook: sorted (grade_id, max_score) of its grade cells} of an
    assignment in a gradebook (empty when it has no such assignment)."""
    with Gradebook(db_url, course_id) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return {}
        return {
            notebook.name: sorted((cell.name, cell.max_score) for cell in notebook.grade_cells)
            for notebook in found.notebooks
        }
