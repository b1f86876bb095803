"""Silence one SQLAlchemy warning that nbgrader's own gradebook code raises.

`nbgrader.api.Gradebook.add_submission` builds a SubmittedAssignment, its
SubmittedNotebooks, Grades and Comments linked to objects already in the
session before it adds the new ones; reading `submission.assignment.notebooks`
and `notebook.grade_cells` meanwhile autoflushes, and SQLAlchemy 2 warns
once per relationship ("Object of type <SubmittedAssignment> not in session,
add operation along 'Student.submissions' will not proceed"). The objects
are added and committed a few lines later, so nothing is lost: the warning
is noise on the instructor's console, several lines per graded submission.
The cause is in nbgrader (not in this course), so exactly that warning is
ignored, only when raised from nbgrader.api.
"""

from __future__ import annotations

import warnings

from sqlalchemy.exc import SAWarning

ADD_SUBMISSION_WARNING = (
    r"Object of type <Submitted(?:Assignment|Notebook)> not in session, "
    r"add operation along '(?:Student|Assignment|Notebook)\.submissions' will not proceed"
)
"""The message (a regular expression matched at its start) of the warnings
that Gradebook.add_submission triggers."""


def silence_add_submission_warnings() -> None:
    """Ignore the SAWarnings of nbgrader's Gradebook.add_submission (and only
    those: any other SQLAlchemy warning, or this one raised elsewhere, still shows)."""
    warnings.filterwarnings(
        "ignore", message=ADD_SUBMISSION_WARNING, category=SAWarning, module=r"nbgrader\.api$"
    )
