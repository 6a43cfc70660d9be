"""Calls, subscripts and stores: sources, sanitizers, container operations, summaries."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from aigentflow.review.lineheads import heads_of_lines
from aigentflow.review.python import config, sinks
from aigentflow.review.python.context import CallSite
from aigentflow.review.python.model import (
    CAST_CALLS,
    NEW_DICT_CALLS,
    SANITIZERS,
    SOURCE_CALLS,
    SOURCE_METHODS,
    pins_origin,
    sanitizer_by_name,
    scrub_kinds,
)
from aigentflow.review.python.values import Label, Val, join_all

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["evaluate_call", "store_attribute", "store_subscript", "subscript"]

_STR_METHODS = frozenset(
    {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "replace",
        "title",
        "capitalize",
        "casefold",
        "zfill",
        "format",
        "join",
        "startswith",
        "endswith",
        "split",
        "encode",
        "decode",
        "find",
        "count",
    }
)
_HTML_TYPES = ("html", "xml", "svg")
_QUERY_RUNS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
_QUERY_FUNCS = frozenset({"pandas.read_sql", "pandas.read_sql_query"})
# Methods of ORM queries (`User.query.filter_by(...).first()`, `db.session.get(User, id)`).
_ORM_QUERIES = frozenset(
    {
        "first", "one", "one_or_none", "all", "get", "get_or_404", "first_or_404", "one_or_404",
        "scalar", "scalar_one", "scalar_one_or_none", "scalars", "filter", "filter_by", "where",
        "order_by", "limit", "offset", "paginate", "count", "exists", "values", "values_list", "exclude",
    }
)  # fmt: skip
_DB_ROOTS = frozenset({"session", "select", "update", "delete", "insert"})
_NUMBER_TYPES = frozenset({"int", "float", "bool"})
_REDIRECT = frozenset({"redirect"})
_CLASS = re.compile(r"class[ \t]+(\w+)")
# The constant that marks an instance of a class defined in the analysed module.
INSTANCE = "<instance of a module class>"
# Methods that put their arguments into the receiver (buffers, parsers, queues).
_RECEIVER_TAINTING = frozenset(
    {"write", "writelines", "read_dict", "read_string", "put", "push", "appendleft", "extendleft", "feed"}
)


def subscript(base: Val, index: Val) -> Val:
    """`base[index]` with known positions and keys picked exactly."""
    if index.known:
        key = index.value
        if base.items is not None and isinstance(key, int) and -len(base.items) <= key < len(base.items):
            return base.items[key]
        if base.keys is not None and key in base.keys:
            return base.keys[key]
        if base.consts is not None and not base.tainted:
            try:
                return Val(consts=frozenset({c[key] for c in base.consts}))  # type: ignore[index]
            except (TypeError, IndexError, KeyError):
                return Val()
    if base.keys is not None and base.keys:  # an unknown key of a dict built in view: one of its values
        return Val(base.labels).join(join_all(base.keys.values()))
    if base.items:  # an unknown position: one of the elements, whatever the index was
        return Val(base.labels).join(join_all(base.items))
    return Val(base.all_labels() | index.all_labels())


def _labels(*vals: Val | None) -> frozenset[Label]:
    out: frozenset[Label] = frozenset()
    for val in vals:
        if val is not None:
            out |= val.all_labels()
    return out


def _const_str_call(recv: Val, meth: str, args: list[Val]) -> Val | None:
    if meth not in _STR_METHODS or not recv.known or not isinstance(recv.value, str | bytes):
        return None
    if not all(a.known for a in args):
        return None
    try:
        result = getattr(recv.value, meth)(*(a.value for a in args))
    except Exception:  # folding is best effort
        return None
    if isinstance(result, list):
        return Val(items=tuple(Val.const(r) for r in result))
    return Val.const(result)


def _mutate(it: FunctionInterp, target: ast.expr, meth: str, recv: Val, args: list[Val]) -> Val | None:
    """List/dict/config-parser methods that change their receiver; returns the call's value."""
    items, keys = recv.items, recv.keys
    new: Val | None = None
    result: Val | None = Val()
    if meth == "append" and len(args) == 1:
        new = (
            Val(recv.labels, None, (*items, args[0]), None)
            if items is not None
            else Val(_labels(recv, args[0]))
        )
    elif meth == "extend" and len(args) == 1:
        if items is not None and args[0].items is not None:
            new = Val(recv.labels, None, items + args[0].items)
        else:
            new = Val(_labels(recv, args[0]))
    elif meth == "insert" and len(args) == 2:
        if items is not None and args[0].known and isinstance(args[0].value, int):
            lst = list(items)
            lst.insert(args[0].value, args[1])
            new = Val(recv.labels, None, tuple(lst))
        else:
            new = Val(_labels(recv, args[1]))
    elif meth == "pop":
        if items is not None and items and (not args or (args[0].known and isinstance(args[0].value, int))):
            lst = list(items)
            try:
                result = lst.pop(int(args[0].value) if args else -1)  # type: ignore[call-overload]
            except IndexError:
                return Val()
            new = Val(recv.labels, None, tuple(lst))
        elif keys is not None and args and args[0].known:
            rest = dict(keys)
            result = rest.pop(args[0].value, args[1] if len(args) > 1 else Val())
            new = Val(recv.labels, None, None, rest)
        else:
            return Val(recv.all_labels())
    elif meth == "remove" and len(args) == 1 and items is not None:
        lst = list(items)
        for i, item in enumerate(lst):
            if item is args[0] or (item.known and args[0].known and item.value == args[0].value):
                del lst[i]
                new = Val(recv.labels, None, tuple(lst))
                break
        else:
            new = Val(recv.all_labels())
    elif meth == "clear":
        new = Val(items=()) if items is not None else Val(keys={})
    elif meth == "reverse" and items is not None:
        new = Val(recv.labels, None, tuple(reversed(items)))
    elif meth in {"sort", "add", "discard"}:
        new = Val(_labels(recv, *args))
    elif meth == "update":
        if keys is not None and args and args[0].keys is not None:
            new = Val(recv.labels, None, None, {**keys, **args[0].keys})
        else:
            new = Val(_labels(recv, *args))
    elif meth == "setdefault" and args:
        if keys is not None and args[0].known:
            value = keys.get(args[0].value, args[1] if len(args) > 1 else Val())
            new = Val(recv.labels, None, None, {**keys, args[0].value: value})
            result = value
        else:
            new = Val(_labels(recv, *args))
    elif meth == "set" and len(args) == 3 and keys is not None:  # configparser.set(section, key, value)
        if args[0].known and args[1].known:
            new = Val(recv.labels, None, None, {**keys, (args[0].value, args[1].value): args[2]})
        else:
            new = Val(_labels(recv, args[2]))
    elif meth in {"add_section", "remove_section"} and keys is not None:
        return Val()
    elif meth == "read_dict" and keys is not None and args and args[0].keys is not None:
        merged = dict(keys)
        for section, body in args[0].keys.items():
            for key, val in (body.keys or {}).items():
                merged[(section, key)] = val
            if body.keys is None:
                new = Val(_labels(recv, body))
        new = new or Val(recv.labels, None, None, merged)
    elif meth in _RECEIVER_TAINTING or (
        (items is not None or keys is not None) and any(a.tainted for a in args)
    ):
        new = Val(_labels(recv, *args))
        result = None
    else:
        return None
    if new is not None:
        it.update_root(target, new, strong=isinstance(target, ast.Name))
    return result if result is not None or new is None else None


