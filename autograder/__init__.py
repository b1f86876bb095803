"""The course's grading pipeline, on top of nbgrader.

The folders follow a notebook from its text source to a graded report::

    authoring/  text sources (MyST markdown) -> nbgrader source notebooks
    harness/    the checks students run; shipped with every release
    cases/      hidden-test specifications (never shipped)
    grading/    the trusted side of autograding: probe, verdicts, nbgrader preprocessor
    sandbox/    running a student's kernel isolated and within limits
    intake/     learning-management-system exports -> nbgrader's submitted/ layout
    apps/       the `course` command's subcommands
"""

__version__ = "0.1.0"
