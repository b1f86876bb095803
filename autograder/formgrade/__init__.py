"""The formgrader's page of a submission, safe to open in the instructor's session.

nbgrader's formgrader (a Jupyter server extension, started by `course
formgrader`) renders each autograded notebook with its ``formgrade``
template, which shows students' markdown cells unsanitized, inside the
instructor's authenticated Jupyter session: a ``<script>``, an ``onerror=``
or a ``javascript:`` link there would run with the token that reads the
solutions and the grading seed. ``templates/formgrade/`` is found before
nbgrader's (``HTMLExporter.extra_template_basedirs`` in the course's
nbgrader_config.py), extends it and passes every student-written cell and
output through `sanitize.formgrade_html`.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The folder to put first in HTMLExporter.extra_template_basedirs."""
