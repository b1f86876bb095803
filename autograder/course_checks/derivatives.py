"""Numerical derivatives inside a graded backward: the shortcut that the
hidden cases and the cost check cannot see.

A backward that differentiates only its elementwise nonlinearities by
differences, ``(sigmoid(a + h) - sigmoid(a - h)) / (2 * h)``, or by the
complex step, ``sigmoid(a + 1j * h).imag / h``, gets every gradient right
to within the tolerance and costs a constant number of extra elementwise
passes, so it passes the hidden cases and the cost check. The derivative
of each nonlinearity is part of the derivation the course grades, so the
grader also reads the notebook's code: the graded function, its forward
pass (a cache can carry a derivative computed in the forward), and every
notebook function that they refer to by name, transitively.

What counts as a numerical derivative (each found by its form, whatever
the names):

- a difference quotient: one function called at ``X + E`` and at
  ``X - E``; or at ``X + E`` (or ``X - E``) and at ``X`` where a name of E
  appears in a divisor of the same function, or E is a small constant and
  the function divides by a small constant (or multiplies by a large one);
- the complex step: a complex literal (``1j``), ``.imag``, ``complex(...)``
  or a complex dtype;
- a numerical differentiation routine that the notebook does not define
  itself (``np.gradient``, SciPy's ``approx_fprime``, ``derivative``,
  ``check_grad``, the course's own finite-difference helpers, ...).

Forms it does not see (a perturbation built from a stacked array and
differenced by indexing, say) are listed in the README's "What is not
protected".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SMALL_STEP = 1e-2
"""A constant offset at most this large, added to the same function's
argument in two calls, is a finite-difference step even with no divisor."""

ROUTINES = frozenset(
    {
        "numerical_gradient",
        "eval_numerical_gradient",
        "eval_numerical_gradient_array",
        "approx_fprime",
        "check_grad",
    }
)
"""Names of numerical differentiation routines: a reference to one is a
finding even when the notebook defines it (assignment 1 grades a
``numerical_gradient``; it has no place in a backward)."""

FOREIGN_ROUTINES = frozenset({"derivative", "numerical_gradients", "directional_checks"})
"""Routines (SciPy's ``derivative``, the course's finite-difference
helpers) flagged when called but not defined in the notebook: a student's
own ``derivative`` may well be an analytic one. NumPy's ``gradient`` is
matched on ``np.`` / ``numpy.`` only."""

COMPLEX_NAMES = frozenset(
    {"complex", "complex64", "complex128", "complex256", "complex_", "cdouble", "csingle"}
)


@dataclass(frozen=True)
class Finding:
    """One numerical derivative in the notebook's code.

    function: the notebook function it is in (reached from a graded one).
    kind: "difference quotient", "complex step" or "differentiation routine".
    code: the expression, as written (cut to one line).
    """

    function: str
    kind: str
    code: str

    def describe(self) -> str:
        return f"{self.kind} in {self.function}: `{self.code}`"


@dataclass(frozen=True)
class _Definition:
    name: str
    node: ast.AST
    source: str


def numerical_derivatives(cells: Sequence[str], roots: Iterable[str]) -> list[Finding]:
    """The numerical derivatives in the functions named `roots` and in every
    notebook function they refer to, transitively.

    cells: the sources of the notebook's code cells that ran before the
        graded call, in order (IPython magics allowed; a cell that is not
        Python is passed over).
    roots: the graded function and its forward pass.
    """
    definitions = _definitions(cells)
    findings: list[Finding] = []
    seen: set[str] = set()
    pending = [name for name in roots if name in definitions]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for definition in definitions[name]:
            findings += _findings_in(definition, definitions)
            pending += [ref for ref in _references(definition.node) if ref in definitions]
    return findings


def _definitions(cells: Sequence[str]) -> dict[str, list[_Definition]]:
    """Every function, method and named lambda of the cells, by name; an
    alias (``g = f``) adds f's definitions under g."""
    as_python = _ipython_to_python()
    definitions: dict[str, list[_Definition]] = {}
    aliases: list[tuple[str, str]] = []
    for cell in cells:
        try:
            source = as_python(cell)
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue  # not Python: it defined nothing when it ran either
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                definitions.setdefault(node.name, []).append(_Definition(node.name, node, source))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if not isinstance(target, ast.Name):
                        continue
                    if isinstance(node.value, ast.Lambda):
                        definitions.setdefault(target.id, []).append(
                            _Definition(target.id, node.value, source)
                        )
                    elif isinstance(node.value, ast.Name):
                        aliases.append((target.id, node.value.id))
    for alias, original in aliases:
        definitions.setdefault(alias, []).extend(definitions.get(original, []))
    return definitions


def _ipython_to_python():
    """IPython's own rewriting of magics and shell escapes into Python, where
    IPython is installed (in every kernel); the cell as it is elsewhere."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return str
    return TransformerManager().transform_cell


def _references(node: ast.AST) -> set[str]:
    """Names a definition refers to: called, passed on, or reached as an
    attribute (a method of a cache object, say)."""
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
    return names


def _findings_in(definition: _Definition, definitions: dict) -> list[Finding]:
    node = definition.node

    def found(kind: str, expression: ast.AST) -> Finding:
        code = ast.get_source_segment(definition.source, expression) or ast.unparse(expression)
        return Finding(definition.name, kind, " ".join(code.split())[:120])

    findings = [found("complex step", e) for e in _complex_steps(node)]
    findings += [found("difference quotient", e) for e in _difference_quotients(node)]
    findings += [found("differentiation routine", e) for e in _routine_uses(node, definitions)]
    return findings


def _complex_steps(node: ast.AST) -> list[ast.AST]:
    hits = []
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, complex):
            hits.append(child)
        elif isinstance(child, ast.Attribute) and (
            child.attr == "imag" or child.attr in COMPLEX_NAMES
        ):
            hits.append(child)
        elif isinstance(child, ast.Name) and child.id in COMPLEX_NAMES:
            hits.append(child)
        elif (
            isinstance(child, ast.Constant)
            and isinstance(child.value, str)
            and child.value.startswith("complex")
        ):
            hits.append(child)
    return hits


def _difference_quotients(node: ast.AST) -> list[ast.AST]:
    """Calls of one function at X + E and at X - E (or X), E a step."""
    calls: dict[str, list[ast.Call]] = {}
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            calls.setdefault(ast.dump(child.func), []).append(child)
    scales = _scales(node)
    hits = []
    for group in calls.values():
        pairs = ((first, second) for i, first in enumerate(group) for second in group[i + 1 :])
        for first, second in pairs:
            step, centred = _perturbation(first, second)
            if step is not None and (centred or _is_step(step, scales)):
                hits.append(first)  # one finding per function differenced
                break
    return hits


def _perturbation(first: ast.Call, second: ast.Call) -> tuple[ast.expr | None, bool]:
    """(E, centred) when the two calls differ in one argument only, as
    X + E against X - E (centred) or against X (either way round);
    (None, False) otherwise."""
    nothing = (None, False)
    if len(first.args) != len(second.args) or first.keywords or second.keywords:
        return nothing
    differing = [
        (a, b) for a, b in zip(first.args, second.args, strict=True) if ast.dump(a) != ast.dump(b)
    ]
    if len(differing) != 1:
        return nothing
    (base_a, sign_a, step_a), (base_b, sign_b, step_b) = map(_offset, differing[0])
    if base_a != base_b or sign_a == sign_b:
        return nothing
    if step_a is not None and step_b is not None:
        return (step_a, True) if ast.dump(step_a) == ast.dump(step_b) else nothing
    return (step_a if step_a is not None else step_b), False


def _offset(expression: ast.expr) -> tuple[str, int, ast.expr | None]:
    """(X, +1 / -1, E) for X + E / X - E; (X, 0, None) for anything else."""
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.Add | ast.Sub):
        sign = 1 if isinstance(expression.op, ast.Add) else -1
        return ast.dump(expression.left), sign, expression.right
    return ast.dump(expression), 0, None


@dataclass(frozen=True)
class _Scales:
    """What a function divides by: the names in its divisors, and whether
    some divisor holds a small constant or some product a large one (the
    1 / h of a quotient written out)."""

    names: frozenset[str]
    by_small_constant: bool


def _scales(node: ast.AST) -> _Scales:
    names: set[str] = set()
    small = False
    for child in ast.walk(node):
        if not isinstance(child, ast.BinOp):
            continue
        if isinstance(child.op, ast.Div):
            names |= {n.id for n in ast.walk(child.right) if isinstance(n, ast.Name)}
            small |= any(0 < abs(c) <= SMALL_STEP for c in _constants(child.right))
        elif isinstance(child.op, ast.Mult):
            small |= any(abs(c) >= 1 / SMALL_STEP for c in _constants(child))
    return _Scales(frozenset(names), small)


def _constants(node: ast.AST) -> list[float]:
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, int | float)
        and not isinstance(n.value, bool)
    ]


def _is_step(step: ast.expr, scales: _Scales) -> bool:
    """A one-sided step: a small constant that the function also divides by
    (or multiplies by its inverse), or an expression one of whose names
    divides. An epsilon inside a logarithm, log(p + 1e-12) beside log(p),
    is no step: nothing is divided by it."""
    try:
        value = ast.literal_eval(step)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        value = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return 0 < abs(value) <= SMALL_STEP and scales.by_small_constant
    return any(isinstance(n, ast.Name) and n.id in scales.names for n in ast.walk(step))


def _routine_uses(node: ast.AST, definitions: dict) -> list[ast.AST]:
    hits = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id in ROUTINES:
            hits.append(child)
        elif isinstance(child, ast.Call):
            name = _called_name(child)
            numpy_gradient = (
                name == "gradient"
                and isinstance(child.func, ast.Attribute)
                and isinstance(child.func.value, ast.Name)
                and child.func.value.id in {"np", "numpy"}
            )
            foreign = name in FOREIGN_ROUTINES and name not in definitions
            if (
                numpy_gradient
                or foreign
                or (name in ROUTINES and isinstance(child.func, ast.Attribute))
            ):
                hits.append(child)
    return hits


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


REASON = "computed with a numerical derivative"
"""How the feedback says why right gradients earn nothing."""


def note(function: str, findings: Sequence[Finding]) -> str:
    """The sentence the feedback shows above the outputs of `function`."""
    first = {(finding.function, finding.kind): finding for finding in reversed(findings)}
    shown = "; ".join(finding.describe() for finding in reversed(first.values()))
    return (
        f"Not credited: {function}, or a function it uses, differentiates numerically: "
        f"{shown}. The derivative of every step of the forward pass (the sigmoid's "
        f"s(1 - s), tanh's 1 - tanh^2, the softmax's) is part of what is graded: write it "
        f"from its formula. Finite differences and the complex step belong in your checks, "
        f"not in a graded function. The outputs below are judged by their values, but "
        f"earn no points while they are computed this way."
    )
