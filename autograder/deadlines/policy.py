"""The course's late penalty: a share of the assignment's points per started day late.

The default takes 10 % of the notebook's maximum points for each started
day (24 h) after the due date, and never more than the score itself:

- a share of the *points possible*, not of the score, so that two students
  equally late lose the same number of points, whatever they scored (a share
  of the score would cost a strong submission more than a weak one);
- per *started* day, so that a submission a minute late is late, and the
  penalty is known in advance ("1 day late" means up to 24 h), as in
  Canvas's own late policy, which students have usually met;
- capped at the score (nbgrader's AssignLatePenalties caps it too), so a
  grade never drops below zero, and ten days late is worth nothing.

Configured in nbgrader_config.py::

    c.AssignLatePenalties.plugin_class = "autograder.deadlines.policy.DailyLatePenalty"
    c.DailyLatePenalty.percent_per_day = 10.0

nbgrader computes the penalty when it autogrades, from the score at that
time; a manual grade entered later changes the score but not the penalty
until `course grade --regrade` grades that student again.
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

DAY_SECONDS = 24 * 60 * 60


def late_penalty(
    seconds_late: float, score: float, max_score: float, percent_per_day: float
) -> float:
    """Points taken off: percent_per_day % of max_score per started day late,
    at most the score; 0 when not late."""
    if seconds_late <= 0:
        return 0.0
    days = math.ceil(seconds_late / DAY_SECONDS)
    return max(0.0, min(score, days * percent_per_day / 100.0 * max_score))


class DailyLatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin with the course's policy (see the module)."""

    percent_per_day = Float(
        10.0, help="Share of the notebook's maximum points taken off per started day late."
    ).tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        # nbgrader passes neither the assignment nor its points: the plugin's
        # parent is the AssignLatePenalties preprocessor that is asking, which
        # holds the notebook's ids and an open gradebook while it asks.
        asking = self.parent
        notebook = asking.gradebook.find_notebook(asking.notebook_id, asking.assignment_id)
        penalty = late_penalty(
            total_seconds_late, score, float(notebook.max_score), self.percent_per_day
        )
        self.log.info(
            "%s is %.0f s late: penalty %.4g of %.4g points",
            student_id,
            total_seconds_late,
            penalty,
            notebook.max_score,
        )
        return penalty
