"""The coordinator's side of a batch: the one writer of the course.

A worker's :class:`~autograder.grading.worker.Outcome` is recorded with
nbgrader's own machinery, in this order:

1. the gradebook: ``Gradebook.update_or_create_submission`` (with the
   submission's ``timestamp.txt``, if any), then, on each returned
   autograded notebook, the course's ValidateScores and nbgrader's
   SaveAutoGrades and AssignLatePenalties preprocessors, exactly as
   nbgrader's Autograde runs them. SaveAutoGrades sets auto scores only:
   a manual grade already in the gradebook survives a regrade (and is
   flagged for review, as nbgrader does);
2. the check: the gradebook must hold the verdict record's score for every
   test cell (:func:`autograder.grading.scores.record_disagreements`);
   a difference is a loud failure and the grade is removed;
3. the files: ``autograded/`` and ``feedback/`` of the student, and the
   results records (each naming the worker that graded it, host:pid);
4. the ledger, last and atomically: only now is the file graded for a
   batch that resumes.

A crash between two steps leaves no ledger, so the next run grades the
file again and nbgrader updates the same rows.
"""

from __future__ import annotations

import shutil

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from traitlets.config import Config

from autograder.coursedir import Course
from autograder.grading import ledger, records, transfer
from autograder.grading.scores import InvalidScore, ValidateScores, record_disagreements
from autograder.grading.worker import Outcome, nbgrader_notices_silenced

GRADEBOOK_PREPROCESSORS = (ValidateScores, SaveAutoGrades, AssignLatePenalties)
"""What the course's Autograde runs after the grader, in its order, that
reads or writes the gradebook."""


class Rejected(Exception):
    """A graded outcome that must not stand: the reason, for the summary."""


class Recorder:
    """Writes outcomes into one course's gradebook and folders."""

    def __init__(self, course: Course, coursedir: CourseDirectory, config: Config):
        self.course = course
        self.coursedir = coursedir
        self.config = config

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def record(self, outcome: Outcome) -> tuple[float, float]:
        """Record a graded outcome (see the module's docstring) and return the
        submission's (score, max score) from the gradebook.

        Raises:
            Rejected: the outcome does not hold what was sent, a score is not
                one the grader wrote, or the gradebook disagrees with the
                verdicts; the student's grade is then removed.
        """
        assignment, student = outcome.assignment, outcome.student
        try:
            notebooks = self._check(outcome)
            self._save_grades(outcome, notebooks)
            problems = [
                problem
                for record in outcome.records.values()
                for problem in record_disagreements(
                    self.db_url, self.coursedir.course_id, record, assignment, student
                )
            ]
            if problems:
                raise Rejected(
                    "GRADEBOOK DISAGREES WITH THE VERDICTS, grade removed: " + "; ".join(problems)
                )
        except Rejected:
            self.forget(assignment, student)
            raise
        except InvalidScore as error:
            self.forget(assignment, student)
            raise Rejected(f"autograding failed: InvalidScore: {error}") from None
        self._write_files(outcome)
        ledger.mark_graded(self.course, assignment, student, outcome.sha256)
        return self.score(assignment, student)

    def _check(self, outcome: Outcome) -> dict[str, nbformat.NotebookNode]:
        """{notebook: autograded notebook} of the outcome, each with its record
        of the file that was sent."""
        notebooks = {
            name.removesuffix(".ipynb"): nbformat.reads(content.decode("utf-8"), as_version=4)
            for name, content in transfer.members(outcome.autograded).items()
            if name.endswith(".ipynb") and "/" not in name
        }
        for name in notebooks:
            record = outcome.records.get(name)
            if record is None:
                raise Rejected(f"the worker sent no verdict record for {name}")
            if record.get("submission_sha256") != outcome.sha256:
                raise Rejected(
                    f"the worker graded another file than the one sent ({name}: SHA-256 "
                    f"{record.get('submission_sha256')}, sent {outcome.sha256})"
                )
        return notebooks

    def enrol(self, students: list[str]) -> None:
        """Put `students` in the gradebook, in this order, before any result
        arrives: nbgrader lists students (its export's rows, for one) in the
        order they were created, which must not depend on which worker
        finished first."""
        with (
            nbgrader_notices_silenced(),
            Gradebook(self.db_url, self.coursedir.course_id) as gradebook,
        ):
            for student in students:
                gradebook.update_or_create_student(student)

    def _save_grades(self, outcome: Outcome, notebooks: dict) -> None:
        assignment, student = outcome.assignment, outcome.student
        timestamp = self.coursedir.get_existing_timestamp(
            str(self.course.submitted_dir(student, assignment))
        )
        with (
            nbgrader_notices_silenced(),
            Gradebook(self.db_url, self.coursedir.course_id) as gradebook,
        ):
            gradebook.update_or_create_student(student)
            extra = {"timestamp": timestamp} if timestamp else {}
            gradebook.update_or_create_submission(assignment, student, **extra)
            expected = [
                notebook.name for notebook in gradebook.find_assignment(assignment).notebooks
            ]
            for name in expected:
                if name not in notebooks:
                    # nbgrader's rule for a notebook missing from a submission: zero.
                    submitted = gradebook.find_submission_notebook(name, assignment, student)
                    for grade in submitted.grades:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                    gradebook.db.commit()
        for name, notebook in notebooks.items():
            resources = {
                "nbgrader": {
                    "student": student,
                    "assignment": assignment,
                    "notebook": name,
                    "db_url": self.db_url,
                }
            }
            for preprocessor in GRADEBOOK_PREPROCESSORS:
                notebook, resources = preprocessor(config=self.config).preprocess(
                    notebook, resources
                )

    def _write_files(self, outcome: Outcome) -> None:
        assignment, student = outcome.assignment, outcome.student
        for folder, packed in (
            (self.course.autograded_dir(student, assignment), outcome.autograded),
            (self.course.feedback_dir(student, assignment), outcome.feedback),
        ):
            shutil.rmtree(folder, ignore_errors=True)  # an earlier file's, if any
            if packed:
                transfer.unpack(packed, folder)
        for notebook, record in outcome.records.items():
            path = self.course.result_record(assignment, student, notebook)
            records.write_record(path, {**record, "worker": outcome.worker})

    def forget(self, assignment: str, student: str) -> None:
        """Leave no grade of `student` standing: the gradebook's submission,
        the ledger, the results records and the graded folders go."""
        with Gradebook(self.db_url, self.coursedir.course_id) as gradebook:
            try:
                gradebook.remove_submission(assignment, student)
            except MissingEntry:
                pass
        ledger.forget(self.course, assignment, student)
        for record in self.course.results_dir(assignment, student).glob("*.json"):
            record.unlink(missing_ok=True)
        for folder in (
            self.course.autograded_dir(student, assignment),
            self.course.feedback_dir(student, assignment),
        ):
            shutil.rmtree(folder, ignore_errors=True)

    def score(self, assignment: str, student: str) -> tuple[float, float]:
        with Gradebook(self.db_url, self.coursedir.course_id) as gradebook:
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                return (0.0, 0.0)
            return (submission.score, submission.max_score)
