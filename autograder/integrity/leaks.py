"""Search student-facing code for the graded solutions, statement by statement.

Every revealing statement of a graded solution (see
``normalize.revealing_features``) is a pattern. It is looked for in a
document (a page, a page source, a notebook, a script) both as a whole
statement and as an expression anywhere (a dictionary entry, an argument,
a line of inline code in the prose). Names match under renaming: the
pattern's names are *bound* to the document's names (or to a time slice
such as ``x[:, t]``), and the statements of one function that a document
shows count together only if they bind the same names the same way. So a
solution renamed, split across cells, reordered or respelled is found as
one group, while the same operators scattered over unrelated code are not.

Two rules keep column-form math from looking like row-form code:

- the parameters of the course (``U``, ``W``, ``b``, ``V``, ``c``: the
  arguments the graded functions return a gradient for and that have no
  batch axis) keep their meaning: a name of the document that is a
  parameter can only stand for the same parameter. Without it,
  ``W.T @ delta`` (the book's column form of dh_prev) would match
  ``da.T @ h_prev`` (the row form of dW) with ``da`` bound to ``W``;
- a group counts (is a :class:`Finding`) only when its statements carry
  enough revealing operations: at least ``GROUP_WEIGHT`` of them, or all of
  the function's when it has fewer, or one statement as large as the LSTM's
  gate concatenation (``LARGE_STATEMENT`` nodes).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from autograder.course_checks.specs import SPECS
from autograder.integrity.artifacts import Document
from autograder.integrity.graded import GradedSolution
from autograder.integrity.normalize import (
    COMMUTATIVE,
    Form,
    Statement,
    code_statements,
    render,
    revealing_features,
    shape_key,
    size,
    subforms,
)

GROUP_WEIGHT = 4
"""Revealing operations a group of statements needs to count as a leak:
two weight gradients (a product and a transpose each), or a weight
gradient, a bias sum and an input gradient."""

LARGE_STATEMENT = 24
"""A revealing statement of this many nodes is a leak on its own: the LSTM's
concatenation of the four gate gradients has 37, the carry of a backward
loop over time 24 to 26; a weight gradient (``v0.T @ v1``) has 6."""

SEARCH_BUDGET = 200_000
"""Steps of the group search per document and function; past it the best
group found so far is kept (it is never reached on the course's pages)."""


def course_parameters() -> frozenset[str]:
    """Names of the parameters: arguments that a graded function returns a
    gradient for and that have no batch axis N in its main layout (shared
    by the whole batch), like U, W, b, V and c."""
    found = set()
    for spec in SPECS.values():
        axes = spec.layouts[0].axes
        for output in spec.outputs:
            if output.is_gradient and output.of and axes.get(output.of):
                if "N" not in axes[output.of]:
                    found.add(output.of)
    return frozenset(found)


@dataclass(frozen=True)
class Pattern:
    """One revealing statement of a graded solution, to be searched for."""

    assignment: str
    function: str
    statement: Statement
    weight: int
    features: tuple[str, ...]

    @property
    def normalised(self) -> str:
        return render(self.statement.form)

    @property
    def shape(self) -> str:
        """The statement with its names blanked: patterns of one shape
        (``dU = da.T @ x`` and ``dW = da.T @ h_prev``) are one kind."""
        value = self.statement.value
        return shape_key(value if value is not None else self.statement.form)

    @property
    def large(self) -> bool:
        return size(self.statement.form) >= LARGE_STATEMENT


def _alike(pattern: Form, statements: Iterable[Statement]) -> bool:
    return any(
        next(unify(pattern, st.form, {}, frozenset()), None) is not None for st in statements
    )


def patterns_of(
    solutions: Iterable[GradedSolution], given: Iterable[Statement] = ()
) -> list[Pattern]:
    """The statements to search for: every statement of a graded solution
    that has a revealing feature, except those the release itself shows
    (`given`: signatures, docstrings, visible checks)."""
    given = list(given)
    found = []
    for solution in solutions:
        for statement in solution.statements:
            features = revealing_features(statement)
            if not features or _alike(statement.form, given):
                continue
            found.append(
                Pattern(
                    solution.assignment,
                    solution.function,
                    statement,
                    sum(features.values()),
                    tuple(sorted(features)),
                )
            )
    return found


# --------------------------------------------------------------------------
# Matching one form against another under a renaming


Binding = dict[str, str]


def _is_name_like_index(index: Form) -> bool:
    """An index that picks a named part of an array without changing what
    kind of thing it is: a string key (``params["U"]``) or a slice that
    keeps the batch axis (``x[:, t]``, ``h[..., 0]``)."""
    if index[0] == "const":
        return isinstance(index[1], str)
    if index[0] == "seq" and len(index) > 1:
        first = index[1]
        return first == ("slice", None, None, None) or first == ("const", Ellipsis)
    return False


def _leaf_key(target: Form) -> tuple[str, str] | None:
    """What a pattern name may stand for in the target: a name, one of its
    attributes, or a named part of it (see _is_name_like_index). Returns
    (base name, key) or None. Other indexed forms (``h_at[t - 1]``,
    ``W_gate[k]``) are one example or one block, not a batch: they do not
    stand for a name of the row-form solution."""
    node = target
    while node[0] in ("sub", "attr"):
        if node[0] == "sub" and not _is_name_like_index(node[2]):
            return None
        node = node[1]
    if node[0] != "var":
        return None
    return node[1], node[1] if target is node else render(target, names={})


def unify(
    pattern: Form, target: Form, binding: Binding, parameters: frozenset[str]
) -> Iterator[Binding]:
    """Every extension of `binding` (pattern name -> target key) under
    which `pattern` and `target` are the same code. The binding is one to
    one, and a target name in `parameters` only binds the same name."""
    if isinstance(pattern, tuple) and pattern and pattern[0] == "var":
        if not isinstance(target, tuple) and isinstance(target, str):
            leaf = (target, target)  # a called name: bound like a variable
        else:
            leaf = _leaf_key(target) if isinstance(target, tuple) else None
        if leaf is None:
            return
        base, key = leaf
        name = pattern[1]
        if base in parameters and (name != base or key != base):
            return
        if binding.get(name, key) != key:
            return
        if name not in binding and key in binding.values():
            return
        yield {**binding, name: key}
        return
    if not isinstance(pattern, tuple) or not isinstance(target, tuple):
        if pattern == target:
            yield binding
        return
    if len(pattern) != len(target) or pattern[:1] != target[:1]:
        return
    if pattern[0] in COMMUTATIVE:
        seen = set()
        for order in _orders(target[1:]):
            for extended in _unify_all(pattern[1:], order, binding, parameters):
                key = tuple(sorted(extended.items()))
                if key not in seen:
                    seen.add(key)
                    yield extended
        return
    yield from _unify_all(pattern[1:], target[1:], binding, parameters)


def _orders(children: tuple) -> Iterator[tuple]:
    yield from itertools.islice(itertools.permutations(children), 720)


def _unify_all(
    patterns: tuple, targets: tuple, binding: Binding, parameters: frozenset[str]
) -> Iterator[Binding]:
    if not patterns:
        yield binding
        return
    for extended in unify(patterns[0], targets[0], binding, parameters):
        yield from _unify_all(patterns[1:], targets[1:], extended, parameters)


# --------------------------------------------------------------------------
# Searching a document


@dataclass(frozen=True)
class Match:
    """One pattern found in a document.

    pattern: what was found. binding: pattern name -> the document's.
    matched: the document's code that matched, in normal form with the
    document's names. source: the statement that holds it, as written.
    where: which snippet of the document (e.g. "code block 12").
    site: (snippet, statement, expression) indices, so that one piece of
    the document serves one pattern only.
    """

    pattern: Pattern
    binding: tuple[tuple[str, str], ...]
    matched: str
    source: str
    where: str
    site: tuple[int, int, int]


@dataclass(frozen=True)
class Finding:
    """A graded function whose solution a document shows."""

    document: str
    assignment: str
    function: str
    matches: tuple[Match, ...]

    @property
    def weight(self) -> int:
        return sum(m.pattern.weight for m in self.matches)

    def lines(self) -> list[str]:
        """One line per statement found: document, function, the
        normalised graded statement, the document's code that matched it
        and the statement that holds that code."""
        return [
            f"{self.document} [{m.where}]: {self.function}: {m.pattern.normalised}"
            f"  <-  {m.matched}" + (f"  (in: {m.source})" if m.source != m.matched else "")
            for m in self.matches
        ]


@dataclass
class _Indexed:
    """A document's statements with every expression indexed by its kind
    and arity, so a pattern is only compared with forms of its shape."""

    statements: list[tuple[int, int, Statement, str]] = field(default_factory=list)
    by_shape: dict[tuple, list[tuple[int, int, int, Form]]] = field(default_factory=dict)
    value_index: dict[tuple[int, int], int] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Document) -> _Indexed:
        indexed = cls()
        for s_index, snippet in enumerate(document.snippets):
            for st_index, statement in enumerate(code_statements(snippet.text)):
                indexed.statements.append((s_index, st_index, statement, snippet.where))
                for e_index, form in enumerate(subforms(statement.form)):
                    key = (form[0], len(form))
                    indexed.by_shape.setdefault(key, []).append((s_index, st_index, e_index, form))
                    if form is statement.value:
                        indexed.value_index.setdefault((s_index, st_index), e_index)
        return indexed


