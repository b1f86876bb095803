"""`course report`: what the class got wrong, as one self-contained HTML page."""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from autograder.apps.common import console, course_from
from autograder.apps.export import grade_rows
from autograder.coursedir import nbgrader_api
from autograder.grading.ledger import LEDGER_NAME

HELP = "write an HTML report of the class's results with plots"
EXAMPLE = """example:
  course report --to report.html
Shows, per assignment, the distribution of scores, the pass rate of every
hidden test and of every output it checks, and the most frequent failure
messages: what the class got wrong. Plots are embedded; the page needs no
network."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", type=Path, default=Path("report.html"), help="HTML file to write")


def load_results(results_dir: Path) -> list[dict]:
    """Every verdict record under course/results (one per graded notebook)."""
    records = []
    for path in sorted(Path(results_dir).glob("*/*/*.json")):
        if path.name == LEDGER_NAME:
            continue
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            console.print(f"[yellow]skipped unreadable result {path}: {error}[/yellow]")
    return records


def _figure_html(figure, alt: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _score_histogram(assignment: str, scores: list[float], max_score: float) -> str:
    figure, axes = plt.subplots(figsize=(6, 3))
    axes.hist(scores, bins=min(20, max(5, len(scores))), range=(0, max_score or 1))
    axes.set_xlabel(f"score (out of {max_score:g})")
    axes.set_ylabel("students")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{assignment}: scores")
    return _figure_html(
        figure, f"Histogram of the scores of {len(scores)} students in {assignment}"
    )


def _pass_rates(assignment: str, rates: dict[str, float]) -> str:
    names = list(rates)
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(names) + 1))
    axes.barh(names, [100 * rates[n] for n in names])
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.set_xlabel("% of submissions passing")
    axes.set_title(f"{assignment}: pass rate per test output")
    return _figure_html(figure, f"Pass rate of every tested output in {assignment}")


def build_report(rows: list[dict], records: list[dict]) -> str:
    """The report's HTML from the export rows and the verdict records."""
    by_assignment: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_assignment[record["assignment"]].append(record)
    parts = ["<h1>Course report</h1>"]
    for assignment in sorted({row["assignment"] for row in rows} | set(by_assignment)):
        graded = [r for r in rows if r["assignment"] == assignment and r["timestamp"] != ""]
        max_score = max((float(r["max_score"]) for r in graded), default=0.0)
        parts.append(f"<h2>{html.escape(assignment)}</h2>")
        if graded:
            scores = [float(r["score"]) for r in graded]
            parts.append(
                f"<p>{len(scores)} submissions; mean {sum(scores) / len(scores):.2f} "
                f"of {max_score:g}.</p>"
            )
            parts.append(_score_histogram(assignment, scores, max_score))
        else:
            parts.append("<p>No submission graded yet.</p>")
        passes: Counter = Counter()
        totals: Counter = Counter()
        failures: Counter = Counter()
        for record in by_assignment.get(assignment, []):
            for test in record["tests"]:
                for output, verdict in test["outputs"].items():
                    key = f"{test['function']}: {output}"
                    totals[key] += 1
                    passes[key] += verdict["passed"]
                    if not verdict["passed"]:
                        reason = verdict["problem"] or verdict["where"] or "wrong values"
                        failures[f"{key} — {reason}"] += 1
        if totals:
            parts.append(_pass_rates(assignment, {k: passes[k] / totals[k] for k in totals}))
            parts.append(
                "<h3>Most frequent failures</h3><table><tr><th>count</th><th>failure</th></tr>"
            )
            for message, count in failures.most_common(15):
                parts.append(f"<tr><td>{count}</td><td>{html.escape(message)}</td></tr>")
            parts.append("</table>")
    style = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto}td{padding:.2rem .6rem}"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Course report</title>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    api = nbgrader_api(course)
    _, rows = grade_rows(api.coursedir.db_url, api.coursedir.course_id)
    records = load_results(course.results)
    args.to.write_text(build_report(rows, records), encoding="utf-8")
    console.print(f"wrote {args.to} ({len(records)} graded notebooks)")
    return 0
