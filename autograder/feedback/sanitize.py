"""Student-written HTML, made safe to show an instructor or a student.

A submitted markdown cell or output may hold ``<script>``, ``onerror=``,
``javascript:`` links or images that call home. The feedback page keeps
the document's structure (headings, paragraphs, lists, tables, code) and
drops everything that runs or loads something: only these tags and
attributes survive, links keep only http(s) and mailto targets, and images
only inline ``data:image/`` sources.
"""

from __future__ import annotations

import bleach
from bleach.css_sanitizer import CSSSanitizer

TAGS = frozenset(
    {
        *("p", "br", "hr", "div", "span", "blockquote", "pre", "code", "kbd", "samp"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
        *("a", "abbr", "b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "mark"),
        *("img", "details", "summary"),
    }
)

_GLOBAL_ATTRIBUTES = ("class", "id", "title", "align", "style")


def allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Whether `name`=`value` may stay on a `tag` (bleach's attribute callback)."""
    if name in _GLOBAL_ATTRIBUTES:
        return True
    if tag == "a" and name == "href":
        return value.lower().startswith(("http://", "https://", "mailto:", "#"))
    if tag == "img" and name == "src":
        return value.lower().startswith("data:image/")
    if tag == "img" and name in ("alt", "width", "height"):
        return True
    return tag in ("td", "th") and name in ("colspan", "rowspan")


CSS = CSSSanitizer(allowed_css_properties=["text-align", "color", "background-color"])

PROTOCOLS = ("http", "https", "mailto", "data")


def safe_html(fragment: str) -> str:
    """The fragment with every tag, attribute and URL outside the allowlist
    removed or escaped (text survives as text)."""
    return bleach.clean(
        str(fragment),
        tags=TAGS,
        attributes=allowed_attribute,
        protocols=PROTOCOLS,
        css_sanitizer=CSS,
        strip_comments=True,
    )
