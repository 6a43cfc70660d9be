"""Calls, subscripts and stores: sources, sanitizers, container operations, summaries."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from aigentflow.review.lineheads import heads_of_lines
from aigentflow.review.python import config, containers, forms, inline, library, records, sinks
from aigentflow.review.python.containers import labels_of
from aigentflow.review.python.context import CallSite
from aigentflow.review.python.model import (
    CAST_CALLS,
    NEW_DICT_CALLS,
    SANITIZERS,
    SOURCE_CALLS,
    SOURCE_METHODS,
    match_kinds,
    pins_origin,
    sanitizer_by_name,
    scrub_kinds,
)
from aigentflow.review.python.values import ALL_KINDS, Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["evaluate_call", "evaluate_site", "regex_pattern", "store_attribute", "store_subscript"]

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
_REGEX_FUNCS = frozenset({"re.match", "re.search", "re.fullmatch", "re.findall", "re.finditer"})
_REGEX_METHODS = frozenset({"match", "search", "fullmatch", "findall", "finditer"})
_HEX_DIGITS = frozenset({"hex", "hexdigest"})
_HEX_SAFE = ALL_KINDS - {"trust"}  # harmless characters, but still chosen by the user
_DB_ROOTS = frozenset({"session", "select", "update", "delete", "insert"})
_NUMBER_TYPES = frozenset({"int", "float", "bool"})
_REDIRECT = frozenset({"redirect"})
_CLASS = re.compile(r"class[ \t]+(\w+)")
# The constant that marks an instance of a class defined in the analysed module.
INSTANCE = "<instance of a module class>"


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
    node, qn, meth, recv, args, kwargs = call.node, call.qn, call.meth, call.recv, call.args, call.kwargs
    name = qn or meth or ""
    last = name.rsplit(".", 1)[-1]
    if isinstance(node.func, ast.Name) and node.func.id in it.local_defs:
        inlined = inline.call_local(it, node.func.id, node, args, kwargs)
        if inlined is not None:
            return inlined
    if name in SOURCE_CALLS:
        return it.source_val(SOURCE_CALLS[name], node, local=True)
    if name in {"getattr", "setattr"} and (attr := _named_attribute(node, args)) is not None:
        if name == "setattr" and len(args) == 3:  # setattr(obj, "name", value): obj.name = value
            store_attribute(it, attr, args[2])
            return Val.const(None)
        if name == "getattr":
            found = it.ev(attr)
            return found.join(args[2]) if len(args) > 2 else found
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
    record = _record(it, call, name)
    if record is not None:
        return record
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
    if (
        it.allow_summaries
        and meth is not None
        and isinstance(owner := node.func.value, ast.Name)  # type: ignore[attr-defined]
        and owner.id not in it.env
        and meth in it.ctx.functions
        and owner.id in module_classes(it.ctx.text)
    ):  # Utils.clean(x): a static method (or a class method, `cls` first) of a module class
        if it.fn is not None:  # depends on the method's decorators too (re-analysed when they change)
            it.ctx.calls.append((it.fn, meth))
        bound = _class_bound(it.ctx.functions[meth])
        applied = (
            it.call_module_function(meth, node, [*bound, *args], kwargs, 0) if bound is not None else None
        )
        if applied is not None:
            return applied
    kinds = SANITIZERS.get(name) or (sanitizer_by_name(name) if name not in it.ctx.functions else None)
    if kinds is not None:
        return Val(labels_of(*args)).sanitized(kinds)
    if (
        isinstance(node.func, ast.Name)
        and node.func.id not in it.env
        and node.func.id in module_classes(it.ctx.text)
    ):
        # An instance of a class of this module: its methods are followed through summaries,
        # the attributes only its __init__ sets (to a parameter or a constant) are kept apart.
        fields = records.init_fields(it.ctx.text, node.func.id)
        keys = records.instance_keys(fields, args, kwargs) if fields else None
        return Val(labels_of(*args, *kwargs.values()), frozenset({INSTANCE}), None, keys)
    if name in NEW_DICT_CALLS:
        return (
            Val(keys={k: v for k, v in kwargs.items() if k != "**"})
            if not args
            else Val(labels_of(*args), keys=args[0].keys)
        )
    made = library.new_container(name, args) if name.startswith(library.CONTAINER_MODULES) else None
    if made is not None:
        return made
    if name == "string.Template" or meth in {"substitute", "safe_substitute"}:
        substituted = library.template_call(call)
        if substituted is not None:
            return substituted
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
        if meth == "format" and (
            escaped := library.escaped_by_markup(recv, Val(labels_of(*args, *kwargs.values())))
        ):
            return escaped
        if meth in {"format", "format_map"} and recv.known and isinstance(recv.value, str):
            return _formatted(recv.value, meth, args, kwargs)
    return Val(labels_of(recv, *args, *kwargs.values()))


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


def _regex_match(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
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


@lru_cache(maxsize=8)
def module_classes(text: str) -> frozenset[str]:
    """Names of the classes a module defines at its top level (found in the text, so that no
    class body needs parsing)."""
    if "class" not in text:
        return frozenset()
    return frozenset(match.group(1) for match, indent in heads_of_lines(text, _CLASS) if not indent)


def _instance_of_module_class(val: Val) -> bool:
    return val.consts is not None and INSTANCE in val.consts


def _record(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """A namedtuple type, or an instance of a record type (namedtuple, dataclass, NamedTuple)."""
    func = call.node.func
    if not isinstance(func, ast.Name):
        return records.record_type(name, call.args) if name.endswith("namedtuple") else None
    held = it.env.get(func.id) or it.ctx.globals.get(func.id)
    kind = held.value if held is not None and held.known else None
    if kind is None and func.id not in it.env and func.id in module_classes(it.ctx.text):
        kind = records.record_type_of_class(it.ctx.text, func.id)
    if isinstance(kind, records.RecordType):
        return records.new_record(kind, call.args, call.kwargs)
    return records.record_type(name, call.args) if name.endswith("namedtuple") else None


def _class_bound(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Val] | None:
    """The arguments bound before the call's when a method is called on its class:
    none for a static method, the class for a class method; None for other methods."""
    for dec in fn.decorator_list:
        if isinstance(dec, ast.Name) and dec.id == "staticmethod":
            return []
        if isinstance(dec, ast.Name) and dec.id == "classmethod":
            return [Val()]
    return None


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
    matched = _regex_match(it, call, name)
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
        if last in module_classes(it.ctx.text):  # its fields' types and validators are known
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
        if held is not None and held.keys is not None and held.consts and INSTANCE in held.consts:
            keys = {**held.keys, target.attr: val}  # the other attributes keep what they held
            it.env[target.value.id] = Val(held.labels | val.all_labels(), held.consts, None, keys)
            return
    if val.tainted:
        it.update_root(target.value, Val(val.all_labels()))
