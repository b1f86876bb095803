"""Student-written HTML for the formgrader's page: the feedback page's
allowlist (autograder/feedback/sanitize.py), without ``id``, ``class`` and
``name`` attributes.

The formgrader's page is a live application: its scripts find the score
box and comment of each cell by element id (``#written_cell_state``) and
its buttons by class. A student element carrying one of those ids or
classes could take the instructor's input away from the real box, or
dress text up as a button; on a static feedback page the same attributes
are harmless.
"""

from __future__ import annotations

import bleach

from autograder.feedback import sanitize as feedback

PAGE_ATTRIBUTES = frozenset({"id", "class", "name"})


def _allowed(tag: str, name: str, value: str) -> bool:
    return name not in PAGE_ATTRIBUTES and feedback.allowed_attribute(tag, name, value)


def formgrade_html(fragment: str) -> str:
    """The fragment with every tag, attribute and URL outside the allowlist
    removed or escaped (text survives as text)."""
    return bleach.clean(
        str(fragment),
        tags=feedback.TAGS,
        attributes=_allowed,
        protocols=feedback.PROTOCOLS,
        css_sanitizer=feedback.CSS,
        strip_comments=True,
    )
