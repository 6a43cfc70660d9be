"""Library calls whose effect on taint depends on their arguments' shape: string templates that
use only some of the values they are given, FIFO/LIFO queues and deques, character filters.

Each function answers None when the call is not its case (the caller falls back to the
general rule: the result carries the taint of everything passed in).
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aigentflow.review.python.containers import labels_of
from aigentflow.review.python.values import ALL_KINDS, Val

if TYPE_CHECKING:
    from aigentflow.review.python.context import CallSite

__all__ = [
    "CONTAINER_MODULES",
    "CompiledPattern",
    "MarkupText",
    "QueueKind",
    "TemplateText",
    "char_filter",
    "escaped_by_markup",
    "format_fields",
    "group_pattern",
    "new_container",
    "percent_fields",
    "queue_call",
    "template_call",
]

_PERCENT_NAME = re.compile(r"%\((\w+)\)")
_XSS = frozenset({"xss"})
_FORMATTER = string.Formatter()
_CHAR_TESTS = frozenset({"isalnum", "isdigit", "isalpha", "isdecimal", "isnumeric", "isidentifier"})
CONTAINER_MODULES = ("collections.", "queue.", "asyncio.", "multiprocessing.")
_FIFO = ("queue.Queue", "queue.SimpleQueue", "multiprocessing.Queue", "asyncio.Queue")
_LIFO = ("queue.LifoQueue", "asyncio.LifoQueue")
_DEQUES = frozenset({"collections.deque"})
_DICTS = frozenset({"collections.defaultdict"})


@dataclass(frozen=True)
class TemplateText:
    """The constant text of a `string.Template` (so `.substitute` knows which names it uses)."""

    text: str


@dataclass(frozen=True)
class MarkupText:
    """A `Markup` of constant text: `%`, `+` and `.format` on it HTML-escape their operands."""

    text: str


def escaped_by_markup(left: Val, right: Val) -> Val | None:
    """`Markup("<b>%s</b>") % value` / `Markup(...) + value`: a Markup with `value` escaped."""
    if left.known and isinstance(left.value, MarkupText):
        return Val(right.all_labels()).sanitized(_XSS)
    return None


@dataclass(frozen=True)
class CompiledPattern:
    """The value of `re.compile(pattern)` with a constant pattern."""

    pattern: str


@dataclass(frozen=True)
class QueueKind:
    """Marks a queue built in view: `lifo` queues hand out the last item put, others the first."""

    lifo: bool


def format_fields(text: str, args: list[Val], kwargs: dict[str, Val]) -> Val | None:
    """`text.format(*args, **kwargs)`: the taint of the fields the text names, not of every
    argument (`"{other}".format(value=x, other="y")` uses only `other`)."""
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError:
        return None
    used: list[Val] = []
    auto = 0
    for _literal, field, spec, _conv in parsed:
        if field is None:
            continue
        if spec and "{" in spec:
            return None  # nested fields: keep the general rule
        head = re.split(r"[.\[]", field, maxsplit=1)[0]
        if head == "":
            index: int | str = auto
            auto += 1
        else:
            index = int(head) if head.isdigit() else head
        if isinstance(index, int):
            if index >= len(args):
                return None
            used.append(args[index])
        elif index in kwargs:
            used.append(kwargs[index])
        else:
            return None  # a name the call does not pass (or passes through **): unknown
    return Val(labels_of(*used))


def percent_fields(text: object, mapping: Val) -> Val | None:
    """`"%(name)s" % {...}`: the taint of the named keys only, when the dict is known."""
    if not isinstance(text, str) or mapping.keys is None:
        return None
    names = _PERCENT_NAME.findall(text)
    if not names or any(name not in mapping.keys for name in names):
        return None
    return Val(mapping.labels | labels_of(*(mapping.keys[name] for name in names)))


def template_call(call: CallSite) -> Val | None:
    """`string.Template(text)` (a marker holding the text) and its `.substitute(...)` /
    `.safe_substitute(...)`, which use only the names the text holds."""
    if call.qn == "string.Template" and len(call.args) == 1 and call.args[0].known:
        text = call.args[0].value
        return Val.const(TemplateText(text)) if isinstance(text, str) else None
    recv = call.recv
    if call.meth not in {"substitute", "safe_substitute"} or recv is None or not recv.known:
        return None
    template = recv.value
    if not isinstance(template, TemplateText):
        return None
    values = dict(call.kwargs)
    if call.args:
        if call.args[0].keys is None or any(not isinstance(k, str) for k in call.args[0].keys):
            return None
        values = {**{str(k): v for k, v in call.args[0].keys.items()}, **values}
    used: list[Val] = []
    for match in string.Template.pattern.finditer(template.text):
        name = match.group("named") or match.group("braced")
        if name is None:
            continue
        if name not in values:
            return None if call.meth == "substitute" or "**" in values else Val(labels_of(*used))
        used.append(values[name])
    return Val(labels_of(*used))


def new_container(name: str, args: list[Val]) -> Val | None:
    """Empty containers whose order the analysis keeps: deques, queues, defaultdicts."""
    if name in _DEQUES:
        if not args:
            return Val(items=())
        return Val(items=args[0].items) if args[0].items is not None else Val(args[0].all_labels())
    if name in _DICTS:
        return Val(keys={})
    if name == "collections.ChainMap" and all(a.keys is not None for a in args):
        merged: dict[object, Val] = {}
        for mapping in reversed(args):  # the first mapping that has a key wins
            merged.update(mapping.keys or {})
        return Val(labels_of(*(Val(a.labels) for a in args)), keys=merged)
    if name.endswith(_FIFO) or name.endswith(_LIFO):
        return Val(consts=frozenset({QueueKind(lifo=name.endswith(_LIFO))}), items=())
    return None


def queue_call(recv: Val, meth: str, args: list[Val]) -> tuple[Val, Val] | None:
    """(result, new receiver) of `put`/`get` on a queue built in view; None otherwise."""
    if recv.items is None or recv.consts is None or len(recv.consts) != 1:
        return None
    kind = next(iter(recv.consts))
    if not isinstance(kind, QueueKind):
        return None
    if meth in {"put", "put_nowait"} and args:
        return Val(), Val(recv.labels, recv.consts, (*recv.items, args[0]))
    if meth in {"get", "get_nowait"}:
        if not recv.items:
            return Val(recv.labels), recv
        if kind.lifo:
            return recv.items[-1], Val(recv.labels, recv.consts, recv.items[:-1])
        return recv.items[0], Val(recv.labels, recv.consts, recv.items[1:])
    if meth in {"empty", "qsize", "full", "task_done", "join"}:
        return Val(), recv
    return Val(recv.all_labels()), Val(recv.all_labels(), recv.consts)


def char_filter(node: ast.Call, args: list[Val]) -> Val | None:
    """`filter(str.isalnum, text)` or `filter(lambda c: c.isdigit(), text)`: only characters
    of one class are kept, which no sink gives a meaning to."""
    if len(node.args) != 2 or len(args) != 2:
        return None
    test = node.args[0]
    if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == "str":
        keeps_class = test.attr in _CHAR_TESTS
    elif isinstance(test, ast.Lambda) and len(test.args.args) == 1:
        body, param = test.body, test.args.args[0].arg
        keeps_class = (
            isinstance(body, ast.Call)
            and not body.args
            and isinstance(body.func, ast.Attribute)
            and body.func.attr in _CHAR_TESTS
            and isinstance(body.func.value, ast.Name)
            and body.func.value.id == param
        )
    else:
        return None
    return Val(args[1].all_labels()).sanitized(ALL_KINDS) if keeps_class else None


def group_pattern(pattern: str, number: int) -> str | None:
    """The text of capturing group `number` of a regular expression (0: the whole pattern)."""
    if number == 0:
        return pattern
    stack: list[tuple[int, int]] = []  # (where the group's text starts, its number or 0)
    count, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":  # a class: skip to its end (a leading `]` or `^]` is a member)
            i += 2 if pattern[i + 1 : i + 2] == "^" else 1
            i = pattern.find("]", i + 1)
            if i < 0:
                return None
        elif char == "(":
            named = pattern.startswith("(?P<", i)
            if named or not pattern.startswith("(?", i):
                count += 1
                start = pattern.index(">", i) + 1 if named else i + 1
                stack.append((start, count))
            else:
                stack.append((i + 1, 0))
        elif char == ")" and stack:
            start, index = stack.pop()
            if index == number:
                return pattern[start:i]
        i += 1
    return None
