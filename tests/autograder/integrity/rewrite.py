"""Disguises of copied code, as a student who copies would apply them:
rename the variables, reorder statements that do not depend on each other,
reword the comments, reformat. Each keeps what the code computes."""

from __future__ import annotations

import ast
import builtins
import re

KEPT_NAMES = set(dir(builtins)) | {"np", "numpy", "sigmoid"}


class _Renamer(ast.NodeTransformer):
    def __init__(self, names: dict[str, str], functions: set[str]):
        self.names = names
        self.functions = functions

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.names:
            node.id = self.names[node.id]
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        if node.arg in self.names:
            node.arg = self.names[node.arg]
        return node


def local_names(source: str) -> list[str]:
    """Names the code binds or reads, in order of appearance, except
    builtins, NumPy, and functions it calls or defines."""
    tree = ast.parse(source)
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    seen: list[str] = []
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "arg", None)
        if not isinstance(name, str) or name in KEPT_NAMES | called | defined:
            continue
        if name not in seen:
            seen.append(name)
    return seen


def renamed(source: str, prefix: str = "q", keep: set[str] = frozenset()) -> str:
    """The code with every local name (arguments too, except those in
    `keep`) replaced by prefix0, prefix1, ...; comments go, formatting is
    ast.unparse's."""
    names = {n: f"{prefix}{i}" for i, n in enumerate(local_names(source)) if n not in keep}
    tree = _Renamer(names, set()).visit(ast.parse(source))
    return ast.unparse(tree) + "\n"


def _reads_writes(node: ast.stmt) -> tuple[set[str], set[str]]:
    reads, writes = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (writes if isinstance(sub.ctx, ast.Store) else reads).add(sub.id)
        elif isinstance(sub, ast.Subscript | ast.Attribute) and isinstance(sub.ctx, ast.Store):
            base = sub.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                writes.add(base.id)
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        reads.add(node.target.id)
    return reads, writes


def _independent(a: ast.stmt, b: ast.stmt) -> bool:
    if isinstance(a, ast.Return) or isinstance(b, ast.Return):
        return False
    reads_a, writes_a = _reads_writes(a)
    reads_b, writes_b = _reads_writes(b)
    return not (writes_a & (reads_b | writes_b) or writes_b & reads_a)


def reordered(source: str) -> str:
    """The code with every pair of neighbouring statements that do not
    depend on each other swapped (in each function body and loop body)."""
    tree = ast.parse(source)

    def shuffle(body: list[ast.stmt]) -> None:
        i = 0
        while i + 1 < len(body):
            if _independent(body[i], body[i + 1]):
                body[i], body[i + 1] = body[i + 1], body[i]
                i += 2
            else:
                i += 1
        for node in body:
            for field in ("body", "orelse"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner:
                    shuffle(inner)

    shuffle(tree.body)
    return ast.unparse(tree) + "\n"


def recommented(source: str) -> str:
    """The code with its comments replaced by others and a comment line
    before every statement line."""
    lines = []
    for number, line in enumerate(source.splitlines()):
        code = re.sub(r"\s+#.*$", "", line)
        if code.strip() and not code.strip().startswith(("#", '"', "'")):
            indent = code[: len(code) - len(code.lstrip())]
            lines.append(f"{indent}# step {number}: my own work")
        lines.append(code + ("  # checked" if code.strip().endswith(")") else ""))
    return "\n".join(lines) + "\n"


def reformatted(source: str) -> str:
    """The code with its spacing changed: no spaces around operators,
    blank lines between statements."""
    out = []
    for line in source.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        body = re.sub(r" ([-+*/@=<>]=?) ", r"\1", line.strip())
        out.append(indent + body)
        out.append("")
    return "\n".join(out)


class _Respeller(ast.NodeTransformer):
    """``a @ b`` <-> ``np.dot(a, b)`` and ``x.sum(...)`` <-> ``np.sum(x, ...)``."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.MatMult):
            return _np_call("dot", [node.left, node.right], [])
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("dot", "sum"):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id == "np":
                if func.attr == "dot" and len(node.args) == 2 and not node.keywords:
                    return ast.BinOp(node.args[0], ast.MatMult(), node.args[1])
                return node
            if func.attr == "sum":
                return _np_call("sum", [owner, *node.args], node.keywords)
        return node


def _np_call(name: str, args: list, keywords: list) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), name, ast.Load()), args, keywords)


def respelled(source: str) -> str:
    """The code with its products and sums spelled the other way: ``@`` as
    np.dot and back, methods ``.sum`` as np.sum."""
    tree = ast.fix_missing_locations(_Respeller().visit(ast.parse(source)))
    return ast.unparse(tree) + "\n"
