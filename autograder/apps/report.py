"""`course report`: what the class got wrong, as one self-contained HTML page.

The numbers come from two places: the scores from `course export`'s rows
(so the report and the CSV never disagree), the per-output verdicts from
the records the grader files under results/. The page is rendered from
templates/report.html.j2 with autoescaping: failure messages quote what
students' code returned and must stay text.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from jinja2 import Environment, PackageLoader, StrictUndefined
from matplotlib.ticker import MaxNLocator

from autograder.apps.common import console, course_from
from autograder.apps.export import SUBMITTED, grade_rows
from autograder.coursedir import Course
from autograder.deadlines.lateness import lateness

HELP = "write an HTML report of the class's results with plots"
EXAMPLE = """example:
  course report --to report.html
Shows, per assignment, the distribution of scores, who was late (by how
much, with what penalty) or has no known submission time, the pass rate of
every hidden test and of every output it checks, and the most frequent
failure messages: what the class got wrong. Plots are embedded; the page
needs no network."""

MOST_FREQUENT = 15
"""Failure messages listed per assignment."""

TEMPLATES = Environment(
    loader=PackageLoader("autograder.apps"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Lateness(NamedTuple):
    """One submission that was late or has no known time."""

    student: str
    submitted: str
    state: str
    penalty: str


class Plot(NamedTuple):
    """A PNG embedded as a data URI, with its alternative text."""

    src: str
    alt: str


@dataclass(frozen=True)
class AssignmentReport:
    """What the page shows of one assignment."""

    name: str
    scores: list[float]
    max_score: float
    histogram: Plot | None
    pass_rates: Plot | None
    failures: list[tuple[int, str]]
    """(count, message), most frequent first."""
    due: str = ""
    """The due date (UTC), "" when the assignment has none."""
    on_time: int = 0
    late: list[Lateness] = ()
    """Late submissions and submissions without a time, by student."""

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", type=Path, default=Path("report.html"), help="HTML file to write")


def load_results(course: Course) -> list[dict]:
    """Every verdict record under the course's results/ (one per graded
    notebook); a file that cannot be read or is not a record is skipped
    with a warning that says why."""
    records = []
    for path in course.result_records():
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            console.print(f"[yellow]skipped unreadable result {path}: {error}[/yellow]")
            continue
        problem = _record_problem(record)
        if problem:
            console.print(f"[yellow]skipped result {path}: {problem}[/yellow]")
            continue
        records.append(record)
    return records


def _record_problem(record) -> str:
    """What makes `record` unusable as a verdict record, or ''."""
    expected = 'expected {"assignment": str, "tests": [{"function", "outputs": {...}}]}'
    if not isinstance(record, dict) or not isinstance(record.get("assignment"), str):
        return f"no assignment name ({expected})"
    tests = record.get("tests")
    if not isinstance(tests, list) or not all(
        isinstance(t, dict) and "function" in t and isinstance(t.get("outputs"), dict)
        for t in tests
    ):
        return f"its tests are not a list of verdicts ({expected})"
    return ""


def summarize(rows: list[dict], records: list[dict]) -> list[AssignmentReport]:
    """Per assignment, from the export rows and the verdict records."""
    by_assignment: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_assignment[record["assignment"]].append(record)
    reports = []
    for name in sorted({row["assignment"] for row in rows} | set(by_assignment)):
        graded = [r for r in rows if r["assignment"] == name and r[SUBMITTED]]
        scores = [float(r["score"]) for r in graded]
        max_score = max((float(r["max_score"]) for r in graded), default=0.0)
        rates, failures = _verdict_counts(by_assignment.get(name, []))
        states = [_lateness(row) for row in graded]
        reports.append(
            AssignmentReport(
                name=name,
                scores=scores,
                max_score=max_score,
                histogram=_score_histogram(name, scores, max_score) if scores else None,
                pass_rates=_pass_rates(name, rates) if rates else None,
                failures=[(c, m) for m, c in failures.most_common(MOST_FREQUENT)],
                due=next((r.get("duedate", "") for r in graded if r.get("duedate")), ""),
                on_time=sum(state.state == "on time" for state in states),
                late=sorted(s for s in states if s.state not in ("on time", "no due date")),
            )
        )
    return reports


def _lateness(row: dict) -> Lateness:
    """The lateness of one submitted row of the export (its times are UTC)."""
    due = datetime.fromisoformat(row["duedate"]) if row.get("duedate") else None
    submitted = datetime.fromisoformat(row["timestamp"]) if row.get("timestamp") else None
    penalty = float(row.get("late_submission_penalty") or 0)
    return Lateness(
        row["student_id"], row.get("timestamp", "")[:19], lateness(due, submitted), f"{penalty:g}"
    )


def _verdict_counts(records: list[dict]) -> tuple[dict[str, float], Counter]:
    """({"function: output": pass rate}, Counter of failure messages)."""
    passes: Counter = Counter()
    totals: Counter = Counter()
    failures: Counter = Counter()
    for record in records:
        for test in record["tests"]:
            for output, verdict in test["outputs"].items():
                key = f"{test['function']}: {output}"
                totals[key] += 1
                passes[key] += bool(verdict.get("passed"))
                if not verdict.get("passed"):
                    reason = verdict.get("problem") or verdict.get("where") or "wrong values"
                    failures[f"{key} — {reason}"] += 1
    return {key: passes[key] / totals[key] for key in totals}, failures


def _plot(figure, alt: str) -> Plot:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Plot(f"data:image/png;base64,{data}", alt)


def _score_histogram(assignment: str, scores: list[float], max_score: float) -> Plot:
    figure, axes = plt.subplots(figsize=(6, 3))
    axes.hist(scores, bins=min(20, max(5, len(scores))), range=(0, max_score or 1))
    axes.set_xlabel(f"score (out of {max_score:g})")
    axes.set_ylabel("students")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{assignment}: scores")
    return _plot(figure, f"Histogram of the scores of {len(scores)} students in {assignment}")


def _pass_rates(assignment: str, rates: dict[str, float]) -> Plot:
    names = list(rates)
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(names) + 1))
    axes.barh(names, [100 * rates[n] for n in names])
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.set_xlabel("% of submissions passing")
    axes.set_title(f"{assignment}: pass rate per test output")
    return _plot(figure, f"Pass rate of every tested output in {assignment}")


def build_report(rows: list[dict], records: list[dict]) -> str:
    """The report's HTML from the export rows and the verdict records."""
    template = TEMPLATES.get_template("report.html.j2")
    return template.render(assignments=summarize(rows, records))


def run(args: argparse.Namespace) -> int:
    course = course_from(args)
    records = load_results(course)
    args.to.write_text(build_report(grade_rows(course), records), encoding="utf-8")
    console.print(f"wrote {args.to} ({len(records)} graded notebooks)")
    return 0
