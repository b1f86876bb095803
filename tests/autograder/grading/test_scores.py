"""Tests of the score checks: a grade cell holds the verdict's score, and the
gradebook holds the verdict record's."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.api import Gradebook

from autograder.grading.scores import (
    InvalidScore,
    ValidateScores,
    cell_score,
    gradebook_disagreements,
)


def _grade_cell(*outputs, points=5):
    cell = new_code_cell("check()")
    cell.metadata["nbgrader"] = {
        "grade": True, "solution": False, "grade_id": "test_f", "points": points,
    }  # fmt: skip
    cell.outputs = list(outputs)
    return cell


def _result(text):
    return new_output("execute_result", data={"text/plain": text}, execution_count=None)


def test_a_number_within_the_points_is_the_score():
    assert (
        cell_score(_grade_cell(new_output("stream", name="stdout", text="x"), _result("2.5")))
        == 2.5
    )


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ((_result("full marks"),), "its result 'full marks' is not a number"),
        ((_result("7"),), "score 7.0 is outside 0..5"),
        ((_result("-1"),), "score -1.0 is outside 0..5"),
        ((_result("nan"),), "score nan is outside"),
        ((), "holds 0 results and 0 errors"),
        ((_result("1"), _result("1")), "holds 2 results"),
        ((_result("1"), new_output("stream", name="stderr", text="!")), "1 errors"),
    ],
)
def test_anything_else_is_an_error_not_full_marks(outputs, message):
    """Is a result that is not a number, out of range, missing, doubled or
    next to an error refused (nbgrader would give full points)?"""
    with pytest.raises(InvalidScore, match=message):
        cell_score(_grade_cell(*outputs))


def test_the_preprocessor_refuses_a_notebook_with_one_bad_cell():
    notebook = new_notebook(cells=[_grade_cell(_result("1")), _grade_cell(_result("x"))])
    with pytest.raises(InvalidScore):
        ValidateScores().preprocess(notebook, {})
    good = new_notebook(cells=[_grade_cell(_result("1"))])
    assert ValidateScores().preprocess(good, {})[0] is good


@pytest.mark.slow  # seconds, not milliseconds: kept out of make test-fast
def test_the_gradebook_must_hold_the_verdicts_scores(tmp_path, monkeypatch):
    """Are differences between gradebook and verdict record found, cell by cell?"""
    # nbgrader creates a gradebook by running `alembic` from this environment
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(db_url, "course") as gradebook:
        gradebook.add_assignment("a1")
        gradebook.add_notebook("a1", "a1")
        for name in ("test_f", "test_g"):
            gradebook.add_grade_cell(name, "a1", "a1", max_score=2, cell_type="code")
        gradebook.add_student("jdoe")
        gradebook.add_submission("a1", "jdoe")
        gradebook.find_grade("test_f", "a1", "a1", "jdoe").auto_score = 1.0
        gradebook.find_grade("test_g", "a1", "a1", "jdoe").auto_score = 2.0
        gradebook.db.commit()
    record = tmp_path / "a1.json"
    tests = [{"grade_id": "test_f", "score": 1.0}, {"grade_id": "test_g", "score": 0.0}]
    record.write_text(json.dumps({"notebook": "a1", "tests": tests}))
    assert gradebook_disagreements(db_url, "course", record, "a1", "jdoe") == [
        "test_g: gradebook 2.0, verdict 0.0"
    ]
    tests[1]["score"] = 2.0
    record.write_text(json.dumps({"notebook": "a1", "tests": tests}))
    assert gradebook_disagreements(db_url, "course", record, "a1", "jdoe") == []
