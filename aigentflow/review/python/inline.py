"""Calls of what a function defines for itself: nested functions (closures over its variables),
lambdas bound to a name, and `functools.partial` objects.

They are followed inline at the call, with the caller's variables visible (a closure reads
them) and the parameters bound to the arguments' values, so a nested `build()` returning
`"ping " + host` carries `host`'s taint, and `tidy = lambda s: s if s.isalnum() else "x"`
cleans what it is given.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from aigentflow.review.python.values import Val, join_all

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["LocalDef", "call_local", "escaped", "note_local"]

LocalDef = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.Call
_PARTIALS = frozenset({"functools.partial", "partial"})
_MAX_DEPTH = 3  # nested inline calls followed (deeper ones fall back to the general rule)


def note_local(it: FunctionInterp, name: str, value: ast.expr) -> None:
    """After `name = value`: remember a lambda or a `functools.partial(f, ...)` bound to it."""
    if isinstance(value, ast.Lambda) or (
        isinstance(value, ast.Call)
        and _last_name(value.func) == "partial"
        and value.args
        and not any(isinstance(a, ast.Starred) for a in value.args)
        and all(kw.arg is not None for kw in value.keywords)
        and (it.qualname(value.func) or "") in _PARTIALS
    ):
        it.local_defs[name] = value


def _last_name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def call_local(
    it: FunctionInterp, name: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
) -> Val | None:
    """The value of calling the local `name`; None when it cannot be followed."""
    target = it.local_defs[name]
    if it.depth >= _MAX_DEPTH or name in it.inlining:
        return None
    if isinstance(target, ast.Call):
        return _call_partial(it, name, target, node, args, kwargs)
    sub = it.nested(name)
    _bind(sub, target.args, args, kwargs)
    _bind_functions(it, sub, target.args, node)
    if isinstance(target, ast.Lambda):
        result = sub.ev(target.body)
    else:
        sub.block(target.body)
        result = sub.ret if sub.ret is not None else Val.const(None)
    it.absorb(sub)
    return result


def _bind(sub: FunctionInterp, spec: ast.arguments, args: list[Val], kwargs: dict[str, Val]) -> None:
    """Parameters take the arguments' values, or their defaults (evaluated where the function
    is defined: in the caller, as for a closure)."""
    positional = [*spec.posonlyargs, *spec.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(spec.defaults)) + list(spec.defaults)
    for index, arg in enumerate(positional):
        if index < len(args):
            sub.env[arg.arg] = args[index]
        elif arg.arg in kwargs:
            sub.env[arg.arg] = kwargs[arg.arg]
        else:
            default = defaults[index]
            sub.env[arg.arg] = sub.ev(default) if default is not None else Val()
    for arg, default in zip(spec.kwonlyargs, spec.kw_defaults, strict=True):
        sub.env[arg.arg] = kwargs.get(arg.arg) or (sub.ev(default) if default is not None else Val())
    if spec.vararg is not None:
        sub.env[spec.vararg.arg] = Val(items=tuple(args[len(positional) :]))
    if spec.kwarg is not None:
        named = {p.arg for p in positional} | {a.arg for a in spec.kwonlyargs}
        sub.env[spec.kwarg.arg] = Val(keys={k: v for k, v in kwargs.items() if k not in named and k != "**"})
        if "**" in kwargs:
            sub.env[spec.kwarg.arg] = join_all([sub.env[spec.kwarg.arg], kwargs["**"]])


def _bind_functions(it: FunctionInterp, sub: FunctionInterp, spec: ast.arguments, node: ast.Call) -> None:
    """Parameters given a lambda or a local function (`apply(lambda v: "x", value)`) call it."""
    positional = [*spec.posonlyargs, *spec.args]
    for param, arg in zip(positional, node.args, strict=False):
        if isinstance(arg, ast.Starred):
            return
        if isinstance(arg, ast.Lambda):
            sub.local_defs[param.arg] = arg
        elif isinstance(arg, ast.Name) and arg.id in it.local_defs:
            sub.local_defs[param.arg] = it.local_defs[arg.id]


def _call_partial(
    it: FunctionInterp, name: str, partial: ast.Call, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
) -> Val:
    """`f = functools.partial(g, a, k=v); f(b)` is `g(a, b, k=v)`: the bound arguments come
    first, the call's keywords override the bound ones."""
    from aigentflow.review.python import calls

    bound_args = [it.ev(a) for a in partial.args[1:]]
    bound_kwargs = {kw.arg: it.ev(kw.value) for kw in partial.keywords if kw.arg is not None}
    call = ast.Call(
        func=partial.args[0],
        args=[*partial.args[1:], *node.args],
        keywords=[*partial.keywords, *node.keywords],
    )
    ast.copy_location(call, node)
    it.inlining.add(name)
    try:
        return calls.evaluate_site(it, call, [*bound_args, *args], {**bound_kwargs, **kwargs})
    finally:
        it.inlining.discard(name)


def escaped(
    it: FunctionInterp, target: ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> None:
    """A lambda or local function passed on as a value (`Thread(target=worker)`, a callback):
    it runs later with arguments the analysis does not see, but with this function's
    variables, so its body is followed once with unknown (clean) arguments."""
    if isinstance(target, ast.Lambda) and not any(isinstance(n, ast.Call) for n in ast.walk(target.body)):
        return  # `key=lambda row: row[1]`: no call, so no sink to reach
    key = f"<escaped {name}>"
    if it.depth >= _MAX_DEPTH or key in it.inlining or name in it.inlining:
        return
    it.inlining.add(key)
    try:
        sub = it.nested(name)
        _bind(sub, target.args, [], {})
        if isinstance(target, ast.Lambda):
            sub.ev(target.body)
        else:
            sub.block(target.body)
        it.absorb(sub)
    finally:
        it.inlining.discard(key)
