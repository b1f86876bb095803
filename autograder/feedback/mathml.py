"""TeX math in rendered markdown, turned into MathML when the page is made.

Browsers render MathML themselves, so a feedback page carries its formulas
with it: no MathJax, no CDN, no script. Used as the Jinja filter
``render_math`` after markdown has been converted and sanitized.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

_PROTECTED = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.DOTALL | re.IGNORECASE)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")
_TEXT = re.compile(r"\\text\{([^{}]*)\}")


def _to_mathml(tex: str, display: str) -> str:
    """MathML of one formula; the TeX itself, escaped, if it cannot be converted."""
    source = html.unescape(tex).strip()
    # latex2mathml keeps the backslash of an escaped underscore inside \text{}.
    source = _TEXT.sub(lambda m: "\\text{" + m.group(1).replace("\\_", "_") + "}", source)
    try:
        return convert(source, display=display)
    except Exception:  # latex2mathml rejects a few macros: show the formula as text
        return html.escape(f"${source}$")


def render_math(rendered: str) -> str:
    """Replace $$...$$ and $...$ in an HTML fragment by MathML, leaving code
    and preformatted blocks alone."""
    parts = _PROTECTED.split(rendered)
    for index in range(0, len(parts), 2):  # the even parts are outside code blocks
        text = _DISPLAY.sub(lambda m: _to_mathml(m.group(1), "block"), parts[index])
        parts[index] = _INLINE.sub(lambda m: _to_mathml(m.group(1), "inline"), text)
    return "".join(parts)


def grade_cell_title(grade_id: str) -> str:
    """The name of a grade cell in the summary: its function for a hidden
    test ("test_rnn_backward" -> "rnn_backward"), its id otherwise."""
    return grade_id.removeprefix("test_") if grade_id.startswith("test_") else grade_id
