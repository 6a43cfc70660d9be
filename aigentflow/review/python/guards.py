"""Guards: conditions that make a variable safe on one branch (`if '..' in name: return`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from aigentflow.review.python.values import ALL_KINDS, Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["refine"]

_PATH = frozenset({"path"})
_REDIRECT = frozenset({"redirect"})
_QUOTED = frozenset({"code", "sql", "xpath"})
_QUOTES = frozenset({"'", '"'})
_CHAR_CLASS = frozenset({"isalnum", "isdigit", "isalpha", "isdecimal", "isnumeric", "isidentifier"})
_VALIDATOR_PREFIXES = ("is_valid", "is_safe", "valid", "is_allowed", "allowed", "check_")
# (polarity, variable, kinds): when the test evaluates to `polarity`, `variable` is safe for `kinds`.
Guard = tuple[bool, str, frozenset[str]]


def _var(node: ast.expr) -> str | None:
    """The variable a check is about: `x`, `str(x)`, `os.path.realpath(x)`, `x.lower()`."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            node = node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
            node = node.func.value
        else:
            return None


def _guards(it: FunctionInterp, test: ast.expr) -> list[Guard]:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return [(not pol, var, kinds) for pol, var, kinds in _guards(it, test.operand)]
    if isinstance(test, ast.BoolOp):
        keep = isinstance(test.op, ast.And)  # And: each holds when True; Or: each fails when False
        return [g for v in test.values for g in _guards(it, v) if g[0] is keep]
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _compare(it, test)
    if isinstance(test, ast.Call):
        return _call(it, test)
    return []


def _compare(it: FunctionInterp, test: ast.Compare) -> list[Guard]:
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, ast.In | ast.NotIn):
        positive = isinstance(op, ast.In)
        left_val = it.ev(left)
        if left_val.known and isinstance(left_val.value, str):  # substring test: '..' in name
            var = _var(right)
            if var and (".." in left_val.value or left_val.value in {"/", "\\"}):
                return [(not positive, var, _PATH)]
            if var and left_val.value in _QUOTES:
                return [(not positive, var, _QUOTED)]
            return _urlparse(test)
        var = _var(left) if isinstance(left, ast.Name) else None
        allowed = it.ev(right)
        if var and not allowed.tainted:  # allowlist membership
            return [(positive, var, ALL_KINDS)]
        return _urlparse(test)
    if isinstance(op, ast.Eq | ast.NotEq) and isinstance(left, ast.Name):
        other = it.ev(right)
        if other.known:
            return [(isinstance(op, ast.Eq), left.id, ALL_KINDS)]
    return _urlparse(test)


def _call(it: FunctionInterp, test: ast.Call) -> list[Guard]:
    func = test.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if isinstance(func, ast.Attribute) and name in {"startswith", "endswith"}:
        var = _var(func.value)
        prefix = it.ev(test.args[0]) if test.args else None
        if var and prefix is not None and prefix.known and prefix.value in _QUOTES:
            return [(True, var, _QUOTED)]  # a quoted literal: code, SQL and XPath stay inside it
        if (
            var
            and name == "startswith"
            and prefix is not None
            and prefix.known
            and _local_or_origin(prefix.value)
        ):
            return [(True, var, _PATH | _REDIRECT)]  # "/..." or "https://host/...": stays on a known site
        return [(True, var, _PATH)] if var and name == "startswith" else []
    if isinstance(func, ast.Attribute) and name in _CHAR_CLASS:
        var = _var(func.value)
        return [(True, var, ALL_KINDS)] if var else []
    if name in {"fullmatch", "match"} and test.args:
        subject = test.args[-1] if len(test.args) <= 2 else test.args[1]
        var = _var(subject) if isinstance(subject, ast.Name | ast.Call) else None
        return [(True, var, ALL_KINDS)] if var else []
    if name in {"url_has_allowed_host_and_scheme", "is_safe_url"} and test.args:
        var = _var(test.args[0])
        return [(True, var, _REDIRECT)] if var else []
    if name.lower().startswith(_VALIDATOR_PREFIXES) and len(test.args) == 1:
        var = _var(test.args[0])
        return [(True, var, ALL_KINDS)] if var else []
    return _urlparse(test)


def _mentions_urlparse(test: ast.expr) -> bool:
    """Cheap pre-check before walking the condition: a `urlparse`/`urlsplit` name in it."""
    stack: list[ast.AST] = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in {"urlparse", "urlsplit"}:
                return True
        if isinstance(node, ast.Call | ast.Attribute | ast.Compare | ast.BoolOp | ast.UnaryOp):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _local_or_origin(prefix: object) -> bool:
    """A redirect prefix that pins the target to this site or one fixed origin."""
    if not isinstance(prefix, str):
        return False
    if prefix == "/":
        return True
    return prefix.startswith(("https://", "http://")) and prefix.count("/") >= 3


def _urlparse(test: ast.expr) -> list[Guard]:
    """A check on `urlparse(x)` (netloc/scheme/host) validates x as a redirect target both ways."""
    if not _mentions_urlparse(test):
        return []
    for node in ast.walk(test):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"urlparse", "urlsplit"} and node.args and isinstance(node.args[0], ast.Name):
                var = node.args[0].id
                return [(True, var, _REDIRECT), (False, var, _REDIRECT)]
    return []


def refine(it: FunctionInterp, env: dict[str, Val], test: ast.expr, polarity: bool) -> dict[str, Val]:
    """A copy of `env` with the variables `test` proves safe (when it is `polarity`) sanitized."""
    out = dict(env)
    saved = it.env
    it.env = out
    try:
        guards = _guards(it, test)
    finally:
        it.env = saved
    for pol, var, kinds in guards:
        if pol is polarity and var in out:
            out[var] = out[var].sanitized(kinds)
    return out
