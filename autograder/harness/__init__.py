"""Checks shared by the students' visible checks and the hidden grader.

:mod:`autograder.harness.checks` depends on NumPy only: it is copied into every
released assignment as ``course_checks.py``.
"""
