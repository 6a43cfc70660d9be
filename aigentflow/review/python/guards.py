"""Guards: conditions that make a variable safe on one branch (`if '..' in name: return`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from aigentflow.review.python.forms import VALIDATED
from aigentflow.review.python.regexes import regex_pattern
from aigentflow.review.python.values import ALL_KINDS, Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["refine"]

_PATH = frozenset({"path"})
_REDIRECT = frozenset({"redirect"})
_QUOTED = frozenset({"code", "sql", "xpath"})
_QUOTES = frozenset({"'", '"'})
_CHAR_CLASS = frozenset({"isalnum", "isdigit", "isalpha", "isdecimal", "isnumeric", "isidentifier"})
_FORM_CHECKS = frozenset({"validate_on_submit", "validate"})
_URL_FIELDS = frozenset({"netloc", "scheme", "hostname", "host"})
_VALIDATOR_PREFIXES = ("is_valid", "is_safe", "valid", "is_allowed", "allowed", "check_")
# (polarity, variable, kinds): when the test evaluates to `polarity`, `variable` is safe for `kinds`.
Guard = tuple[bool, str, frozenset[str]]


def _var(node: ast.expr) -> str | None:
    """The variable a check is about: `x`, `str(x)`, `os.path.realpath(x)`, `x.lower()`."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return f"{node.value.id}.{node.attr}"  # an attribute the function set: `g.theme`
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
        # URL checks validate their URL whichever way they go (see `_urlparse`).
        found = [g for v in test.values for g in _guards(it, v) if g[0] is keep or g[2] is _REDIRECT]
        literal = _quoted_literal(it, test.values, keep)
        return [*found, (keep, literal, _QUOTED)] if literal else found
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _compare(it, test)
    if isinstance(test, ast.Call):
        return _call(it, test)
    if isinstance(test, ast.Attribute):
        return _urlparse(it, test)  # `if urlparse(url).netloc: url = "/"`
    return []


def _compare(it: FunctionInterp, test: ast.Compare) -> list[Guard]:
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, ast.Is | ast.IsNot) and isinstance(right, ast.Constant) and right.value is None:
        if isinstance(left, ast.Call):  # re.fullmatch(...) is None: the negation of the call's test
            return [(pol is isinstance(op, ast.IsNot), var, kinds) for pol, var, kinds in _call(it, left)]
        return []
    if isinstance(op, ast.In | ast.NotIn):
        positive = isinstance(op, ast.In)
        left_val = it.ev(left)
        if left_val.known and isinstance(left_val.value, str):  # substring test: '..' in name
            var = _var(right)
            if var and (".." in left_val.value or left_val.value in {"/", "\\"}):
                return [(not positive, var, _PATH)]
            if var and left_val.value in _QUOTES:
                return [(not positive, var, _QUOTED)]
            return _urlparse(it, test)
        var = _var(left) if isinstance(left, ast.Name) else None
        if isinstance(left, ast.Attribute) and (key := _var(left)) in it.env:
            var = key  # an attribute set in this function: `g.theme not in THEMES`
        allowed = it.ev(right)
        if var and not allowed.tainted:  # allowlist membership
            return [(positive, var, ALL_KINDS)]
        return _urlparse(it, test)
    if isinstance(op, ast.Eq | ast.NotEq) and isinstance(left, ast.Name):
        other = it.ev(right)
        if other.known:
            return [(isinstance(op, ast.Eq), left.id, ALL_KINDS)]
    if isinstance(op, ast.Eq | ast.NotEq):
        contained = _common_path(it, left) or _common_path(it, right)
        if contained:  # os.path.commonpath([base, full]) == base: full stays under base
            return [(isinstance(op, ast.Eq), var, _PATH) for var in contained]
    return _urlparse(it, test)


def _quoted_literal(it: FunctionInterp, parts: list[ast.expr], keep: bool) -> str | None:
    """The variable that `x.startswith(q) and x.endswith(q) and q not in x[1:-1]` (or its
    negation joined by `or`) proves a plain quoted literal: code, SQL and XPath keep it inside
    its quotes. Each part must hold when the test is `keep`."""
    seen: dict[tuple[str, object], set[str]] = {}
    for part in parts:
        holds = True
        while isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
            holds, part = not holds, part.operand
        fact = _literal_fact(it, part)
        if fact is not None and (holds if fact[0] else not holds) is keep:
            seen.setdefault((fact[1], fact[2]), set()).add(fact[3])
    return next((var for (var, _q), facts in seen.items() if facts >= {"start", "end", "inner"}), None)


