"""Regular expressions: what a match of a known pattern can hold.

`re.compile(p)` is a marker holding its pattern; `re.match(p, s)`, `re.findall(p, s)` and
`compiled.search(s)` return only characters the pattern matches, and `m.group(n)` of a match
only group n's: a pattern of harmless characters sanitizes for the sinks they cannot hurt.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from aigentflow.review.python import library
from aigentflow.review.python.context import CallSite
from aigentflow.review.python.model import match_kinds
from aigentflow.review.python.values import Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["regex_match", "regex_pattern"]

_REGEX_FUNCS = frozenset({"re.match", "re.search", "re.fullmatch", "re.findall", "re.finditer"})
_REGEX_METHODS = frozenset({"match", "search", "fullmatch", "findall", "finditer"})


def regex_match(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`re.compile(p)` (a marker holding the pattern), and `re.match(p, s)`, `re.findall(p, s)`
    or `compiled.search(s)`: what they return holds only characters the pattern matches; so
    does `m.group(n)` of a match `m` of a known pattern, with only group n's characters."""
    meth, recv, args = call.meth, call.recv, call.args
    if (
        meth == "group"
        and recv is not None
        and recv.tainted
        and isinstance(owner := call.node.func, ast.Attribute)
    ):
        matched = it.match_patterns.get(owner.value.id) if isinstance(owner.value, ast.Name) else None
        number = args[0].value if args and args[0].known else 0
        group = library.group_pattern(matched, number) if matched and isinstance(number, int) else None
        kinds = match_kinds(group) if group else frozenset()
        return Val(recv.all_labels()).sanitized(kinds) if kinds else None
    if name == "re.compile" and args and args[0].known and isinstance(args[0].value, str):
        return Val.const(library.CompiledPattern(args[0].value))
    if name in _REGEX_FUNCS and len(args) >= 2 and args[0].known:
        pattern: object = args[0].value
        subject = args[1]
    elif meth in _REGEX_METHODS and recv is not None and recv.known and args:
        compiled = recv.value
        if not isinstance(compiled, library.CompiledPattern):
            return None
        pattern, subject = compiled.pattern, args[0]
    else:
        return None
    kinds = match_kinds(pattern)
    return Val(subject.all_labels()).sanitized(kinds) if kinds and subject.tainted else None


def regex_pattern(it: FunctionInterp, node: ast.Call) -> str | None:
    """The constant pattern of `re.match(p, s)` / `compiled.search(s)`, if known."""
    func = node.func
    if isinstance(func, ast.Attribute) and not it.is_module_ref(func):
        compiled = it.ev(func.value)
        if compiled.known and isinstance(compiled.value, library.CompiledPattern):
            return compiled.value.pattern
        return None
    if (it.qualname(func) or "") in _REGEX_FUNCS and node.args:
        pattern = it.ev(node.args[0])
        if pattern.known and isinstance(pattern.value, str):
            return pattern.value
    return None
