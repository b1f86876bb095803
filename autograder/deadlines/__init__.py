"""Due dates and late penalties, configured once in the course's nbgrader_config.py.

- `due.py`: the due date of each assignment (``c.Deadlines.due``, read in
  ``c.Deadlines.timezone``); `course release` writes them into nbgrader's
  gradebook, whose ``Assignment.duedate`` nbgrader's autograde compares
  with each submission's ``timestamp.txt``.
- `policy.py`: the penalty nbgrader's ``AssignLatePenalties`` asks for
  (``c.AssignLatePenalties.plugin_class``).
- `lateness.py`: how late a submission was, in words, for the report.
"""
