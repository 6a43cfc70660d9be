"""Containers built in view: lists, dicts, config parsers and deques keep their elements by
position or key, so `lst.pop(0); lst[1]` and `m["keyA"]` pick the right element."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from aigentflow.review.python.values import Label, Val, join_all

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = ["labels_of", "lookup", "mutate", "subscript"]

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


def labels_of(*vals: Val | None) -> frozenset[Label]:
    out: frozenset[Label] = frozenset()
    for val in vals:
        if val is not None:
            out |= val.all_labels()
    return out


def mutate(it: FunctionInterp, target: ast.expr, meth: str, recv: Val, args: list[Val]) -> Val | None:
    """List/dict/config-parser methods that change their receiver; returns the call's value."""
    items, keys = recv.items, recv.keys
    new: Val | None = None
    result: Val | None = Val()
    if meth == "append" and len(args) == 1:
        new = (
            Val(recv.labels, None, (*items, args[0]), None)
            if items is not None
            else Val(labels_of(recv, args[0]))
        )
    elif meth == "extend" and len(args) == 1:
        if items is not None and args[0].items is not None:
            new = Val(recv.labels, None, items + args[0].items)
        else:
            new = Val(labels_of(recv, args[0]))
    elif meth == "insert" and len(args) == 2:
        if items is not None and args[0].known and isinstance(args[0].value, int):
            lst = list(items)
            lst.insert(args[0].value, args[1])
            new = Val(recv.labels, None, tuple(lst))
        else:
            new = Val(labels_of(recv, args[1]))
    elif meth in {"appendleft", "popleft"} and items is not None:
        if meth == "popleft":
            if not items:
                return Val(recv.labels)
            result, new = items[0], Val(recv.labels, None, items[1:])
        elif len(args) == 1:
            new = Val(recv.labels, None, (args[0], *items))
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
        new = Val(labels_of(recv, *args))
    elif meth == "update":
        if keys is not None and args and args[0].keys is not None:
            new = Val(recv.labels, None, None, {**keys, **args[0].keys})
        else:
            new = Val(labels_of(recv, *args))
    elif meth == "setdefault" and args:
        if keys is not None and args[0].known:
            value = keys.get(args[0].value, args[1] if len(args) > 1 else Val())
            new = Val(recv.labels, None, None, {**keys, args[0].value: value})
            result = value
        else:
            new = Val(labels_of(recv, *args))
    elif meth == "set" and len(args) == 3 and keys is not None:  # configparser.set(section, key, value)
        if args[0].known and args[1].known:
            new = Val(recv.labels, None, None, {**keys, (args[0].value, args[1].value): args[2]})
        else:
            new = Val(labels_of(recv, args[2]))
    elif meth in {"add_section", "remove_section"} and keys is not None:
        return Val()
    elif meth == "read_dict" and keys is not None and args and args[0].keys is not None:
        merged = dict(keys)
        for section, body in args[0].keys.items():
            for key, val in (body.keys or {}).items():
                merged[(section, key)] = val
            if body.keys is None:
                new = Val(labels_of(recv, body))
        new = new or Val(recv.labels, None, None, merged)
    elif meth in _RECEIVER_TAINTING or (
        (items is not None or keys is not None) and any(a.tainted for a in args)
    ):
        new = Val(labels_of(recv, *args))
        result = None
    else:
        return None
    if new is not None:
        it.update_root(target, new, strong=isinstance(target, ast.Name))
    return result if result is not None or new is None else None


def lookup(recv: Val, meth: str, args: list[Val], kwargs: dict[str, Val]) -> Val | None:
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
