"""Which project functions a failing test exercises, found without running anything.

A wrong result rarely leaves a traceback frame in the buggy function: the assertion fails in the
test. So the names the failing test calls (functions, methods) and the special methods its
operators invoke (`==` → `__eq__`, `repr()` → `__repr__`, `x[k]` → `__getitem__`, …) are
resolved to their definitions in the project's own source, nearest the failing line first.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

__all__ = ["Span", "definitions", "names_called_in", "names_used_by_test", "test_node_id_at"]

Span = tuple[str, int, int]  # (project-relative path, first line, last line), 1-based

_SKIP_DIRS = {
    ".git",
    ".hg",
    ".venv",
    "venv",
    "env",
    "node_modules",
    "__pycache__",
    ".aigentflow",
    "build",
    "dist",
}
_MAX_FILES = 3000
_COMPARE = {
    ast.Eq: ("__eq__",),
    ast.NotEq: ("__ne__", "__eq__"),
    ast.In: ("__contains__",),
    ast.NotIn: ("__contains__",),
    ast.Lt: ("__lt__",),
    ast.Gt: ("__gt__",),
}
_BUILTINS = {
    "repr": ("__repr__",),
    "str": ("__str__", "__repr__"),
    "len": ("__len__",),
    "hash": ("__hash__",),
    "iter": ("__iter__",),
    "list": ("__iter__",),
    "sorted": ("__iter__", "__lt__"),
    "bool": ("__bool__", "__len__"),
}


def _is_test(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or any(p in ("tests", "test") for p in parts[:-1])
    )


def definitions(root: Path) -> dict[str, list[Span]]:
    """Every function and class defined in the project's non-test Python files, by name."""
    found: dict[str, list[Span]] = {}
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            rel = (Path(folder) / name).relative_to(root).as_posix()
            if _is_test(rel):
                continue
            count += 1
            if count > _MAX_FILES:
                return found
            try:
                tree = ast.parse((root / rel).read_text(encoding="utf-8", errors="replace"))
            except (SyntaxError, ValueError, OSError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    found.setdefault(node.name, []).append((rel, node.lineno, node.end_lineno or node.lineno))
            for stmt in tree.body:  # module constants: `DRAFT7 = Specification(id_of=_legacy_id, …)`
                targets = stmt.targets if isinstance(stmt, ast.Assign) else []
                for target in targets:
                    if isinstance(target, ast.Name):
                        span = (rel, stmt.lineno, stmt.end_lineno or stmt.lineno)
                        found.setdefault(target.id, []).append(span)
    return found


def _names(node: ast.AST, references: bool = False) -> list[str]:
    """The callable names one AST node uses (and plain name references, with `references`)."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return [func.id, *_BUILTINS.get(func.id, ())]
        if isinstance(func, ast.Attribute):
            return [func.attr]
    if isinstance(node, ast.Compare):
        return [name for op in node.ops for name in _COMPARE.get(type(op), ())]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return ["__matmul__", "__rmatmul__"]
    if isinstance(node, ast.Subscript):
        return ["__getitem__"]
    if isinstance(node, ast.Attribute):
        return [node.attr]  # properties
    if references and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return [node.id]  # functions passed by reference, module constants
    return []


def names_used_by_test(
    root: Path, test_file: str, test_line: int, failing_line: int | None = None
) -> list[str]:
    """Names the test at `test_line` uses, nearest `failing_line` first (each once)."""
    try:
        tree = ast.parse((root / test_file).read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError, OSError):
        return []
    test: ast.AST | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if start <= test_line <= (node.end_lineno or node.lineno):
                test = node
    if test is None:
        return []
    anchor = failing_line or test_line
    ranked: list[tuple[int, int, str]] = []
    for order, node in enumerate(ast.walk(test)):
        for name in _names(node):
            ranked.append((abs(getattr(node, "lineno", anchor) - anchor), order, name))
    seen: list[str] = []
    for _, _, name in sorted(ranked):
        if name not in seen and not name.startswith("assert"):
            seen.append(name)
    return seen


def names_called_in(root: Path, span: Span, trees: dict[str, ast.Module | None]) -> list[str]:
    """Names the function at `span` uses (one level down from the test), in source order."""
    path, start, _ = span
    if path not in trees:
        try:
            trees[path] = ast.parse((root / path).read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError, OSError):
            trees[path] = None
    tree = trees[path]
    if tree is None:
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == start:
            names: list[str] = []
            for inner in ast.walk(node):
                names += [n for n in _names(inner, references=True) if n not in names]
            return names
    return []


def test_node_id_at(root: Path, test_file: str, line: int) -> str | None:
    """The pytest node id of the test function (or test class) around `line` (1-based), if any."""
    try:
        tree = ast.parse((root / test_file).read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError, OSError):
        return None
    path: list[str] = []
    body: list[ast.stmt] = tree.body
    while True:
        for node in body:
            kinds = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            if isinstance(node, kinds) and node.lineno <= line <= (node.end_lineno or node.lineno):
                if node.name.startswith(("test", "Test")):
                    path.append(node.name)
                body = node.body if isinstance(node, ast.ClassDef) else []
                break
        else:
            break
    return "::".join([test_file, *path]) if path else None
