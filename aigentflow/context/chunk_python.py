"""Definition spans of Python source, by the standard `ast` module."""

from __future__ import annotations

import ast
import warnings

from aigentflow.context.chunking import Span

__all__ = ["python_spans"]

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def python_spans(text: str) -> list[Span] | None:
    """Top-level functions and classes; a class yields its header span and one span per method.

    Returns None when the text does not parse (the caller falls back to line windows).
    """
    try:
        with warnings.catch_warnings():  # invalid escape sequences in indexed code are not our warnings
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None
    lines = text.splitlines()
    spans: list[Span] = []
    for node in tree.body:
        if isinstance(node, _FUNCS):
            spans.append(_span(node, lines, "function", node.name, ""))
        elif isinstance(node, ast.ClassDef):
            spans += _class_spans(node, lines)
    return spans


def _class_spans(node: ast.ClassDef, lines: list[str]) -> list[Span]:
    header = _signature(node, lines)
    methods = [child for child in node.body if isinstance(child, _FUNCS)]
    start = _start(node)
    # the class chunk runs to the line before its first method: docstring, attributes
    end = _start(methods[0]) - 1 if methods else _end(node)
    while end > start and not lines[end - 1].strip():
        end -= 1
    spans = [Span(start, end, "class", node.name, header, "")]
    for method in methods:
        spans.append(_span(method, lines, "method", f"{node.name}.{method.name}", header))
    return spans


def _span(
    node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], kind: str, symbol: str, parent: str
) -> Span:
    return Span(_start(node), _end(node), kind, symbol, _signature(node, lines), parent)


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return int(min([node.lineno, *(d.lineno for d in decorators)]))


def _end(node: ast.stmt) -> int:
    return int(node.end_lineno or node.lineno)


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[str]) -> str:
    """The header lines (`def name(...) -> T:` possibly over several lines), without the body."""
    first_body = node.body[0].lineno if node.body else node.lineno
    last = max(node.lineno, first_body - 1)
    header = [line.strip() for line in lines[node.lineno - 1 : last]]
    return " ".join(header)[:300]
