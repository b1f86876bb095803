"""Near-identical solution code among submissions, by winnowed fingerprints.

Each function a student defines is turned into a sequence of tokens that
no disguise changes:

1. parsed, docstrings and comments dropped (spacing never counts);
2. its statements put in a canonical order: a statement moves ahead of
   another when neither reads what the other writes, ordered by their
   shape (``normalize.shape_key``), so reordering independent statements
   changes nothing;
3. respelled by ``normalize`` (``np.dot`` and ``@``, ``.sum(0)`` and
   ``np.sum(.., axis=0)``, einsum, order of terms...);
4. its names numbered in order of first use (``v0``, ``v1``...) and its
   constants replaced by one token;
5. statements that the signature forces (returning names, raising
   NotImplementedError) left out.

The token sequence is cut into k-grams, hashed, and winnowed (Schleimer,
Wilkerson and Aiken, SIGMOD 2003, the method behind MOSS): in every window
of ``WINDOW`` consecutive k-gram hashes the smallest is kept. Every shared
run of at least ``K_GRAM + WINDOW - 1`` tokens leaves a shared fingerprint.
Fingerprints that also occur in the released notebook (the code every
student was given) are removed. Two submissions are compared by the
Jaccard similarity of their fingerprint sets (each fingerprint labelled
with the function it comes from).
"""

from __future__ import annotations

import ast
import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from autograder.course_checks.specs import SPECS
from autograder.integrity.normalize import (
    Statement,
    parse_code,
    statements_of,
)

K_GRAM = 12
"""Tokens per hashed k-gram: a statement such as ``v3 = (v2.T @ v0)`` is
about 10 tokens, so one k-gram spans a statement and its neighbour."""

WINDOW = 4
"""Consecutive k-grams among which one fingerprint is kept: any shared run
of K_GRAM + WINDOW - 1 = 15 tokens is guaranteed to be detected."""

THRESHOLD = 0.25
"""Similarity from which a pair is reported, chosen from measurements on the
test suite's class (tests/autograder/integrity/test_similarity.py): five
independent honest implementations of each of a2_rnn and a3_lstm
(vectorised with np.dot, loops over the batch, einsum, recomputing or
preallocating caches, the instructor's) and six planted copies among them.
Independent pairs scored at most 0.093 (a2_rnn) and 0.051 (a3_lstm);
copies renamed, reordered, recommented, reformatted or respelled scored
1.0, and a copy with two of its functions written anew 0.43 and 0.47. The
threshold sits well above the first and below the second; a reported pair
is a reason to look at the side-by-side view, not a verdict."""

HELPERS = "(helpers)"
"""Label of the fingerprints of functions the grader does not grade."""


# --------------------------------------------------------------------------
# Canonical order of statements


MUTATING_METHODS = {
    "append",
    "clear",
    "extend",
    "fill",
    "insert",
    "pop",
    "remove",
    "resize",
    "setdefault",
    "sort",
    "update",
}
"""Methods that change their object (``steps.append(cache)``)."""

MUTATING_FUNCTIONS = {"put_along_axis", "put", "copyto", "fill_diagonal", "place", "putmask", "at"}
"""NumPy functions that change their first argument (``np.add.at(g, i, -1)``)."""


def _base_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Subscript | ast.Attribute | ast.Starred):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _names_read_written(node: ast.AST) -> tuple[set[str], set[str]]:
    """Names a statement reads and writes; writing into an element or an
    attribute (``x[t] = ...``), a mutating method (``steps.append``) and a
    NumPy function that fills its first argument count as writing it."""
    reads, writes = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (writes if isinstance(sub.ctx, ast.Store | ast.Del) else reads).add(sub.id)
        elif isinstance(sub, ast.Subscript | ast.Attribute) and isinstance(sub.ctx, ast.Store):
            writes.add(_base_name(sub.value) or "")
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if sub.func.attr in MUTATING_METHODS:
                writes.add(_base_name(sub.func.value) or "")
            elif sub.func.attr in MUTATING_FUNCTIONS and sub.args:
                writes.add(_base_name(sub.args[0]) or "")
        elif isinstance(sub, ast.AugAssign):
            reads.add(_base_name(sub.target) or "")
    return reads - {""}, writes - {""}


_BARRIERS = (ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Yield, ast.Global)


