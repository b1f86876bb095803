"""The feedback page students get: nbgrader's feedback, rendered offline.

``templates/feedback/`` replaces nbgrader's feedback template (same name,
found first through ``HTMLExporter.extra_template_basedirs``, set in the
course's nbgrader_config.py) so that both ``course feedback`` and stock
``nbgrader generate_feedback`` produce the same page:

- its math is rendered when the page is generated (MathML, see mathml.py),
  so the page needs no network and no JavaScript;
- every student-written markdown cell and output is sanitized (nbgrader's
  template renders markdown cells unsanitized);
- the summary names each test by its function and shows its score.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The folder to put first in HTMLExporter.extra_template_basedirs."""
