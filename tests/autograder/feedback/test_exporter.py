"""The feedback exporter renders the page HTMLExporter renders, without its
second parse, and gives every figure an alt text."""

from __future__ import annotations

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory

from autograder.coursedir import DEFAULT_COURSE_DIR, Course, load_config
from autograder.feedback.exporter import (
    COMPILED_TEMPLATES,
    IMAGE_ALT,
    FeedbackExporter,
    with_alt_texts,
)

PIXEL = base64.b64encode(bytes.fromhex("89504e470d0a1a0a")).decode()
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'


@pytest.fixture(scope="module")
def feedback_config():
    """The configuration GenerateFeedback gives its exporter in the course."""
    config = load_config(Course(DEFAULT_COURSE_DIR))
    return GenerateFeedback(coursedir=CourseDirectory(config=config), config=config).config


def _notebook():
    figure = new_code_cell(
        "plot()", outputs=[new_output("display_data", data={"image/png": PIXEL})]
    )
    described = new_code_cell(
        "plot()",
        outputs=[
            new_output(
                "display_data",
                data={"image/png": PIXEL},
                metadata={"image/png": {"alt": "The loss falls."}},
            )
        ],
    )
    drawing = new_code_cell(
        "draw()", outputs=[new_output("display_data", data={"image/svg+xml": SVG})]
    )
    graded = new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="hi\n")])
    graded.metadata.nbgrader = {
        "grade": True, "solution": False, "grade_id": "test_softmax", "points": 2,
        "score": 1.0, "schema_version": 3,
    }  # fmt: skip
    return new_notebook(
        cells=[
            new_markdown_cell("# Softmax\n\nThe loss is $-\\log p_y$."),
            *(figure, described, drawing, graded),
        ],
        metadata={"language_info": {"name": "python"}},
    )


def _resources():
    return {"nbgrader": {"notebook": "a1", "score": 1.0, "max_score": 2.0, "late_penalty": 0}}


def _page(exporter_class, config) -> BeautifulSoup:
    html, _ = exporter_class(config=config).from_notebook_node(_notebook(), _resources())
    return BeautifulSoup(html, "html.parser")


def test_the_page_is_the_one_html_exporter_renders(feedback_config):
    ours, theirs = _page(FeedbackExporter, feedback_config), _page(HTMLExporter, feedback_config)
    assert ours.get_text() == theirs.get_text()
    assert "Softmax" in ours.get_text() and "hi" in ours.get_text()
    assert ours.find("math") is not None  # the feedback template rendered it
    assert [img["src"][:20] for img in ours.find_all("img")] == [
        img["src"][:20] for img in theirs.find_all("img")
    ]
    assert len(ours.find_all("img")) == 3


def test_every_figure_has_an_alt_text_and_its_own_is_kept(feedback_config):
    alts = [img.get("alt") for img in _page(FeedbackExporter, feedback_config).find_all("img")]
    assert alts == [IMAGE_ALT, "The loss falls.", IMAGE_ALT]


def test_the_notebook_itself_is_not_changed():
    notebook = _notebook()
    before = nbformat.writes(notebook)
    with_alt_texts(notebook)
    assert nbformat.writes(notebook) == before


def test_compiled_templates_serve_the_next_exporter(feedback_config):
    notebook = _notebook()
    first = FeedbackExporter(config=feedback_config).from_notebook_node(notebook, _resources())
    compiled = dict(COMPILED_TEMPLATES._code)
    assert compiled  # the first exporter's templates
    second = FeedbackExporter(config=feedback_config).from_notebook_node(notebook, _resources())
    assert second[0] == first[0]
    assert COMPILED_TEMPLATES._code == compiled  # nothing compiled again
