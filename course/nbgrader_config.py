"""nbgrader configuration of the course directory.

Every stock `nbgrader` command works here (run it from this folder); the
`course` command adds the steps around them. The one change to nbgrader's
pipeline: autograding executes notebooks with TrustedExecute, which judges
grade cells outside the student's kernel (see autograder/grading/).
"""

import os
from pathlib import Path

import nbgrader
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from autograder.deadlines.policy import DailyLatePenalty
from autograder.feedback import TEMPLATES as FEEDBACK_TEMPLATES
from autograder.feedback.exporter import FeedbackExporter
from autograder.formgrade import TEMPLATES as FORMGRADE_TEMPLATES
from autograder.grading.preprocessor import TrustedExecute
from autograder.grading.sanitize import OverwriteCellsStably, RestoreGradingMetadata
from autograder.grading.scores import ValidateScores
from autograder.nbgrader_warnings import silence_add_submission_warnings

NBGRADER_TEMPLATES = (
    Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
)

c = get_config()  # noqa: F821 (defined by nbgrader when it loads this file)

here = Path(__file__).resolve().parent
c.CourseDirectory.root = str(here)
c.CourseDirectory.course_id = "rnn-gradients"
# The gradebook: nbgrader's default, SQLite in gradebook.db in this folder,
# unless COURSE_DB_URL names a PostgreSQL database (for several graders or a
# JupyterHub deployment), e.g. postgresql://grader@dbhost:5432/rnn_gradients.
# It is read here so that stock nbgrader commands and `course` (which reads
# this setting: autograder/coursedir.py) open the same gradebook; `course
# <command> --db URL` overrides it for one command. A URL may also be written
# here, but keep passwords out of this file: ~/.pgpass or the variable.
if os.environ.get("COURSE_DB_URL"):
    c.CourseDirectory.db_url = os.environ["COURSE_DB_URL"]
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Cell roles come from the gradebook, whatever the submitted metadata says.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    RestoreGradingMetadata,
    OverwriteKernelspec,
    OverwriteCellsStably,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    TrustedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    # A score that is not a number between 0 and the cell's points stops the
    # notebook instead of being read by SaveAutoGrades as full points.
    ValidateScores,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.TrustedExecute.course_directory = str(here)
# The student's notebook runs in the kernel "course-student": NumPy and
# Matplotlib, without the solutions package (see autograder/kernels.py).
c.TrustedExecute.kernel_name = "course-student"
c.TrustedExecute.timeout = 60
c.TrustedExecute.probe_timeout = 60
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.LimitOutput.max_lines = 200
# A test cell deleted from a submission is put back and graded.
c.OverwriteCells.add_missing_cells = True

# Student kernels run in a bubblewrap sandbox (autograder/sandbox/): no
# network, no access to the course directory, writes only to a scratch
# folder, each in a memory and pids cgroup of its own where the machine
# allows. Its limits (memory cap, processes, CPU and wall-clock time, file
# size) are the sandbox's defaults, defined once in
# autograder/sandbox/config.py (DEFAULT_LIMITS); `course check-worker` says
# whether this machine enforces them. Set one here only where this course
# needs a different value, with a comment saying why it differs.

# Feedback HTML shows students' outputs as text, never their HTML or JavaScript,
# with the course's template: math rendered to MathML when the page is made (no
# MathJax from a CDN), every cell sanitized, tests named by their function.
c.HTMLExporter.sanitize_html = True
# Feedback pages are nbconvert's HTML pages without a second parse of each
# page (autograder/feedback/exporter.py): a batch writes hundreds.
c.GenerateFeedback.exporter_class = FeedbackExporter
# The formgrader's page of a submission (autograder/formgrade/) extends
# nbgrader's, found through NBGRADER_TEMPLATES.parent, and sanitizes every
# student-written cell and output: it opens in the instructor's session.
c.HTMLExporter.extra_template_basedirs = [
    str(FORMGRADE_TEMPLATES),
    str(FEEDBACK_TEMPLATES),
    str(NBGRADER_TEMPLATES),
]
c.HTMLExporter.extra_template_paths = [str(NBGRADER_TEMPLATES.parent)]
c.HTMLExporter.filters = {
    "render_math": "autograder.feedback.mathml.render_math",
    "safe_html": "autograder.feedback.sanitize.safe_html",
    "grade_cell_title": "autograder.feedback.mathml.grade_cell_title",
    "formgrade_html": "autograder.formgrade.sanitize.formgrade_html",
}

# Due dates, one per assignment, written into the gradebook by `course
# release`; a date without an offset is in c.Deadlines.timezone (so are the
# times of an LMS's sidecar). No assignment named: nothing is ever late.
# Example: c.Deadlines.due = {"a1_softmax": "2025-10-17 23:59"}
c.Deadlines.timezone = "UTC"
c.Deadlines.due = {}
# Late penalty (autograder/deadlines/policy.py): 10 % of the assignment's
# points per started day after the due date, never more than the score.
c.AssignLatePenalties.plugin_class = DailyLatePenalty
c.DailyLatePenalty.percent_per_day = 10.0

# nbgrader's Gradebook.add_submission makes SQLAlchemy warn several times per
# graded submission about objects it adds a moment later: noise, silenced
# here (for stock nbgrader commands and the formgrader) and in `course`.
silence_add_submission_warnings()