def _lookup(recv: Val, meth: str, args: list[Val], kwargs: dict[str, Val]) -> Val | None:
    keys = recv.keys
    if meth == "get" and keys is not None:
        if len(args) >= 2 and args[0].known and args[1].known and (args[0].value, args[1].value) in keys:
            return keys[(args[0].value, args[1].value)]
        default = args[1] if len(args) > 1 else kwargs.get("fallback", Val.const(None))
        if args and args[0].known:
            return keys.get(args[0].value, default)
        # An unknown key (an allowlist lookup `MAP.get(user_value, "x")`): one of the values.
        return join_all([Val(recv.labels), default, *keys.values()])
    if meth in {"copy", "__copy__"} and (keys is not None or recv.items is not None):
        return recv
    return None


def evaluate_call(it: FunctionInterp, node: ast.Call) -> Val:
    func = node.func
    qn = it.qualname(func)
    meth = func.attr if isinstance(func, ast.Attribute) else None
    recv: Val | None = None
    if meth is not None and not it.is_module_ref(func):
        recv = it.ev(func.value)  # type: ignore[attr-defined]
    args = [it.ev(a.value).flat() if isinstance(a, ast.Starred) else it.ev(a) for a in node.args]
    kwargs: dict[str, Val] = {}
    for kw in node.keywords:
        val = it.ev(kw.value)
        if kw.arg is not None:
            kwargs[kw.arg] = val
        elif val.keys is not None and all(isinstance(k, str) for k in val.keys):
            kwargs.update({str(k): v for k, v in val.keys.items()})
        else:
            kwargs["**"] = val.flat()
    call = CallSite(node, qn, meth, recv, args, kwargs)
    sinks.check_call(it, call)
    config.check_call(it, call)
    return _result(it, call)