def _labelled_key(form, labels: Mapping[str, str]) -> str:
    """A form as text with each name replaced by its label ("?" if none)."""
    if isinstance(form, tuple):
        if len(form) == 2 and form[0] == "var":
            return labels.get(form[1], "?")
        return "(" + ",".join(_labelled_key(child, labels) for child in form) + ")"
    return repr(form)


def _form_of(node: ast.stmt) -> tuple:
    """The normal form of a statement, a compound one with all its body."""
    return tuple(s.form for s in statements_of(ast.Module(body=[node], type_ignores=[])))


def _header_form(node: ast.stmt) -> tuple:
    """The normal form of a statement, of a compound one its header only."""
    statements = statements_of(ast.Module(body=[node], type_ignores=[]))
    return statements[0].form if statements else ()


def _flat(body: list[ast.stmt]) -> list[ast.stmt]:
    """Every statement of a block, nested blocks included, in source order."""
    found = []
    for node in body:
        found.append(node)
        for field_name in ("body", "orelse", "finalbody"):
            inner = getattr(node, field_name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                found.extend(_flat(inner))
    return found


def _digest(text: str) -> str:
    return "L" + hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def name_labels(arguments: list[str], body: list[ast.stmt]) -> dict[str, str]:
    """A label for every name that does not depend on what it is called or
    where independent statements stand.

    An argument is labelled by its position. Any other name first by the
    statement that first assigns it (that statement's form with its names
    labelled) and its place among the statement's targets; then, so that
    two names made alike (``dh_next = np.zeros((N, H))`` and ``dc_next =
    np.zeros((N, H))``) are told apart, by every statement that uses it,
    with the name itself marked.
    """
    labels = {name: f"arg{i}" for i, name in enumerate(arguments)}
    statements = _flat(body)
    forms = [_header_form(node) for node in statements]
    for node, form in zip(statements, forms, strict=True):
        key = _labelled_key(form, labels)
        targets = [
            sub.id
            for sub in ast.walk(node)
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)
        ]
        for position, name in enumerate(targets):
            labels.setdefault(name, _digest(f"{key}#{position}"))
    mentioned = [_names_in(form) for form in forms]
    refined = dict(labels)
    for name, label in labels.items():
        if label.startswith("arg"):
            continue
        uses = sorted(
            _labelled_key(form, {**labels, name: "SELF"})
            for form, names in zip(forms, mentioned, strict=True)
            if name in names
        )
        refined[name] = _digest(label + "|" + "|".join(uses))
    return refined


def _names_in(form) -> set[str]:
    if isinstance(form, tuple):
        if len(form) == 2 and form[0] == "var":
            return {form[1]}
        return set().union(*(_names_in(child) for child in form)) if form else set()
    return set()


def canonical_order(body: list[ast.stmt], labels: Mapping[str, str]) -> list[ast.stmt]:
    """The statements of a block in canonical order, nested blocks too:
    each statement follows those it depends on (it reads what they write,
    or writes what they read or write); among statements free to go next,
    the one whose form (names replaced by their `labels`, see name_labels)
    is smallest goes first. Returns, raises and loop exits stay after
    everything before them and before everything after."""
    for node in body:
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(node, name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(node, name, canonical_order(inner, labels))
    effects = [_names_read_written(node) for node in body]
    after: list[set[int]] = [set() for _ in body]
    for j, node in enumerate(body):
        reads_j, writes_j = effects[j]
        for i in range(j):
            reads_i, writes_i = effects[i]
            barrier = isinstance(node, _BARRIERS) or isinstance(body[i], _BARRIERS)
            if barrier or writes_i & (reads_j | writes_j) or reads_i & writes_j:
                after[j].add(i)
    keys = [_labelled_key(_form_of(node), labels) for node in body]
    waiting = [len(deps) for deps in after]
    ready = [(keys[j], j) for j in range(len(body)) if not waiting[j]]
    heapq.heapify(ready)
    order = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(body[i])
        for j in range(len(body)):
            if i in after[j]:
                waiting[j] -= 1
                if not waiting[j]:
                    heapq.heappush(ready, (keys[j], j))
    return order


# --------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    """One token of a function's canonical form and the source line (in the
    function as written) of the statement it comes from."""

    text: str
    line: int


def _forced(statement: Statement) -> bool:
    """Statements the signature forces: returning names (or a tuple of
    names), and the stub's ``raise NotImplementedError``."""
    form = statement.form
    if form[0] == "return":
        value = form[1]
        parts = value[1:] if value[0] == "seq" else (value,)
        return all(p[0] in ("var", "const") for p in parts)
    return form[0] == "raise"


