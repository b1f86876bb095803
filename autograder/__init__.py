"""The course's grading pipeline, on top of nbgrader.

The folders follow a notebook from its text source to a graded report::

    authoring/      text sources (MyST markdown) -> nbgrader source notebooks
    course_checks/  shipped to students with every release: the specs and
                    rules of judging, the visible checks, and the probe (the
                    only code that runs on hidden inputs in a student's kernel)
    cases/          hidden inputs and references (trusted; never shipped)
    grading/        the trusted side of autograding: seed, verdicts,
                    diagnosis, cost, the nbgrader preprocessor; a batch of
                    `course grade` (batch: the coordinator, worker, executor,
                    recorder: the one writer, template), records, the ledger
    sandbox/        running a student's kernel isolated and within limits
    intake/         learning-management-system exports -> nbgrader's submitted/ layout
    apps/           the `course` command's subcommands
"""

__version__ = "0.1.0"

import sys as _sys

# jsonschema (imported through nbgrader -> jupyter_server -> jupyter_events)
# uses rfc3987_syntax, when it is installed, to check the "iri" string
# format, and that module builds a Lark grammar when imported: 2 to 5 s of
# every `course` command and grading worker, for a format nothing here
# validates. Without it jsonschema simply does not check that format.
_sys.modules.setdefault("rfc3987_syntax", None)