def _result(it: FunctionInterp, call: CallSite) -> Val:
    node, qn, meth, recv, args, kwargs = call.node, call.qn, call.meth, call.recv, call.args, call.kwargs
    name = qn or meth or ""
    last = name.rsplit(".", 1)[-1]
    if name in SOURCE_CALLS:
        return it.source_val(SOURCE_CALLS[name], node, local=True)
    if meth in SOURCE_METHODS and recv is not None:
        return it.source_val(f"data received by .{meth}()", node)
    if name in CAST_CALLS or last in {"url_for", "jsonify"}:
        if last in {"int", "float", "bool", "len", "abs", "round"} and args:
            folded = _fold_builtin(last, args[0])
            if folded is not None:
                return folded
        return Val()
    if (
        it.allow_summaries
        and isinstance(func := node.func, ast.Name)
        and func.id in it.ctx.functions
        and func.id not in it.env
    ):
        applied = it.call_module_function(func.id, node, args, kwargs, 0)
        if applied is not None:
            return applied
    modelled = _modelled(it, call, name, last)
    if modelled is not None:
        return modelled
    if (
        it.allow_summaries
        and meth is not None
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"self", "cls"}
        and meth in it.ctx.functions
    ):
        applied = it.call_module_function(meth, node, [recv or Val(), *args], kwargs, 0)
        if applied is not None:
            return applied
    if (
        it.allow_summaries
        and meth is not None
        and recv is not None
        and _instance_of_module_class(recv)
        and meth in it.ctx.functions
        and _is_method(it.ctx.functions[meth])
    ):
        applied = it.call_module_function(meth, node, [Val(recv.labels), *args], kwargs, 0)
        if applied is not None:
            return applied
    kinds = SANITIZERS.get(name) or (sanitizer_by_name(name) if name not in it.ctx.functions else None)
    if kinds is not None:
        return Val(_labels(*args)).sanitized(kinds)
    if (
        isinstance(node.func, ast.Name)
        and node.func.id not in it.env
        and node.func.id in module_classes(it.ctx.text)
    ):
        # An instance of a class of this module: its methods are followed through summaries.
        return Val(_labels(*args, *kwargs.values()), frozenset({INSTANCE}))
    if name in NEW_DICT_CALLS:
        return (
            Val(keys={k: v for k, v in kwargs.items() if k != "**"})
            if not args
            else Val(_labels(*args), keys=args[0].keys)
        )
    if name in {"list", "tuple"}:
        if not args:
            return Val(items=())
        return Val(items=args[0].items) if args[0].items is not None else args[0].flat()
    if name in {"str", "repr", "ascii"}:
        if not args:
            return Val.const("")
        folded = _fold_builtin("str", args[0]) if name == "str" else None
        return Val(args[0].all_labels(), folded.consts if folded else None)
    special = sinks.special_result(it, node, name, recv, args, kwargs)
    if special is not None:
        return special
    if recv is not None and meth is not None:
        target = node.func.value  # type: ignore[attr-defined]
        mutated = _mutate(it, target, meth, recv, args)
        if mutated is not None:
            return mutated
        looked = _lookup(recv, meth, args, kwargs)
        if looked is not None:
            return looked
        folded = _const_str_call(recv, meth, args)
        if folded is not None:
            return Val(_labels(recv, *args), folded.consts, folded.items)
        if meth == "replace" and _encodes_tag_open(args):  # s.replace("<", "&lt;"): no tag can open
            return Val(recv.all_labels()).sanitized({"xss"})
        if meth == "format" and recv.known and pins_origin(recv.value):
            return Val(_labels(*args, *kwargs.values())).sanitized(_REDIRECT)
    return Val(_labels(recv, *args, *kwargs.values()))


def _orm_query(it: FunctionInterp, func: ast.expr) -> bool:
    """Whether a method call's receiver chain is an ORM query: it passes through `.query` or
    `.objects`, starts at the session or a statement builder of a database object
    (`db.session`, `db.select(User)`), or at a SQLAlchemy construct (`select(User)`)."""
    node = func.value if isinstance(func, ast.Attribute) else func
    for _ in range(12):  # chains are short; stay bounded on generated code
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in {"query", "objects"} or (
                node.attr in _DB_ROOTS and isinstance(node.value, ast.Name)
            ):
                return True
            node = node.value
        else:
            return isinstance(node, ast.Name) and it.ctx.aliases.get(node.id, "").startswith("sqlalchemy.")
    return False


def _encodes_tag_open(args: list[Val]) -> bool:
    """`.replace("<", "&lt;")`: every `<` replaced by text without one (partial filters such as
    `.replace("<script>", "")` leave other tags and so are not this)."""
    return (
        len(args) >= 2
        and args[0].known
        and args[0].value == "<"
        and args[1].known
        and isinstance(args[1].value, str)
        and "<" not in args[1].value
    )