def _tokens_of(form, names: dict[str, str], line: int, out: list[Token]) -> None:
    if not isinstance(form, tuple):
        out.append(Token("C" if form is not None else "None", line))
        return
    kind = form[0]
    if kind == "var":
        out.append(Token(names.setdefault(form[1], f"v{len(names)}"), line))
        return
    if kind == "const":
        out.append(Token("C", line))
        return
    out.append(Token(kind, line))
    for child in form[1:]:
        if isinstance(child, str) and kind in ("call", "attr", "global", "kw", "augassign"):
            out.append(Token(child, line))  # function, attribute and operator names
        else:
            _tokens_of(child, names, line, out)


def block_tokens(body: list[ast.stmt], arguments: list[str], first_line: int) -> list[Token]:
    """The canonical token sequence of a block of statements (see the
    module's docstring); `arguments` are numbered first, in their order,
    and lines are counted from `first_line` (as 1)."""
    names = {name: f"v{i}" for i, name in enumerate(arguments)}
    ordered = canonical_order(list(body), name_labels(arguments, body))
    module = ast.Module(body=ordered, type_ignores=[])
    tokens: list[Token] = []
    for statement in statements_of(module, frozenset(arguments)):
        if _forced(statement):
            continue
        line = statement.line - first_line + 1
        tokens.append(Token(f"stmt{statement.loop_depth}", line))
        _tokens_of(statement.form, names, line, tokens)
    return tokens


def function_tokens(function: ast.FunctionDef) -> list[Token]:
    """The canonical token sequence of one function, lines counted from its
    ``def`` line (1)."""
    arguments = [a.arg for a in function.args.posonlyargs + function.args.args]
    arguments += [a.arg for a in function.args.kwonlyargs]
    return block_tokens(function.body, arguments, function.lineno)


# --------------------------------------------------------------------------
# Fingerprints


def _hash(tokens: Iterable[Token]) -> int:
    text = " ".join(t.text for t in tokens)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def winnow(tokens: list[Token], k: int = K_GRAM, window: int = WINDOW) -> dict[int, set[int]]:
    """The fingerprints of a token sequence: {hash: source lines it covers}.

    Hashes every k-gram, then keeps the smallest hash of every window of
    `window` consecutive k-grams (the rightmost one on ties, once per
    position). A sequence shorter than k gives one fingerprint, of all of
    it; an empty one none.
    """
    if not tokens:
        return {}
    if len(tokens) < k:
        return {_hash(tokens): {t.line for t in tokens}}
    hashes = [_hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]
    chosen: set[int] = set()
    for start in range(max(1, len(hashes) - window + 1)):
        span = hashes[start : start + window]
        smallest = min(span)
        chosen.add(start + max(i for i, h in enumerate(span) if h == smallest))
    prints: dict[int, set[int]] = {}
    for position in chosen:
        lines = {t.line for t in tokens[position : position + k]}
        prints.setdefault(hashes[position], set()).update(lines)
    return prints


@dataclass
class FunctionPrint:
    """One function of a submission: its source as written and its
    fingerprints {hash: lines of the source}."""

    name: str
    source: str
    prints: dict[int, set[int]]


@dataclass
class Submission:
    """What one student wrote: {label: FunctionPrint}, where the label is the
    graded function's name, or HELPERS for all other functions together."""

    student: str
    functions: dict[str, FunctionPrint] = field(default_factory=dict)

    def fingerprints(self) -> set[tuple[str, int]]:
        return {(label, h) for label, f in self.functions.items() for h in f.prints}


def notebook_code(notebook_text: str) -> list[str]:
    """The sources of a notebook's code cells (nbformat 4 JSON)."""
    cells = json.loads(notebook_text).get("cells", [])
    sources = [c.get("source", "") for c in cells if c.get("cell_type") == "code"]
    return [s if isinstance(s, str) else "".join(s) for s in sources]


def defined_functions(cells: Iterable[str]) -> dict[str, str]:
    """{name: source} of every top-level function the cells define; a later
    definition replaces an earlier one, as it would in the kernel."""
    found: dict[str, str] = {}
    for cell in cells:
        for module in parse_code(cell):
            for node in module.body:
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = ast.get_source_segment(cell, node) or ast.unparse(node)
    return found


