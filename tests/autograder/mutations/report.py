"""The equivalent-mutant list and the mutation-testing report.

``equivalent.toml`` (beside this file) lists the mutants shown to compute
what the unmutated code computes, each with a one-line reason::

    [[equivalent]]
    file = "assignments/a1_softmax/a1_softmax.md"
    function = "rel_error"
    line = "if diff == 0.0:"
    operator = "core/ReplaceComparisonOperator_Eq_LtE"
    index = 0          # optional: which of that operator's mutations of the line
    reason = "diff is a maximum of absolute values, never negative"

Every other mutant that escapes on every seed is a hole in the hidden tests.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.autograder.mutations.session import Identity, Mutant

EQUIVALENT = Path(__file__).with_name("equivalent.toml")


def load_equivalent(path: Path = EQUIVALENT) -> dict[Identity, str]:
    """{identity: reason} of the checked-in list of equivalent mutants."""
    entries = tomllib.loads(path.read_text()).get("equivalent", [])
    found = {}
    for entry in entries:
        identity = Identity(
            entry["file"],
            entry["function"],
            entry["line"],
            entry["operator"],
            entry.get("index", 0),
        )
        if not entry.get("reason", "").strip():
            raise ValueError(f"equivalent mutant without a reason: {identity.key()}")
        if identity in found:
            raise ValueError(f"equivalent mutant listed twice: {identity.key()}")
        found[identity] = entry["reason"]
    return found


@dataclass
class Summary:
    """The figures of one run."""

    mutants: list[Mutant]
    equivalent: dict[Identity, str]
    seeds: int

    def of(self, outcome: str) -> list[Mutant]:
        return [m for m in self.mutants if m.outcome == outcome]

    @property
    def listed_equivalent(self) -> list[Mutant]:
        return [m for m in self.mutants if m.identity in self.equivalent]

    @property
    def killed(self) -> list[Mutant]:
        """Mutants caught on at least one seed (a timeout counts: the grader
        stops a cell that runs too long and gives it no points)."""
        return [
            m
            for m in self.mutants
            if m.outcome in ("killed", "timeout") and m.identity not in self.equivalent
        ]

    @property
    def holes(self) -> list[Mutant]:
        """Survivors not shown equivalent, and mutants the tool could not run."""
        return [
            m
            for m in self.mutants
            if m.outcome in ("survived", "incompetent") and m.identity not in self.equivalent
        ]

    @property
    def score(self) -> float:
        scored = len(self.mutants) - len(self.listed_equivalent)
        return len(self.killed) / scored if scored else 1.0

    def escape_rate(self, mutant: Mutant) -> float:
        return mutant.escaped / mutant.seeds if mutant.seeds else 0.0

    @property
    def escaping(self) -> list[Mutant]:
        """Killed mutants that escaped on some seeds, the most often first."""
        return sorted((m for m in self.killed if m.escaped), key=self.escape_rate, reverse=True)

    @property
    def worst_escape(self) -> Mutant | None:
        return self.escaping[0] if self.escaping else None


def _escape_line(summary: Summary) -> str:
    worst = summary.worst_escape
    if worst is None:
        return "0 (every killed mutant was caught on every seed)"
    return (
        f"{summary.escape_rate(worst):.3f} ({worst.escaped} of {worst.seeds} seeds: "
        f"`{worst.identity.key()}`)"
    )


def _hole_line(mutant: Mutant) -> str:
    return f"{mutant.outcome}; tests run: {', '.join(mutant.tests) or 'none'} {mutant.error}"


def _escape_count(mutant: Mutant) -> str:
    return f"escaped on {mutant.escaped} of {mutant.seeds} seeds"


def _changed_lines(diff: str) -> str:
    """The -/+ lines of a cosmic-ray diff (its file headers say nothing)."""
    kept = [
        line
        for line in diff.splitlines()
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    ]
    return "\n".join(kept)


def render(summary: Summary, wall_seconds: float | None = None, notes=()) -> str:
    """The report, as Markdown; `notes`: sentences on the seeds used."""
    mutants = summary.mutants
    lines = [
        "# Mutation testing of the hidden tests",
        "",
        "Mutants of the instructor's solution regions (assignments/*/*.md), made by "
        "cosmic-ray and graded by the hidden tests of every function they can affect.",
        "",
        f"- seeds per mutant: {summary.seeds}",
        f"- mutants: {len(mutants)}",
        f"- killed: {len(summary.killed)} (of which timed out: {len(summary.of('timeout'))})",
        f"- equivalent (listed in equivalent.toml): {len(summary.listed_equivalent)} "
        f"(list size {len(summary.equivalent)})",
        f"- holes (survivors not shown equivalent, or not run): {len(summary.holes)}",
        f"- mutation score killed / (total - equivalent): {summary.score:.4f}",
        f"- worst escape rate over seeds among killed mutants: {_escape_line(summary)}",
        f"- killed mutants that escaped on some seed: {len(summary.escaping)}",
    ]
    if wall_seconds is not None:
        lines.append(f"- wall time: {wall_seconds / 60:.1f} min")
    lines += [f"- {note}" for note in notes]
    lines += [
        "",
        "## Per function",
        "",
        "| file | function | mutants | killed | equivalent | holes |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    groups = Counter((m.identity.file, m.identity.function) for m in mutants)
    killed = Counter((m.identity.file, m.identity.function) for m in summary.killed)
    equivalent = Counter((m.identity.file, m.identity.function) for m in summary.listed_equivalent)
    holes = Counter((m.identity.file, m.identity.function) for m in summary.holes)
    for key in sorted(groups):
        lines.append(
            f"| {key[0]} | {key[1]} | {groups[key]} | {killed[key]} | {equivalent[key]} "
            f"| {holes[key]} |"
        )
    sections = (
        ("Holes", summary.holes, _hole_line),
        ("Killed mutants that escaped on some seeds", summary.escaping, _escape_count),
    )
    for title, mutants, describe in sections:
        if mutants:
            lines += ["", f"## {title}", ""]
            for mutant in mutants:
                lines += [f"- `{mutant.identity.key()}`: {describe(mutant)}", "", "```diff"]
                lines += [_changed_lines(mutant.diff), "```", ""]
    if summary.listed_equivalent:
        lines += ["", "## Equivalent mutants", ""]
        for mutant in summary.listed_equivalent:
            status = "" if mutant.outcome == "survived" else f" (but it was {mutant.outcome}!)"
            lines.append(
                f"- `{mutant.identity.key()}`{status}: {summary.equivalent[mutant.identity]}"
            )
    return "\n".join(lines) + "\n"