def _matches(
    pattern: Pattern, indexed: _Indexed, parameters: frozenset[str], where_of: dict
) -> list[Match]:
    """Every place where `pattern` occurs in the document: as a statement,
    or its value as an expression, under some renaming."""
    forms = [pattern.statement.form]
    value = pattern.statement.value
    if value is not None and isinstance(value, tuple):
        forms.append(value)
    found: dict[tuple, Match] = {}
    for form in forms:
        for s_index, st_index, e_index, target in indexed.by_shape.get((form[0], len(form)), []):
            if e_index == 0:
                # A whole statement takes the same place as its value: the
                # two matches are one occurrence.
                e_index = indexed.value_index.get((s_index, st_index), 0)
            for binding in unify(form, target, {}, parameters):
                key = (s_index, st_index, e_index, tuple(sorted(binding.items())))
                if key in found:
                    continue
                statement, where = where_of[(s_index, st_index)]
                found[key] = Match(
                    pattern,
                    key[3],
                    render(target, names={}),
                    statement.source,
                    where,
                    (s_index, st_index, e_index),
                )
    return list(found.values())


def _best_group(options: list[list[Match]]) -> list[Match]:
    """The heaviest set of matches, at most one per pattern, whose bindings
    agree (one document name per pattern name and the reverse) and that
    use each place of the document once: branch and bound. Between groups
    of equal weight, the one with more kinds of statement wins."""
    order = sorted(range(len(options)), key=lambda i: -options[i][0].pattern.weight)
    options = [options[i] for i in order]
    remaining = [0] * (len(options) + 1)
    for i in range(len(options) - 1, -1, -1):
        remaining[i] = remaining[i + 1] + 10 * options[i][0].pattern.weight + 1
    best: list[Match] = []
    best_score = 0
    steps = 0

    def score(chosen: list[Match]) -> int:
        return 10 * sum(m.pattern.weight for m in chosen) + len({m.pattern.shape for m in chosen})

    def extend(i: int, forward: dict, backward: dict, chosen: list[Match]):
        nonlocal best, best_score, steps
        steps += 1
        current = score(chosen)
        if current > best_score:
            best, best_score = list(chosen), current
        if i == len(options) or current + remaining[i] <= best_score or steps > SEARCH_BUDGET:
            return
        used = {m.site for m in chosen}
        for match in options[i]:
            if match.site in used:
                continue
            if any(forward.get(a, b) != b or backward.get(b, a) != a for a, b in match.binding):
                continue
            chosen.append(match)
            extend(
                i + 1,
                {**forward, **dict(match.binding)},
                {**backward, **{b: a for a, b in match.binding}},
                chosen,
            )
            chosen.pop()
        extend(i + 1, forward, backward, chosen)

    extend(0, {}, {}, [])
    return best


