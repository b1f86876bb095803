"""The HTML page of ``course similarity``: the reported pairs, and each pair
side by side, function by function, with the lines they share marked.

The page is self-contained (no script, no style sheet or font from
elsewhere) and escapes everything students wrote.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from autograder.integrity.similarity import HELPERS, Pair, Submission

STYLE = """
body { font-family: sans-serif; max-width: 90rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; }
td, th { padding: .25rem .6rem; vertical-align: top; text-align: left; }
table.pairs td, table.pairs th { border-bottom: 1px solid #ccc; }
table.side { width: 100%; table-layout: fixed; margin-bottom: 1.5rem; }
table.side td { width: 50%; border: 1px solid #ccc; }
pre { margin: 0; font-size: .8rem; white-space: pre-wrap; }
.line { display: block; }
.shared { background: #ffe08a; }
.muted { color: #666; }
"""

CLOSEST_SHOWN = 10
"""Pairs below the threshold listed for comparison (the closest ones)."""


def _code(source: str, marked: set[int]) -> str:
    """A function's source, lines in `marked` (1-based) highlighted."""
    lines = []
    for number, line in enumerate(source.splitlines(), 1):
        kind = "line shared" if number in marked else "line"
        lines.append(f'<span class="{kind}">{html.escape(line) or " "}</span>')
    return "<pre>" + "".join(lines) + "</pre>"


def _side_by_side(pair: Pair, first: Submission, second: Submission) -> str:
    parts = [
        f'<h3 id="{html.escape(_anchor(pair))}">{html.escape(pair.first)} and '
        f"{html.escape(pair.second)}: similarity {pair.score:.2f}</h3>"
    ]
    labels = sorted(first.functions.keys() | second.functions.keys(), key=_label_order)
    for label in labels:
        a, b = first.functions.get(label), second.functions.get(label)
        shared = set(a.prints) & set(b.prints) if a and b else set()
        a_lines = set().union(*(a.prints[h] for h in shared)) if shared else set()
        b_lines = set().union(*(b.prints[h] for h in shared)) if shared else set()
        score = pair.per_function.get(label)
        title = html.escape(label) + (f" ({score:.2f})" if score is not None else "")
        missing = '<p class="muted">not defined</p>'
        parts.append(
            f"<h4>{title}</h4><table class='side'><tr>"
            f"<td>{_code(a.source, a_lines) if a else missing}</td>"
            f"<td>{_code(b.source, b_lines) if b else missing}</td></tr></table>"
        )
    return "".join(parts)


def _label_order(label: str) -> tuple[int, str]:
    return (label == HELPERS, label)


def _anchor(pair: Pair) -> str:
    return f"pair-{pair.first}-{pair.second}"


def _pair_rows(pairs: list[Pair], link: bool) -> str:
    rows = []
    for pair in pairs:
        names = f"{html.escape(pair.first)} and {html.escape(pair.second)}"
        if link:
            names = f'<a href="#{html.escape(_anchor(pair))}">{names}</a>'
        functions = ", ".join(
            f"{html.escape(label)} {score:.2f}" for label, score in pair.per_function.items()
        )
        rows.append(
            f"<tr><td>{pair.score:.2f}</td><td>{names}</td><td>{pair.shared}</td>"
            f"<td class='muted'>{functions}</td></tr>"
        )
    columns = ("similarity", "pair", "shared fingerprints", "per function")
    header = "".join(f"<th>{name}</th>" for name in columns)
    return f"<table class='pairs'><tr>{header}</tr>{''.join(rows)}</table>"


def build_report(
    assignment: str,
    submissions: list[Submission],
    pairs: list[Pair],
    threshold: float,
    unreadable: Mapping[str, str],
) -> str:
    """The report's HTML. `pairs` are all pairs, most similar first; those
    at or above `threshold` are reported and shown side by side."""
    by_student = {s.student: s for s in submissions}
    reported = [p for p in pairs if p.score >= threshold]
    closest = [p for p in pairs if p.score < threshold][:CLOSEST_SHOWN]
    title = f"Similar submissions of {html.escape(assignment)}"
    parts = [
        f"<h1>{title}</h1>",
        f"<p>{len(submissions)} submissions, {len(pairs)} pairs; reported: similarity at "
        f"least {threshold:.2f} (the share of fingerprints two submissions have in common, "
        "after names, constants, comments, spacing, the order of independent statements and "
        "the code given in the release are taken out). Lines that share a fingerprint are "
        "marked.</p>",
        "<h2>Reported pairs</h2>",
        _pair_rows(reported, link=True) if reported else "<p>None.</p>",
    ]
    if closest:
        parts += ["<h2>Closest pairs below the threshold</h2>", _pair_rows(closest, link=False)]
    if unreadable:
        items = "".join(
            f"<li>{html.escape(student)}: {html.escape(reason)}</li>"
            for student, reason in sorted(unreadable.items())
        )
        parts += ["<h2>Not compared (unreadable)</h2>", f"<ul>{items}</ul>"]
    if reported:
        parts.append("<h2>Side by side</h2>")
        parts += [_side_by_side(p, by_student[p.first], by_student[p.second]) for p in reported]
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )
