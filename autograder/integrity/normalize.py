"""Python code in a normal form in which spelling does not matter.

Two statements that compute the same thing the same way get the same normal
form even when they differ in spacing, comments, docstrings, parentheses,
the order of the terms of a sum or the factors of a product, or the NumPy
spelling of an operation:

=================================================  ======================
written                                            normal form (rendered)
=================================================  ======================
``np.dot(da.T, x)``, ``da.T.dot(x)``, ``da.T @ x``  ``v0.T @ v1``
``np.einsum("nh,nd->hd", da, x)``                  ``v0.T @ v1``
``np.sum(da, 0)``, ``da.sum(axis=0)``              ``np.sum(v0, axis=0)``
``b + W @ h``, ``W @ h + b``                       the same sum
``np.hstack(blocks)``                              ``np.concatenate(blocks, axis=1)``
=================================================  ======================

Names stay in the normal form as ``("var", name)`` leaves: whoever compares
two forms decides which renamings are allowed (see :mod:`leaks`, which binds
names consistently across statements, and :mod:`similarity`, which numbers
them in order of appearance).

A normal form is a tree of tuples ``(kind, *children)``: ``("var", "x")``,
``("const", 1.0)``, ``("matmul", a, b)``, ``("T", a)``, ``("add", *terms)``,
``("call", "np.sum", args, kwargs)``... Statements are flattened: the
header of a loop is one :class:`Statement` and every statement of its body
another, with its loop depth.

This module also says which statements give a graded answer away
(:func:`revealing_features`): the batched structure of a backward pass, not
its element-wise formulas.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

Form = tuple
"""A normal form: ``(kind, *children)``; children are forms, strings,
numbers, None or tuples of forms."""

MODULE_ALIASES = {"np": "np", "numpy": "np", "math": "math"}
"""Names under which code refers to NumPy (and math): ``numpy.sum`` and
``np.sum`` both become ``np.sum``."""

ARRAY_METHODS = {
    "all",
    "any",
    "argmax",
    "argmin",
    "clip",
    "copy",
    "cumsum",
    "dot",
    "max",
    "mean",
    "min",
    "prod",
    "reshape",
    "std",
    "sum",
    "transpose",
    "var",
}
"""Array methods that are also NumPy functions: ``a.sum(0)`` is
``np.sum(a, 0)``."""

REDUCTIONS = {"all", "any", "argmax", "argmin", "cumsum", "max", "mean", "min", "prod", "std"}
REDUCTIONS |= {"sum", "var"}
"""Functions whose second positional argument is the axis."""

COMMUTATIVE = {"add", "mul"}
"""Kinds whose children may be in any order."""


# --------------------------------------------------------------------------
# Expressions


def _const(value) -> Form:
    """Numbers compare by value (1 == 1.0); booleans stay booleans."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ("const", float(value))
    return ("const", value)


def shape_key(form) -> str:
    """The form with every name blanked: a sort key that does not depend on
    how the code names its variables."""
    if isinstance(form, tuple):
        if len(form) == 2 and form[0] == "var":
            return "var"
        return "(" + ",".join(shape_key(child) for child in form) + ")"
    return repr(form)


def _flatten(kind: str, parts: list[Form]) -> Form:
    """A commutative node with nested nodes of its kind merged, children in
    a name-independent order."""
    flat: list[Form] = []
    for part in parts:
        if isinstance(part, tuple) and part and part[0] == kind:
            flat.extend(part[1:])
        else:
            flat.append(part)
    return (kind, *sorted(flat, key=shape_key))


def _negate(form: Form) -> Form:
    if form[0] == "neg":
        return form[1]
    if form[0] == "const" and isinstance(form[1], float):
        return ("const", -form[1])
    return ("neg", form)


def transpose(form: Form) -> Form:
    """The transpose of `form`, pushed down: (A B)^T = B^T A^T, A^T^T = A."""
    if form[0] == "T":
        return form[1]
    if form[0] == "matmul":
        return ("matmul", transpose(form[2]), transpose(form[1]))
    return ("T", form)


_EINSUM_OPERAND = re.compile(r"^[a-zA-Z]{2}$")


def _einsum(spec: str, operands: list[Form]) -> Form | None:
    """A matrix product or transpose for a 2-D einsum such as "nh,nd->hd"
    (one summed index); None for any other einsum."""
    spec = spec.replace(" ", "")
    if "->" not in spec:
        return None
    inputs, output = spec.split("->")
    names = inputs.split(",")
    if len(names) != len(operands) or not _EINSUM_OPERAND.match(output):
        return None
    if len(names) == 1 and _EINSUM_OPERAND.match(names[0]):
        if names[0] == output[::-1] and names[0] != output:
            return transpose(operands[0])
        return None
    if len(names) != 2 or not all(_EINSUM_OPERAND.match(n) for n in names):
        return None
    (a0, a1), (b0, b1) = names
    summed = set(names[0]) & set(names[1])
    if len(summed) != 1 or len({a0, a1, b0, b1}) != 3:
        return None
    (k,) = summed
    free_a = a0 if a1 == k else a1
    free_b = b0 if b1 == k else b1
    left = operands[0] if a1 == k else transpose(operands[0])  # (free_a, k)
    right = operands[1] if b0 == k else transpose(operands[1])  # (k, free_b)
    if output == free_a + free_b:
        return ("matmul", left, right)
    if output == free_b + free_a:
        return transpose(("matmul", left, right))
    return None


class _Normalizer:
    """Builds normal forms; `callables` are local names used as functions
    (their calls bind like variables)."""

    def __init__(self, callables: frozenset[str] = frozenset()):
        self.callables = callables

    def expr(self, node: ast.AST | None) -> Form | None:
        if node is None:
            return None
        method = getattr(self, "_" + type(node).__name__, None)
        return method(node) if method else self._generic(node)

    def _generic(self, node: ast.AST) -> Form:
        parts: list = [type(node).__name__]
        for field in node._fields:
            if field in ("ctx", "type_comment", "kind"):
                continue
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                parts.append(self.expr(value))
            elif isinstance(value, list):
                parts.append(
                    ("list", *(self.expr(v) if isinstance(v, ast.AST) else v for v in value))
                )
            else:
                parts.append(value)
        return tuple(parts)

    def _Constant(self, node: ast.Constant) -> Form:
        return _const(node.value)

    def _Name(self, node: ast.Name) -> Form:
        if node.id in MODULE_ALIASES:
            return ("global", MODULE_ALIASES[node.id])
        return ("var", node.id)

    def _Attribute(self, node: ast.Attribute) -> Form:
        value = self.expr(node.value)
        if node.attr == "T":
            return transpose(value)
        if value[0] == "global":
            if value[1] == "np" and node.attr == "newaxis":
                return ("const", None)
            return ("global", f"{value[1]}.{node.attr}")
        return ("attr", value, node.attr)

    def _Subscript(self, node: ast.Subscript) -> Form:
        return ("sub", self.expr(node.value), self.expr(node.slice))

    def _Slice(self, node: ast.Slice) -> Form:
        return ("slice", self.expr(node.lower), self.expr(node.upper), self.expr(node.step))

    def _Tuple(self, node: ast.Tuple) -> Form:
        return ("seq", *(self.expr(e) for e in node.elts))

    _List = _Tuple

    def _Starred(self, node: ast.Starred) -> Form:
        return ("star", self.expr(node.value))

    def _UnaryOp(self, node: ast.UnaryOp) -> Form:
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.USub):
            return _negate(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        return (type(node.op).__name__.lower(), operand)

    def _BinOp(self, node: ast.BinOp) -> Form:
        left, right = self.expr(node.left), self.expr(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            return _flatten("add", [left, right])
        if isinstance(op, ast.Sub):
            return _flatten("add", [left, _negate(right)])
        if isinstance(op, ast.Mult):
            return _flatten("mul", [left, right])
        if isinstance(op, ast.MatMult):
            return ("matmul", left, right)
        return (type(op).__name__.lower(), left, right)

    def _Call(self, node: ast.Call) -> Form:
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords if k.arg}
        starred = [("starkw", self.expr(k.value)) for k in node.keywords if not k.arg]
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr != "T":
            owner = self.expr(func.value)
            if owner[0] == "global":
                name = f"{owner[1]}.{func.attr}"
            elif func.attr in ARRAY_METHODS:
                name, args = f"np.{func.attr}", [owner, *args]
            else:
                name, args = f".{func.attr}", [owner, *args]
        elif isinstance(func, ast.Name) and func.id not in self.callables:
            name = func.id
        else:
            name = self.expr(func)
        return self._call(name, args + starred, kwargs)

    def _call(self, name, args: list[Form], kwargs: dict[str, Form]) -> Form:
        """Canonical spellings of the NumPy calls that matter here."""
        if isinstance(name, str) and name.startswith("np."):
            short = name[3:]
            if short in REDUCTIONS and len(args) >= 2 and "axis" not in kwargs:
                kwargs["axis"], args = args[1], [args[0], *args[2:]]
            if short in ("dot", "matmul") and len(args) == 2 and not kwargs:
                return ("matmul", args[0], args[1])
            if short == "transpose" and len(args) == 1 and not kwargs:
                return transpose(args[0])
            if short == "einsum" and args and args[0] and args[0][0] == "const":
                if isinstance(args[0][1], str) and not kwargs:
                    product = _einsum(args[0][1], args[1:])
                    if product is not None:
                        return product
            if short == "hstack" and len(args) == 1:
                name, kwargs = "np.concatenate", {**kwargs, "axis": ("const", 1.0)}
            if short == "vstack" and len(args) == 1:
                name, kwargs = "np.concatenate", {**kwargs, "axis": ("const", 0.0)}
            if name == "np.concatenate" and "axis" not in kwargs:
                if len(args) >= 2:
                    kwargs["axis"], args = args[1], [args[0]]
                else:
                    kwargs["axis"] = ("const", 0.0)
        keywords = (("kw", key, value) for key, value in sorted(kwargs.items()))
        return ("call", name, ("args", *args), ("kwargs", *keywords))


# --------------------------------------------------------------------------
# Statements


@dataclass(frozen=True)
class Statement:
    """One statement in normal form.

    form: ("assign", target, value), ("augassign", op, target, value),
        ("return", value), ("expr", value), or the header of a compound
        statement: ("for", target, iter), ("if", test), ("while", test)...
    source: the statement as written, without comments (the header line only
        for a compound statement).
    line: its first line in the code it was read from (1-based).
    loop_depth: how many loops enclose it.
    """

    form: Form
    source: str
    line: int
    loop_depth: int = 0

    @property
    def value(self) -> Form | None:
        """The expression the statement computes, if it has one."""
        kind = self.form[0]
        if kind in ("assign", "return", "expr"):
            return self.form[-1]
        if kind == "augassign":
            return self.form[3]
        return None


def _header_source(node: ast.stmt) -> str:
    text = ast.unparse(node)
    return text.splitlines()[0] if text else ""


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def statements_of(tree: ast.AST, callables: frozenset[str] = frozenset()) -> list[Statement]:
    """Every statement in `tree` (a module or a function), flattened in
    source order, in normal form. Docstrings, imports, ``pass``, ``break``
    and ``continue`` are left out; a function definition contributes its
    body, not its header."""
    normalizer = _Normalizer(callables)
    found: list[Statement] = []

    def visit(body: list[ast.stmt], depth: int) -> None:
        for node in body:
            if _is_docstring(node) or isinstance(
                node, ast.Import | ast.ImportFrom | ast.Pass | ast.Break | ast.Continue
            ):
                continue
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(node.body, 0)
                continue
            form = _statement_form(normalizer, node)
            compound = hasattr(node, "body") and isinstance(node.body, list)
            source = _header_source(node) if compound else ast.unparse(node)
            found.append(Statement(form, source, node.lineno, depth))
            if isinstance(node, ast.For | ast.AsyncFor | ast.While):
                visit(node.body, depth + 1)
                visit(node.orelse, depth)
            elif compound:
                visit(node.body, depth)
                for extra in ("orelse", "finalbody"):
                    visit(getattr(node, extra, []), depth)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, depth)

    visit(tree.body if hasattr(tree, "body") else [], 0)
    return found


def _statement_form(normalizer: _Normalizer, node: ast.stmt) -> Form:
    expr = normalizer.expr
    if isinstance(node, ast.Assign):
        targets = [expr(t) for t in node.targets]
        target = targets[0] if len(targets) == 1 else ("multi", *targets)
        return ("assign", target, expr(node.value))
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return ("assign", expr(node.target), expr(node.value))
    if isinstance(node, ast.AugAssign):
        return ("augassign", type(node.op).__name__.lower(), expr(node.target), expr(node.value))
    if isinstance(node, ast.Return):
        return ("return", expr(node.value) if node.value else ("const", None))
    if isinstance(node, ast.Expr):
        return ("expr", expr(node.value))
    if isinstance(node, ast.For | ast.AsyncFor):
        return ("for", expr(node.target), expr(node.iter))
    if isinstance(node, ast.If | ast.While):
        return (type(node).__name__.lower(), expr(node.test))
    if isinstance(node, ast.With):
        return ("with", ("list", *(expr(item.context_expr) for item in node.items)))
    return (type(node).__name__.lower(),)


MAGIC_LINE = re.compile(r"^\s*[%!?]")


def parse_code(text: str) -> list[ast.Module]:
    """Every piece of `text` that parses as Python: the whole text if it
    does; otherwise its top-level blocks (a line without indentation and
    the indented lines after it), and of a block that still fails, each
    line that parses on its own. IPython magics (%, !) are dropped first.

    Code on a web page is often a fragment; this recovers the statements
    that are there instead of giving up on the whole snippet.
    """
    text = textwrap.dedent(text)
    try:
        return [ast.parse(text)]
    except (SyntaxError, ValueError):
        pass
    lines = ["" if MAGIC_LINE.match(line) else line for line in text.splitlines()]
    blocks: list[list[str]] = []
    for line in lines:
        if (line.strip() and not line[0].isspace()) or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    modules = []
    for block in blocks:
        try:
            modules.append(ast.parse("\n".join(block)))
            continue
        except (SyntaxError, ValueError):
            pass
        for line in block:
            try:
                modules.append(ast.parse(line.strip()))
            except (SyntaxError, ValueError):
                continue
    return modules


def code_statements(text: str) -> list[Statement]:
    """The statements of a snippet of code, in normal form (see parse_code
    for fragments that do not parse as a whole)."""
    return [st for module in parse_code(text) for st in statements_of(module)]


# --------------------------------------------------------------------------
# What gives an answer away


def subforms(form) -> Iterator[Form]:
    """Every form inside `form`, itself included, depth first."""
    if isinstance(form, tuple):
        yield form
        for child in form[1:]:
            yield from subforms(child)


def size(form) -> int:
    """Number of nodes of a form."""
    return sum(1 for _ in subforms(form))


MATRIX_PRODUCTS = {"np.einsum", "np.tensordot", "np.inner", "np.kron"}
TRANSPOSES = {"np.swapaxes", "np.moveaxis", "np.transpose"}
AXIS_SUMS = {"np.sum", "np.mean"}
STACKS = {"np.concatenate", "np.stack", "np.column_stack", "np.dstack", "np.block"}


def _is_gate_slice(form: Form) -> bool:
    """A slice whose bounds are computed, such as ``2 * H : 3 * H``: the
    gate blocks of a stacked array."""
    if form[0] != "slice":
        return False
    return any(bound is not None and bound[0] != "const" for bound in (form[1], form[2]))


def _names(form) -> set[str]:
    return {f[1] for f in subforms(form) if f[0] == "var"}


def _target_names(target: Form) -> set[str]:
    """Names a target rebinds (not those it only indexes with)."""
    if target[0] == "var":
        return {target[1]}
    if target[0] in ("seq", "multi"):
        return set().union(*(_target_names(t) for t in target[1:]))
    if target[0] == "star":
        return _target_names(target[1])
    return set()


def expression_features(form) -> Counter:
    """The revealing operations inside an expression (see revealing_features)."""
    found: Counter = Counter()
    for node in subforms(form):
        kind = node[0]
        if kind == "matmul":
            found["matrix product"] += 1
        elif kind == "T":
            found["transpose"] += 1
        elif kind == "slice" and _is_gate_slice(node):
            found["gate slice"] += 1
        elif kind == "call" and isinstance(node[1], str):
            kwargs = {kw[1] for kw in node[3][1:]}
            if node[1] in MATRIX_PRODUCTS:
                found["matrix product"] += 1
            elif node[1] in TRANSPOSES:
                found["transpose"] += 1
            elif node[1] in AXIS_SUMS and "axis" in kwargs:
                found["sum over an axis"] += 1
            elif node[1] in STACKS:
                found["concatenation"] += 1
    return found


def revealing_features(statement: Statement) -> Counter:
    """What in a statement gives the batched structure of a graded function
    away, counted by kind:

    - a matrix product (``@``, ``np.dot``, ``np.matmul``, ``np.einsum``,
      ``np.tensordot``) or a transpose (``.T``, ``np.transpose``,
      ``np.swapaxes``);
    - a sum or mean over an axis (``da.sum(axis=0)``: the sum over the batch);
    - a gate-block slice, a slice with computed bounds (``a[:, H:2 * H]``);
    - a concatenation or stack (``np.concatenate([di, df, dg, do], axis=1)``);
    - the carry of a loop over time: inside a loop, an assignment whose value
      calls a function and reads a name the assignment rebinds
      (``dx[:, t], dh_next, ... = step_backward(dh[:, t] + dh_next, ...)``).

    Everything else gives nothing away and is never searched for:
    element-wise formulas that the book states in math anyway
    (``da = dh * (1 - h**2)``), reading shapes (``N, T = x.shape[:2]``),
    unpacking a cache, allocating arrays, accumulating (``dW += dW_t``),
    and returning names.
    """
    form = statement.form
    kind = form[0]
    found = Counter()
    if kind in ("assign", "augassign", "return", "expr"):
        found += expression_features(statement.value)
        if kind == "assign":
            found += expression_features(form[1])
    elif kind in ("for", "if", "while", "with"):
        for part in form[1:]:
            found += expression_features(part)
    if (
        kind == "assign"
        and statement.loop_depth > 0
        and any(node[0] == "call" for node in subforms(form[2]))
        and _target_names(form[1]) & _names(form[2])
    ):
        found["loop carry"] += 1
    return found


def render(form, names: dict[str, str] | None = None) -> str:
    """Readable text of a normal form; with `names` None, variables are
    numbered v0, v1... in order of appearance (so renamed copies render
    alike)."""
    numbering: dict[str, str] = {} if names is None else names

    def name(var: str) -> str:
        if names is not None:
            return names.get(var, var)
        return numbering.setdefault(var, f"v{len(numbering)}")

    def r(f) -> str:
        if f is None:
            return ""
        if not isinstance(f, tuple):
            return repr(f)
        kind = f[0]
        if kind == "var":
            return name(f[1])
        if kind == "global":
            return f[1]
        if kind == "const":
            value = f[1]
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return "..." if value is Ellipsis else repr(value)
        if kind == "T":
            return f"{r(f[1])}.T"
        if kind == "matmul":
            return f"({r(f[1])} @ {r(f[2])})"
        if kind == "add":
            return "(" + " + ".join(r(t) for t in f[1:]) + ")"
        if kind == "mul":
            return "(" + " * ".join(r(t) for t in f[1:]) + ")"
        if kind == "neg":
            return f"-{r(f[1])}"
        if kind in ("div", "pow", "floordiv", "mod"):
            op = {"div": "/", "pow": "**", "floordiv": "//", "mod": "%"}[kind]
            return f"({r(f[1])} {op} {r(f[2])})"
        if kind == "seq":
            return "(" + ", ".join(r(e) for e in f[1:]) + ")"
        if kind == "attr":
            return f"{r(f[1])}.{f[2]}"
        if kind == "sub":
            index = f[2]
            inner = ", ".join(r(e) for e in index[1:]) if index[0] == "seq" else r(index)
            return f"{r(f[1])}[{inner}]"
        if kind == "slice":
            text = f"{r(f[1])}:{r(f[2])}"
            return text + (f":{r(f[3])}" if f[3] is not None else "")
        if kind == "call":
            callee = f[1] if isinstance(f[1], str) else r(f[1])
            args = [r(a) for a in f[2][1:]] + [f"{kw[1]}={r(kw[2])}" for kw in f[3][1:]]
            return f"{callee}({', '.join(args)})"
        if kind == "star":
            return f"*{r(f[1])}"
        if kind == "assign":
            return f"{r(f[1])} = {r(f[2])}"
        if kind == "augassign":
            return f"{r(f[2])} {OPERATOR_SYMBOLS.get(f[1], f[1])}= {r(f[3])}"
        if kind == "return":
            return f"return {r(f[1])}"
        if kind == "expr":
            return r(f[1])
        if kind == "for":
            return f"for {r(f[1])} in {r(f[2])}:"
        return kind + "(" + ", ".join(r(c) for c in f[1:]) + ")"

    return r(form)


OPERATOR_SYMBOLS = {"add": "+", "sub": "-", "mult": "*", "div": "/", "matmult": "@"}