def _agrees(match: Match, group: list[Match]) -> bool:
    """Whether a match binds names as the group does (one to one)."""
    forward = {a: b for m in group for a, b in m.binding}
    backward = {b: a for a, b in forward.items()}
    return all(forward.get(a, b) == b and backward.get(b, a) == a for a, b in match.binding)


def _counts(group: list[Match], needed: int, kinds_needed: int) -> bool:
    """Whether a group of matches is a leak: one statement that is large or
    reveals enough on its own, or enough revealing operations spread over
    enough different kinds of statement (two
    copies of ``v0.T @ v1`` are as likely a column-form Jacobian product
    applied twice as the two row-form weight gradients)."""
    if any(m.pattern.large or m.pattern.weight >= needed for m in group):
        return True
    weight = sum(m.pattern.weight for m in group)
    return weight >= needed and len({m.pattern.shape for m in group}) >= kinds_needed


def search_document(
    document: Document, patterns: list[Pattern], parameters: frozenset[str] | None = None
) -> list[Finding]:
    """The graded functions whose solutions `document` shows (see the
    module's docstring for what counts)."""
    parameters = course_parameters() if parameters is None else parameters
    indexed = _Indexed.of(document)
    where_of = {(s, st): (statement, where) for s, st, statement, where in indexed.statements}
    by_function: dict[tuple[str, str], list[Pattern]] = {}
    for pattern in patterns:
        by_function.setdefault((pattern.assignment, pattern.function), []).append(pattern)
    findings = []
    for (assignment, function), own in by_function.items():
        options = [m for m in (_matches(p, indexed, parameters, where_of) for p in own) if m]
        needed = min(GROUP_WEIGHT, sum(p.weight for p in own))
        kinds_needed = min(2, len({p.shape for p in own}))
        found: list[Match] = []
        groups: list[list[Match]] = []
        # Every occurrence, not only the best: once a group is recorded its
        # places are taken out and the search runs again on the rest.
        while options:
            group = _best_group(options)
            if not _counts(group, needed, kinds_needed):
                break
            groups.append(group)
            found.extend(group)
            taken = {m.site for m in group}
            options = [
                kept for kept in ([m for m in o if m.site not in taken] for o in options) if kept
            ]
        # What is left and names things as a recorded group does is one more
        # occurrence of that group's code (a statement shown twice).
        for match in (m for o in options for m in o):
            if match.site not in {m.site for m in found} and any(
                _agrees(match, group) for group in groups
            ):
                found.append(match)
        if found:
            found.sort(key=lambda m: m.site)
            findings.append(Finding(document.name, assignment, function, tuple(found)))
    return findings


def search(documents: Iterable[Document], patterns: list[Pattern]) -> list[Finding]:
    """Findings of every document, in document order."""
    parameters = course_parameters()
    return [f for doc in documents for f in search_document(doc, patterns, parameters)]
