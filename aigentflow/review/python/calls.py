"""Calls, subscripts and stores: sources, sanitizers, container operations, summaries."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from aigentflow.review.python import config, containers, forms, inline, library, methods, regexes, sinks
from aigentflow.review.python.containers import labels_of
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
from aigentflow.review.python.values import ALL_KINDS, QUOTE_FREE, Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["evaluate_call", "evaluate_site", "store_attribute", "store_subscript"]

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
_HEX_DIGITS = frozenset({"hex", "hexdigest"})
_HEX_SAFE = ALL_KINDS - {"trust"}  # harmless characters, but still chosen by the user
_DB_ROOTS = frozenset({"session", "select", "update", "delete", "insert"})
_NUMBER_TYPES = frozenset({"int", "float", "bool"})
_REDIRECT = frozenset({"redirect"})


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
    return _checked(it, CallSite(node, qn, meth, recv, args, kwargs))


def evaluate_site(it: FunctionInterp, node: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """A call whose arguments are already evaluated (a call through `functools.partial`)."""
    func = node.func
    meth = func.attr if isinstance(func, ast.Attribute) else None
    recv = it.ev(func.value) if isinstance(func, ast.Attribute) and not it.is_module_ref(func) else None
    return _checked(it, CallSite(node, it.qualname(func), meth, recv, args, kwargs))


def _checked(it: FunctionInterp, call: CallSite) -> Val:
    sinks.check_call(it, call)
    config.check_call(it, call)
    return _result(it, call)


def _result(it: FunctionInterp, call: CallSite) -> Val:
    """The call's value: the first step that knows it, else the arguments' taint joined."""
    name = call.qn or call.meth or ""
    for step in _STEPS:
        found = step(it, call, name)
        if found is not None:
            return found
    return Val(labels_of(call.recv, *call.args, *call.kwargs.values()))


def _local_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """A nested function, lambda or partial of this function: run with its variables."""
    func = call.node.func
    if isinstance(func, ast.Name) and func.id in it.local_defs:
        return inline.call_local(it, func.id, call.node, call.args, call.kwargs)
    return None


def _source_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    if name in SOURCE_CALLS:
        return it.source_val(SOURCE_CALLS[name], call.node, local=True)
    return None


def _source_method_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    if call.meth in SOURCE_METHODS and call.recv is not None:
        return it.source_val(f"data received by .{call.meth}()", call.node)
    return None


def _attribute_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`getattr(obj, "name")` / `setattr(obj, "name", value)` with a constant name."""
    if name not in {"getattr", "setattr"} or (attr := _named_attribute(call.node, call.args)) is None:
        return None
    args = call.args
    if name == "setattr" and len(args) == 3:  # setattr(obj, "name", value): obj.name = value
        store_attribute(it, attr, args[2])
        return Val.const(None)
    if name == "getattr":
        found = it.ev(attr)
        return found.join(args[2]) if len(args) > 2 else found
    return None


def _cast_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    last = name.rsplit(".", 1)[-1]
    if name not in CAST_CALLS and last not in {"url_for", "jsonify"}:
        return None
    if last in {"int", "float", "bool", "len", "abs", "round"} and call.args:
        folded = _fold_builtin(last, call.args[0])
        if folded is not None:
            return folded
    return Val()


def _sanitizer_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    kinds = SANITIZERS.get(name) or (sanitizer_by_name(name) if name not in it.ctx.functions else None)
    return None if kinds is None else Val(labels_of(*call.args)).sanitized(kinds)


def _constructor_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """dict / list / tuple / str and library containers built in view."""
    args, kwargs = call.args, call.kwargs
    if name in NEW_DICT_CALLS:
        if not args:
            return Val(keys={k: v for k, v in kwargs.items() if k != "**"})
        return Val(labels_of(*args), keys=args[0].keys)
    if name.startswith(library.CONTAINER_MODULES) and (made := library.new_container(name, args)) is not None:
        return made
    if name == "string.Template" or call.meth in {"substitute", "safe_substitute"}:
        return library.template_call(call)
    if name in {"list", "tuple"}:
        if not args:
            return Val(items=())
        return Val(items=args[0].items) if args[0].items is not None else args[0].flat()
    if name in {"str", "repr", "ascii"}:
        if not args:
            return Val.const("")
        folded = _fold_builtin("str", args[0]) if name == "str" else None
        return Val(args[0].all_labels(), folded.consts if folded else None)
    return None


def _special_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    return sinks.special_result(it, call.node, name, call.recv, call.args, call.kwargs)