def _prints_of(source: str) -> dict[int, set[int]]:
    """Fingerprints of one function's source (a ``def`` at its first line)."""
    function = ast.parse(source).body[0]
    return winnow(function_tokens(function)) if isinstance(function, ast.FunctionDef) else {}


def submission_of(
    student: str, notebook_text: str, graded: Iterable[str], given: set[int] = frozenset()
) -> Submission:
    """A student's functions with their fingerprints, minus those in
    `given` (the release's). Graded functions are labelled by name, the
    student's other functions together as HELPERS."""
    graded = set(graded)
    submission = Submission(student)
    helpers_source, helpers_prints = [], {}
    for name, source in defined_functions(notebook_code(notebook_text)).items():
        try:
            prints = {h: lines for h, lines in _prints_of(source).items() if h not in given}
        except SyntaxError:
            continue
        if name in graded:
            submission.functions[name] = FunctionPrint(name, source, prints)
        elif prints:
            offset = sum(s.count("\n") + 2 for s in helpers_source)
            helpers_source.append(source)
            for h, lines in prints.items():
                helpers_prints.setdefault(h, set()).update(line + offset for line in lines)
    if helpers_prints:
        submission.functions[HELPERS] = FunctionPrint(
            HELPERS, "\n\n".join(helpers_source), helpers_prints
        )
    return submission


def release_prints(notebook_text: str) -> set[int]:
    """Every fingerprint of the released notebook: of its functions (stubs
    and given helpers) and of its top-level code taken as one function."""
    cells = notebook_code(notebook_text)
    prints: set[int] = set()
    for source in defined_functions(cells).values():
        try:
            prints |= set(_prints_of(source))
        except SyntaxError:
            continue
    for cell in cells:
        for module in parse_code(cell):
            top = [n for n in module.body if not isinstance(n, ast.FunctionDef)]
            prints |= set(winnow(block_tokens(top, [], 1)))
    return prints


# --------------------------------------------------------------------------
# Pairs


@dataclass(frozen=True)
class Pair:
    """Two submissions and how alike they are.

    score: Jaccard similarity of their fingerprint sets (0 to 1).
    shared: how many fingerprints they share. per_function: {label: Jaccard
    of that function's fingerprints}, for the labels both have.
    """

    first: str
    second: str
    score: float
    shared: int
    per_function: Mapping[str, float]


def _jaccard(a: set, b: set) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def compare(first: Submission, second: Submission) -> Pair:
    a, b = first.fingerprints(), second.fingerprints()
    per_function = {
        label: _jaccard(set(first.functions[label].prints), set(second.functions[label].prints))
        for label in sorted(first.functions.keys() & second.functions.keys())
    }
    return Pair(first.student, second.student, _jaccard(a, b), len(a & b), per_function)


def all_pairs(submissions: list[Submission]) -> list[Pair]:
    """Every pair of submissions, most similar first."""
    pairs = [compare(a, b) for a, b in combinations(submissions, 2)]
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def similar_pairs(submissions: list[Submission], threshold: float = THRESHOLD) -> list[Pair]:
    """The pairs whose similarity is at least `threshold`, most similar first."""
    return [pair for pair in all_pairs(submissions) if pair.score >= threshold]


def graded_in_release(notebook_text: str) -> list[str]:
    """The graded functions (keys of SPECS) that a released notebook asks
    for, in the notebook's order."""
    return [name for name in defined_functions(notebook_code(notebook_text)) if name in SPECS]


def read_submissions(
    paths: Mapping[str, Path], release: Path, graded: Iterable[str]
) -> tuple[list[Submission], dict[str, str]]:
    """Submissions from {student: notebook path} with the release's
    fingerprints removed; also {student: reason} for notebooks that could
    not be read (not JSON, not a notebook), which are left out."""
    given = release_prints(Path(release).read_text(encoding="utf-8"))
    submissions, unreadable = [], {}
    for student, path in sorted(paths.items()):
        try:
            text = Path(path).read_text(encoding="utf-8")
            submissions.append(submission_of(student, text, graded, given))
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
            unreadable[student] = f"{type(error).__name__}: {error}"
    return submissions, unreadable
