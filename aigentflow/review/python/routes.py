"""Which functions handle web requests, and which of their parameters carry request data:
route decorators (Flask, FastAPI, Starlette), Django views, Flask `MethodView` handlers and
views registered with `add_url_rule`."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aigentflow.review.python.context import ModuleContext
    from aigentflow.review.python.values import Val

__all__ = [
    "REQUEST_PARAMS",
    "ROUTE_ATTRS",
    "fixed_rules",
    "in_view_class",
    "registered_views",
    "route_info",
    "view_handler",
]

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef

ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "delete", "patch", "api_route", "websocket", "head"})
REQUEST_PARAMS = frozenset({"request", "req"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch"})
_VIEW_FUNC = re.compile(r"add_url_rule\([^)]*?view_func\s*=\s*(\w+)\s*[,)]")
_VIEW_POSITIONAL = re.compile(r"add_url_rule\(\s*[^,()]+,\s*[^,()]+,\s*(\w+)\s*[,)]")
_VARIABLE_PREFIX = re.compile(r"url_prefix\s*=\s*[a-z]*[\"'][^\"'\n]*<")
_NUMERIC_CONVERTERS = frozenset({"int", "float", "uuid"})  # values that cannot carry an attack


def route_info(
    fn: FuncNode, web: bool = True, django: bool = False, views: bool = False
) -> tuple[bool, set[str]]:
    """Whether `fn` handles web requests, and which of its parameters carry request data.

    `views`: the module imports class-based views (Flask `MethodView`), whose `get`/`post`/...
    methods handle requests with the URL's variables as parameters.
    """
    params = [a.arg for a in fn.args.args + fn.args.kwonlyargs]
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in {"errorhandler", "app_errorhandler"}:
            return True, set()  # an error page: what it returns is HTML too
        if name not in ROUTE_ATTRS:
            continue
        path = ""
        if isinstance(dec, ast.Call) and dec.args and isinstance(dec.args[0], ast.Constant):
            path = str(dec.args[0].value)
        if "<" in path:  # Flask/Werkzeug converters name the path parameters
            names = {
                variable.split(":")[-1]
                for variable in (part.split(">")[0] for part in path.split("<")[1:])
                if variable.split(":")[0] not in _NUMERIC_CONVERTERS or ":" not in variable
            }
            return True, {p for p in params if p in names}
        if name != "route":  # FastAPI-style: parameters are query/path/body values
            return True, {p for p in params if p not in {"self", "db", "session", "background_tasks"}}
        return True, set()
    if django and params and params[0] in REQUEST_PARAMS:  # a Django view: URL captures follow
        return True, set(params[1:])
    if django and params[:1] == ["self"] and params[1:2] == ["request"] and fn.name in _HTTP_METHODS:
        return True, set(params[2:])  # a method of a class-based view
    if views and params[:1] == ["self"] and fn.name in _HTTP_METHODS:
        return True, set(params[1:])  # a method of a Flask MethodView: URL variables follow
    if web and params and params[0] in REQUEST_PARAMS:  # a Starlette-style endpoint
        return True, set()
    return False, set()


def fixed_rules(fn: FuncNode, text: str, constants: Mapping[str, Val] | None = None) -> bool:
    """Whether every URL rule routed to `fn` by a decorator is a constant without variables
    (`@app.route("/reports/latest")`, or a module constant `@app.route(REPORTS)`): the path
    of any request it handles is then one of those rules, so `request.path` carries nothing
    the client chose. False for functions without such a decorator, and in modules whose
    blueprint prefixes hold variables. `text` is the module's (the prefix check is memoized)."""
    rules = 0
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name not in ROUTE_ATTRS:
            continue
        rule = (
            _constant_rule(dec.args[0], constants or {}) if isinstance(dec, ast.Call) and dec.args else None
        )
        if rule is None or "<" in rule:
            return False
        rules += 1
    return rules > 0 and not _variable_prefix(text)


def _constant_rule(node: ast.expr, constants: Mapping[str, Val]) -> str | None:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    held = constants.get(node.id) if isinstance(node, ast.Name) else None
    if held is None or not held.known or held.tainted:
        return None
    return held.value if isinstance(held.value, str) else None


@lru_cache(maxsize=8)
def _variable_prefix(text: str) -> bool:
    """Whether a blueprint of the module puts URL variables before its rules."""
    return "url_prefix" in text and _VARIABLE_PREFIX.search(text) is not None


def view_handler(fn: FuncNode) -> bool:
    """A method that may handle requests in a class-based view (URL variables are its sources)."""
    return fn.name in _HTTP_METHODS and bool(fn.args.args) and fn.args.args[0].arg == "self"


@lru_cache(maxsize=8)
def registered_views(text: str) -> frozenset[str]:
    """Functions registered as views without a decorator: `app.add_url_rule(rule, view_func=f)`
    or `app.add_url_rule(rule, endpoint, f)`."""
    if "add_url_rule" not in text:
        return frozenset()
    return frozenset(_VIEW_FUNC.findall(text)) | frozenset(_VIEW_POSITIONAL.findall(text))


def in_view_class(ctx: ModuleContext, fn: FuncNode) -> bool:
    """Whether the top-level class around `fn` names a view base (`class Items(MethodView):`);
    read from the text, as a function node does not know its class."""
    starts = ctx.pos.starts
    begin = starts[fn.lineno - 1] if fn.lineno <= len(starts) else len(ctx.text)
    header = ctx.text.rfind("\nclass ", 0, begin)
    if header < 0:
        header = 0 if ctx.text.startswith("class ") else -1
    if header < 0:
        return False
    line_end = ctx.text.find("\n", header + 1)
    return "View" in ctx.text[header : line_end if line_end >= 0 else begin]