def _method_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """A method on a value: queues and containers, constant strings, escaping `replace`s, formats."""
    recv, meth, args, kwargs = call.recv, call.meth, call.args, call.kwargs
    if recv is None or meth is None:
        return None
    target = call.node.func.value  # type: ignore[attr-defined]
    queued = library.queue_call(recv, meth, args) if recv.items is not None and recv.consts else None
    if queued is not None:
        it.update_root(target, queued[1], strong=isinstance(target, ast.Name))
        return queued[0]
    mutated = containers.mutate(it, target, meth, recv, args)
    if mutated is not None:
        return mutated
    looked = containers.lookup(recv, meth, args, kwargs)
    if looked is not None:
        return looked
    folded = _const_str_call(recv, meth, args)
    if folded is not None:
        return Val(labels_of(recv, *args), folded.consts, folded.items)
    if meth == "replace" and _encodes_tag_open(args):  # s.replace("<", "&lt;"): no tag can open
        return Val(recv.all_labels()).sanitized({"xss"})
    if meth == "replace" and _removes(args, "/"):  # no separator left: a name in the directory
        return Val(recv.all_labels()).sanitized({"path"})
    quote = next((q for q in QUOTE_FREE if meth == "replace" and _removes(args, q)), None)
    if quote is not None:  # s.replace("'", "&apos;"): safe inside '-quoted literals (see exprs)
        return Val(recv.all_labels()).sanitized({QUOTE_FREE[quote]})
    if meth == "format":
        escaped = library.escaped_by_markup(recv, Val(labels_of(*args, *kwargs.values())))
        if escaped:
            return escaped
    if meth in {"format", "format_map"} and recv.known and isinstance(recv.value, str):
        return _formatted(recv.value, meth, args, kwargs)
    return None


def _formatted(text: str, meth: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`text.format(...)` / `text.format_map(mapping)`: the taint of the fields used."""
    used: Val | None = None
    if meth == "format":
        used = library.format_fields(text, args, kwargs)
    elif args and args[0].keys is not None and all(isinstance(k, str) for k in args[0].keys):
        used = library.format_fields(text, [], {str(k): v for k, v in args[0].keys.items()})
    if used is None:
        used = Val(labels_of(*args, *kwargs.values()))
    return used.sanitized(_REDIRECT) if pins_origin(text) else used


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


def _named_attribute(node: ast.Call, args: list[Val]) -> ast.Attribute | None:
    """`getattr(obj, "name")` / `setattr(obj, "name", v)` on a variable: the attribute `obj.name`."""
    if len(node.args) < 2 or not isinstance(node.args[0], ast.Name) or not args[1].known:
        return None
    name = args[1].value
    if not isinstance(name, str) or not name.isidentifier():
        return None
    return ast.copy_location(ast.Attribute(value=node.args[0], attr=name, ctx=ast.Load()), node)


def _removes(args: list[Val], text: str) -> bool:
    """`.replace(text, new)` with a constant `new` that does not bring `text` back."""
    return (
        len(args) == 2
        and args[0].known
        and args[0].value == text
        and args[1].known
        and isinstance(args[1].value, str)
        and text not in args[1].value
    )


def _converted(node: ast.Call) -> bool:
    """A `.get(..., type=int)` lookup (Werkzeug MultiDict): the value is a number or missing."""
    return any(
        kw.arg == "type" and isinstance(kw.value, ast.Name) and kw.value.id in _NUMBER_TYPES
        for kw in node.keywords
    )


def _modelled(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """Results of library calls whose effect on taint is known; None for other calls."""
    last = name.rsplit(".", 1)[-1]
    node, meth, recv, args = call.node, call.meth, call.recv, call.args
    if meth == "get" and recv is not None and recv.tainted and _converted(node):
        return Val()  # request.args.get("n", type=int): Werkzeug converts (or drops) the value
    if name == "re.sub" and len(args) >= 3 and args[0].known and args[1].known and args[1].value == "":
        scrubbed = scrub_kinds(args[0].value)  # re.sub(r"[^a-z0-9]", "", text): only the class is kept
        return Val(args[2].all_labels()).sanitized(scrubbed) if scrubbed else None
    matched = regexes.regex_match(it, call, name)
    if matched is not None:
        return matched
    if meth in _HEX_DIGITS and recv is not None and not args:
        return Val(recv.all_labels()).sanitized(_HEX_SAFE)  # `data.hex()`, `h.hexdigest()`: [0-9a-f]*
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
        form = it.source_val(f"form {last}()", node)  # a WTForms form: its fields' .data are request data
        if last in methods.module_classes(it.ctx.text):  # its fields' types and validators are known
            return Val(form.labels, frozenset({forms.FormOf(last)}))
        return form
    if (
        name == "map"
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in _NUMBER_TYPES
    ):
        return Val()  # map(int, values): numbers
    if name == "filter":
        kept = library.char_filter(node, args)
        if kept is not None:
            return kept
    if name in {"io.BytesIO", "io.StringIO"}:  # file-like, never a path; its content stays tainted
        return Val(labels_of(*args), frozenset({sinks.IN_MEMORY_FILE}))
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
        held = it.env.get(target.value.id)
        if held is not None and held.keys is not None and held.consts and methods.INSTANCE in held.consts:
            keys = {**held.keys, target.attr: val}  # the other attributes keep what they held
            it.env[target.value.id] = Val(held.labels | val.all_labels(), held.consts, None, keys)
            return
    if val.tainted:
        it.update_root(target.value, Val(val.all_labels()))


Step = Callable[["FunctionInterp", CallSite, str], "Val | None"]
# In order: the first step that knows a call's value gives it.
_STEPS: tuple[Step, ...] = (
    _local_call,
    _source_call,
    _attribute_call,
    _source_method_call,
    _cast_call,
    methods.module_function_call,
    methods.record_call,
    _modelled,
    methods.self_method_call,
    methods.instance_method_call,
    methods.class_method_call,
    _sanitizer_call,
    methods.new_instance_call,
    _constructor_call,
    _special_call,
    _method_call,
)
