"""Hidden tests: which inputs each graded function meets at grading time
and what the right outputs are. Trusted code: never shipped to students.

A notebook's grade cell with grade_id ``test_<function>`` is graded by the
hidden test of that function (see :func:`hidden_test_for_grade_id`).
"""

from autograder.cases.hidden import HIDDEN_TESTS, HiddenTest, hidden_test_for_grade_id

__all__ = ["HIDDEN_TESTS", "HiddenTest", "hidden_test_for_grade_id"]