def _converted(node: ast.Call) -> bool:
    """A `.get(..., type=int)` lookup (Werkzeug MultiDict): the value is a number or missing."""
    return any(
        kw.arg == "type" and isinstance(kw.value, ast.Name) and kw.value.id in _NUMBER_TYPES
        for kw in node.keywords
    )


@lru_cache(maxsize=8)
def module_classes(text: str) -> frozenset[str]:
    """Names of the classes a module defines at its top level (found in the text, so that no
    class body needs parsing)."""
    if "class" not in text:
        return frozenset()
    return frozenset(match.group(1) for match, indent in heads_of_lines(text, _CLASS) if not indent)


def _instance_of_module_class(val: Val) -> bool:
    return val.consts is not None and INSTANCE in val.consts


def _is_method(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return bool(fn.args.args) and fn.args.args[0].arg == "self"


def _modelled(it: FunctionInterp, call: CallSite, name: str, last: str) -> Val | None:
    """Results of library calls whose effect on taint is known; None for other calls."""
    node, meth, recv, args = call.node, call.meth, call.recv, call.args
    if meth == "get" and recv is not None and recv.tainted and _converted(node):
        return Val()  # request.args.get("n", type=int): Werkzeug converts (or drops) the value
    if name == "re.sub" and len(args) >= 3 and args[0].known and args[1].known and args[1].value == "":
        scrubbed = scrub_kinds(args[0].value)  # re.sub(r"[^a-z0-9]", "", text): only the class is kept
        return Val(args[2].all_labels()).sanitized(scrubbed) if scrubbed else None
    if (
        (meth in _QUERY_RUNS and recv is not None)
        or name in _QUERY_FUNCS
        or (meth in _ORM_QUERIES and _orm_query(it, node.func))
    ):
        return Val()  # rows of the database, not the request data that shaped the query
    if (
        isinstance(node.func, ast.Name)
        and last.endswith("Form")
        and it.ctx.imports_any("flask_wtf", "wtforms")
    ):
        return it.source_val(f"form {last}()", node)  # a WTForms form: its fields' .data are request data
    if (
        name == "map"
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in _NUMBER_TYPES
    ):
        return Val()  # map(int, values): numbers
    if name in {"io.BytesIO", "io.StringIO"}:  # file-like, never a path; its content stays tainted
        return Val(_labels(*args), frozenset({sinks.IN_MEMORY_FILE}))
    return None


def _fold_builtin(name: str, arg: Val) -> Val | None:
    if arg.consts is None or arg.tainted:
        return None
    fn = {"int": int, "float": float, "bool": bool, "len": len, "abs": abs, "round": round, "str": str}[name]
    try:
        return Val(consts=frozenset({fn(v) for v in arg.consts}))  # type: ignore[operator]
    except (TypeError, ValueError):
        return None


def store_subscript(it: FunctionInterp, target: ast.Subscript, val: Val) -> None:
    base = it.ev(target.value)
    index = it.ev(target.slice) if not isinstance(target.slice, ast.Slice) else Val()
    non_html = sinks.check_store(it, target, base, index, val)
    config.check_store(it, target, index, val, None)
    if index.known and base.keys is not None:
        new = Val(base.labels, None, None, {**base.keys, index.value: val})
    elif (
        index.known
        and base.items is not None
        and isinstance(index.value, int)
        and -len(base.items) <= index.value < len(base.items)
    ):
        items = list(base.items)
        items[index.value] = val
        new = Val(base.labels, None, tuple(items))
    else:
        new = Val(base.all_labels() | val.all_labels() | index.all_labels())
    if isinstance(target.value, ast.Attribute) and target.value.attr == "headers":
        new = new.sanitized({"xss"})  # a response header is not the HTML body
    it.update_root(target.value, new, strong=isinstance(target.value, ast.Name))
    owner = target.value
    if non_html and isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name):
        name = owner.value.id
        if name in it.env:
            it.env[name] = it.env[name].sanitized({"xss"})


def store_attribute(it: FunctionInterp, target: ast.Attribute, val: Val, stmt: ast.AST | None = None) -> None:
    config.check_store(it, target, None, val, getattr(stmt, "value", None))
    if isinstance(target.value, ast.Name):
        it.env[f"{target.value.id}.{target.attr}"] = val
        non_html = val.known and isinstance(val.value, str) and not any(t in val.value for t in _HTML_TYPES)
        if target.attr in {"mimetype", "content_type"} and non_html:
            it.env[target.value.id] = it.ev(target.value).sanitized({"xss"})
            return
    if val.tainted:
        it.update_root(target.value, Val(val.all_labels()))
