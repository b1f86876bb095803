"""Gradebooks filled through nbgrader's own Gradebook API (no kernel, no
grading run) and verdict records as the grader files them, for unit tests."""

from __future__ import annotations

import json
from datetime import datetime

from nbgrader.api import Gradebook

from autograder.coursedir import Course

COURSE_ID = "rnn-gradients"
"""The course id the repository's nbgrader_config.py sets."""

ASSIGNMENTS = {
    # assignment: {grade_id: max points}; one notebook named after the assignment
    "a1_softmax": {"test_softmax": 2.0, "test_rel_error": 1.0},
    "a2_rnn": {"test_rnn_step_forward": 3.0},
}
STUDENTS = {
    # id: (first name, last name, email)
    "jdoe": ("Jane", "Doe", "jdoe@example.org"),
    "emile": ("Émile", "Zola", ""),
    "absent": ("Al", "Sent", "absent@example.org"),
}
SUBMISSIONS = {
    # (assignment, student): ({grade_id: auto score}, late penalty)
    # The last one has no timestamp, as `course grade` imports them.
    ("a1_softmax", "jdoe"): ({"test_softmax": 2.0, "test_rel_error": 0.5}, 0.0),
    ("a1_softmax", "emile"): ({"test_softmax": 1.0, "test_rel_error": 1.0}, 0.5),
    ("a2_rnn", "jdoe"): ({"test_rnn_step_forward": 1.5}, 0.0),
}
DUEDATE = datetime(2024, 3, 1, 12, 0)
TIMESTAMP = datetime(2024, 3, 2, 9, 30)


def build_gradebook(course: Course) -> None:
    """Fill the course's gradebook through nbgrader's API."""
    with Gradebook(course.gradebook_url, COURSE_ID) as gradebook:
        for assignment, cells in ASSIGNMENTS.items():
            gradebook.add_assignment(assignment, duedate=DUEDATE)
            gradebook.add_notebook(assignment, assignment)
            for grade_id, points in cells.items():
                gradebook.add_grade_cell(
                    grade_id, assignment, assignment, max_score=points, cell_type="code"
                )
        for student, (first, last, email) in STUDENTS.items():
            gradebook.add_student(student, first_name=first, last_name=last, email=email)
        for (assignment, student), (scores, penalty) in SUBMISSIONS.items():
            stamp = {} if (assignment, student) == ("a2_rnn", "jdoe") else {"timestamp": TIMESTAMP}
            gradebook.add_submission(assignment, student, **stamp)
            for grade_id, score in scores.items():
                grade = gradebook.find_grade(grade_id, assignment, assignment, student)
                grade.auto_score = score
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            notebook.late_submission_penalty = penalty
            gradebook.db.commit()


def write_result_record(course: Course, assignment: str, student: str, tests: list[dict]):
    """A verdict record as the grader files it (only the fields the report reads)."""
    path = course.result_record(assignment, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"student": student, "assignment": assignment, "notebook": assignment}
    path.write_text(json.dumps({**record, "tests": tests}), encoding="utf-8")
    return path


def verdict(function: str, **outputs: tuple[bool, str]) -> dict:
    """One test of a record: {output: (passed, problem)}."""
    return {
        "function": function,
        "outputs": {
            name: {"passed": passed, "error": None, "problem": problem, "where": ""}
            for name, (passed, problem) in outputs.items()
        },
    }
