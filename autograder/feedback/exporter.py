"""The exporter of feedback pages: nbconvert's HTMLExporter, made for a batch.

A worker writes one feedback page per submission, hundreds in a row, with
a new exporter each time (nbgrader makes one per GenerateFeedback run).
Two things of HTMLExporter are paid again for every page although they
give nothing here:

- after rendering, HTMLExporter parses the whole page with BeautifulSoup
  to give every image without an alt text a generic one and to make the
  cells of JupyterLab's templates focusable. The feedback page extends the
  classic template, which has no such cells; parsing and writing the page
  again was about 40 % of a page's time. :class:`FeedbackExporter` gives
  the images their alt text through the outputs' metadata instead, where
  the template reads it, and skips the parse.
- every new exporter compiles its Jinja templates again. The compiled
  templates are kept for the process (:data:`COMPILED_TEMPLATES`, Jinja's
  own bytecode cache, keyed by each template's name and source).

The page is otherwise the one HTMLExporter renders, from the same template
and filters: ``tests/autograder/feedback/test_exporter.py`` compares them.
Set as ``c.GenerateFeedback.exporter_class`` in the course's
nbgrader_config.py, so `nbgrader generate_feedback` uses it too.
"""

from __future__ import annotations

import copy
from typing import Any

import jinja2
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")

IMAGE_ALT = "A figure the notebook's code drew (no description was given)."
"""Alt text of an image output that has none of its own."""


class _Compiled(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory for the process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _Compiled()


def with_alt_texts(nb: NotebookNode) -> NotebookNode:
    """A copy of `nb` whose every image output without an alt text (in its
    own metadata or its cell's) gets IMAGE_ALT, where nbconvert's classic
    template reads it."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or cell.metadata.get("alt"):
            continue
        for output in cell.get("outputs", []):
            for mime in IMAGE_TYPES:
                if mime not in output.get("data", {}):
                    continue
                metadata = output.setdefault("metadata", NotebookNode())
                own = metadata.setdefault(mime, NotebookNode())
                if not own.get("alt"):
                    own["alt"] = IMAGE_ALT
    return nb


class FeedbackExporter(HTMLExporter):
    """HTMLExporter without its BeautifulSoup pass, with compiled templates
    kept for the process (see the module's docstring)."""

    def _create_environment(self) -> jinja2.Environment:
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # HTMLExporter.from_notebook_node up to its rendering (nbconvert 7).
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, with_alt_texts(nb), resources, **kw)
