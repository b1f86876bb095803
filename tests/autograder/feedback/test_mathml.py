"""Tests of the math rendered into feedback pages."""

from __future__ import annotations

from autograder.feedback.mathml import grade_cell_title, render_math


def test_inline_and_display_math_become_mathml():
    html = render_math(r"<p>$\hat y - \mathbf{1}_y$ and $$\sum_k S_k$$</p>")
    assert html.count("<math") == 2
    assert 'display="inline"' in html and 'display="block"' in html
    assert "$" not in html


def test_code_and_prices_are_left_alone():
    html = render_math(r"<p>costs $5 and $6</p><pre>x = $a$</pre><code>$b$</code>")
    assert "<math" not in html
    assert "$5 and $6" in html and "$a$" in html and "$b$" in html


def test_escaped_underscores_in_text_lose_their_backslash():
    assert "<mtext>rel_error</mtext>" in render_math(r"$$\text{rel\_error}(a, b)$$")


def test_grade_cells_are_named_by_their_function():
    assert grade_cell_title("test_rnn_backward") == "rnn_backward"
    assert grade_cell_title("written_cell_state") == "written_cell_state"
