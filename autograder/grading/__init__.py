"""The trusted side of autograding.

The student's kernel only ever runs the probe
(:func:`autograder.course_checks.probe.run_probe`),
which writes plain arrays to a file. Everything here runs in the grader's own
process: drawing the hidden inputs, reading the arrays without unpickling,
comparing them with the references and writing the verdict that nbgrader
records.
"""