def _literal_fact(it: FunctionInterp, node: ast.expr) -> tuple[bool, str, object, str] | None:
    """(holds when true, variable, quote, which): `x.startswith(q)` -> start, `x.endswith(q)`
    -> end, `q not in x[1:-1]` -> inner (and `q in x[1:-1]`, which holds when false)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 1:
        which = {"startswith": "start", "endswith": "end"}.get(node.func.attr)
        quote = it.ev(node.args[0])
        if which and isinstance(node.func.value, ast.Name) and quote.known and quote.value in _QUOTES:
            return True, node.func.value.id, quote.value, which
        return None
    if not (
        isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn)
    ):
        return None
    quote, inner = it.ev(node.left), node.comparators[0]
    if not (quote.known and quote.value in _QUOTES and isinstance(inner, ast.Subscript)):
        return None
    if not (isinstance(inner.value, ast.Name) and ast.unparse(inner.slice) == "1:-1"):
        return None
    return isinstance(node.ops[0], ast.NotIn), inner.value.id, quote.value, "inner"


def _common_path(it: FunctionInterp, node: ast.expr) -> list[str]:
    """The tainted variables of `os.path.commonpath([base, x])` (the paths it contains), or of
    `os.path.dirname(x)` (compared with a base directory: x is a file right inside it)."""
    if not (isinstance(node, ast.Call) and node.args):
        return []
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name == "dirname" and isinstance(node.args[0], ast.Name):
        return [node.args[0].id]
    if name not in {"commonpath", "commonprefix"} or not isinstance(node.args[0], ast.List | ast.Tuple):
        return []
    return [e.id for e in node.args[0].elts if isinstance(e, ast.Name) and it.ev(e).tainted]


def _call(it: FunctionInterp, test: ast.Call) -> list[Guard]:
    func = test.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if isinstance(func, ast.Attribute) and name in {"startswith", "endswith"}:
        var = _var(func.value)
        prefix = it.ev(test.args[0]) if test.args else None
        if var and prefix is not None and prefix.known and prefix.value in _QUOTES:
            return []  # one end of a quoted literal proves nothing alone (see `_quoted_literal`)
        if (
            var
            and name == "startswith"
            and prefix is not None
            and prefix.known
            and _local_or_origin(prefix.value)
        ):
            return [(True, var, _PATH | _REDIRECT)]  # "/..." or "https://host/...": stays on a known site
        return [(True, var, _PATH)] if var and name == "startswith" else []
    if isinstance(func, ast.Attribute) and name == "is_relative_to":
        var = _var(func.value)  # Path(...).resolve().is_relative_to(base)
        return [(True, var, _PATH)] if var else []
    if isinstance(func, ast.Attribute) and name in _FORM_CHECKS and isinstance(func.value, ast.Name):
        return [(True, func.value.id, VALIDATED)]  # form.validate_on_submit(): its validators passed
    if isinstance(func, ast.Attribute) and name in _CHAR_CLASS:
        var = _var(func.value)
        return [(True, var, ALL_KINDS)] if var else []
    if name in {"fullmatch", "match"} and test.args:
        if name == "match" and _prefix_only(it, test):
            return []  # `re.match(r"[a-z]", s)` checks how s starts: the rest is unconstrained
        subject = test.args[-1] if len(test.args) <= 2 else test.args[1]
        var = _var(subject) if isinstance(subject, ast.Name | ast.Call) else None
        return [(True, var, ALL_KINDS)] if var else []
    if name in {"url_has_allowed_host_and_scheme", "is_safe_url"} and test.args:
        var = _var(test.args[0])
        return [(True, var, _REDIRECT)] if var else []
    if _validator_name(name) and len(test.args) == 1:
        var = _var(test.args[0])
        return [(True, var, ALL_KINDS)] if var else []
    return _urlparse(it, test)


def _prefix_only(it: FunctionInterp, test: ast.Call) -> bool:
    """A `match` whose known pattern is not anchored at the end (`$`, `\\Z`)."""
    pattern = regex_pattern(it, test)
    return pattern is not None and not pattern.endswith(("$", r"\Z"))


def _validator_name(name: str) -> bool:
    """A check by its name: `is_valid_host`, `allowed_file`, `check_path`, `host_ok`, `is_safe_url`."""
    lower = name.lower()
    return lower.startswith(_VALIDATOR_PREFIXES) or lower.endswith(
        ("_ok", "_is_valid", "_allowed", "_is_safe")
    )


def _mentions_urlparse(test: ast.expr, parts: dict[str, str]) -> bool:
    """Cheap pre-check before walking the condition: a `urlparse`/`urlsplit` name in it, or a
    variable that holds the parts of a parsed URL."""
    stack: list[ast.AST] = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in {"urlparse", "urlsplit"} or name in parts:
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


def _urlparse(it: FunctionInterp, test: ast.expr) -> list[Guard]:
    """A check on `urlparse(x)` (netloc/scheme/host) validates x as a redirect target both ways;
    so does a check on `parts.netloc` after `parts = urlparse(x)`."""
    if not _mentions_urlparse(test, it.url_parts):
        return []
    for node in ast.walk(test):
        if not (isinstance(node, ast.Attribute) and node.attr in _URL_FIELDS):
            continue  # `.path` or `.query` checks say nothing of where the URL leads
        parts = node.value
        if isinstance(parts, ast.Name) and parts.id in it.url_parts:
            var = it.url_parts[parts.id]
            return [(True, var, _REDIRECT), (False, var, _REDIRECT)]
        if isinstance(parts, ast.Call) and parts.args and isinstance(parts.args[0], ast.Name):
            func = parts.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"urlparse", "urlsplit"}:
                var = parts.args[0].id
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
