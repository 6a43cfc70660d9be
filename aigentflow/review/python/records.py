"""Records: `namedtuple` types, dataclasses and `NamedTuple` classes of the analysed module.

An instance built in view keeps its fields apart (`Row("ok", param).safe` is clean), the way
dicts built in view keep their keys.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

from aigentflow.review.lineheads import heads_of_lines
from aigentflow.review.python.values import Val

__all__ = [
    "RecordType",
    "class_node",
    "class_text",
    "init_fields",
    "instance_keys",
    "new_record",
    "read_part",
    "record_field",
    "record_type",
    "record_type_of_class",
]

_READ_HEADERS = ("Form", "dataclass", "NamedTuple")
_PLAIN_HEADER = re.compile(r"class\s+\w+\s*(?:\(\s*(?:object)?\s*\))?\s*$")
_NEXT_TOP_LINE = re.compile(r"\n\S")
_METHOD = re.compile(r"(?:async\s+)?def\s")
_NAMEDTUPLES = frozenset({"collections.namedtuple", "namedtuple"})


@dataclass(frozen=True)
class RecordType:
    """A record type: its fields in order (also marks the instances, in their constants)."""

    fields: tuple[str, ...]


def record_type(name: str, args: list[Val]) -> Val | None:
    """`namedtuple("Row", "a b")` / `namedtuple("Row", ["a", "b"])`: the type, when known."""
    if name not in _NAMEDTUPLES or len(args) < 2:
        return None
    spec = args[1]
    if spec.known and isinstance(spec.value, str):
        fields = tuple(spec.value.replace(",", " ").split())
    elif spec.items is not None and all(i.known and isinstance(i.value, str) for i in spec.items):
        fields = tuple(str(i.value) for i in spec.items)
    else:
        return None
    return Val.const(RecordType(fields))


def new_record(kind: RecordType, args: list[Val], kwargs: dict[str, Val]) -> Val | None:
    """An instance: positional arguments fill the fields in order, keywords by name."""
    if len(args) > len(kind.fields) or "**" in kwargs or any(k not in kind.fields for k in kwargs):
        return None
    keys: dict[object, Val] = {field: Val() for field in kind.fields}
    keys.update(zip(kind.fields, args, strict=False))
    keys.update(kwargs)
    return Val(consts=frozenset({kind}), keys=keys)


def record_field(held: Val, attr: str) -> Val | None:
    """`record.attr` of an instance built in view (None when `held` is not one)."""
    if held.keys is None or held.consts is None or len(held.consts) != 1:
        return None
    if not isinstance(next(iter(held.consts)), RecordType):
        return None
    return held.keys.get(attr) or Val(held.all_labels())  # a method: it may read any field


def class_text(text: str, name: str) -> str | None:
    """The source of the top-level class `name` (its decorators included): from its header,
    found where it heads a line at column 0, to the next line that starts with code."""
    header = re.compile(rf"class[ \t]+{re.escape(name)}\b")
    match = next((m for m, indent in heads_of_lines(text, header) if not indent), None)
    if match is None:
        return None
    start = match.start()
    while start and text.startswith("@", above := text.rfind("\n", 0, start - 1) + 1):
        start = above  # the decorator lines right above
    after = _NEXT_TOP_LINE.search(text, match.end())
    return text[start : after.start() + 1 if after else len(text)]


def read_part(source: str) -> str | None:
    """What the analysis reads of a class (`source`, decorators included): for WTForms forms,
    dataclasses and `NamedTuple`s (found by their header's words) and classes without bases
    that have an `__init__` (see `init_fields`), the class without the bodies of its other
    methods; None for other classes. Part of incremental review's module key: an edit there
    re-analyses the code that uses the class, an edit inside another method does not."""
    header = source.split(":", 1)[0]
    plain = _PLAIN_HEADER.search(header) is not None and "def __init__" in source
    if not plain and not any(word in header for word in _READ_HEADERS):
        return None
    kept: list[str] = []
    skipping: int | None = None  # indentation of the method whose body is being left out
    for line in source.splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if skipping is not None and (not stripped or indent > skipping):
            continue
        skipping = None
        if _METHOD.match(stripped) and not stripped.startswith(("def __init__", "async def __init__")):
            skipping = indent
        kept.append(line)
    return "\n".join(kept)


@lru_cache(maxsize=32)
def class_node(text: str, name: str) -> ast.ClassDef | None:
    """The top-level class `name` of a module, parsed from its text alone."""
    source = class_text(text, name)
    if source is None:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.ClassDef) else None


@lru_cache(maxsize=32)
def record_type_of_class(text: str, name: str) -> RecordType | None:
    """The fields of a dataclass or `NamedTuple` class of the module (annotated names, in order)."""
    node = class_node(text, name)
    if node is None or not _is_record_class(node):
        return None
    fields = tuple(
        stmt.target.id
        for stmt in node.body
        if isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and "ClassVar" not in ast.unparse(stmt.annotation)
    )
    return RecordType(fields)


def _is_record_class(node: ast.ClassDef) -> bool:
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if ast.unparse(target).rsplit(".", 1)[-1] == "dataclass":
            if isinstance(dec, ast.Call) and any(kw.arg == "init" for kw in dec.keywords):
                return False  # a hand-written __init__ may store anything
            # a hand-written __init__ or __post_init__ may store anything in the fields
            return not any(
                isinstance(s, ast.FunctionDef) and s.name in {"__init__", "__post_init__"} for s in node.body
            )
    return any(ast.unparse(base).rsplit(".", 1)[-1] == "NamedTuple" for base in node.bases)


# What `__init__` stores in an attribute: a parameter (by position after self, and name) or a constant.
InitField = tuple[int, str] | tuple[None, object]


@lru_cache(maxsize=32)
def init_fields(text: str, name: str) -> dict[str, InitField] | None:
    """Attributes of class `name` that only its `__init__` sets, each straight from one of its
    parameters or to a constant (`self.value = value`, `self.label = "static"`)."""
    node = class_node(text, name)
    if node is None or any(ast.unparse(base) != "object" for base in node.bases) or node.keywords:
        return None  # inherited methods (a dict's `get`, a library's setters) could be anything
    init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    if init is None or init.args.vararg or init.args.kwarg:
        return None
    params = [a.arg for a in init.args.args[1:]]
    fields: dict[str, InitField] = {}
    for stmt in init.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            continue
        if target.value.id != "self" or target.attr in fields:
            fields[target.attr] = (None, _UNKNOWN)
        elif isinstance(value, ast.Name) and value.id in params:
            fields[target.attr] = (params.index(value.id), value.id)
        elif isinstance(value, ast.Constant):
            fields[target.attr] = (None, value.value)
        else:
            fields[target.attr] = (None, _UNKNOWN)
    direct = {id(s.targets[0]) for s in init.body if isinstance(s, ast.Assign)}
    for other in ast.walk(node):  # set anywhere else (another method, a nested block): unknown
        if (
            isinstance(other, ast.Attribute)
            and isinstance(other.ctx, ast.Store)
            and other.attr in fields
            and id(other) not in direct
        ):
            fields[other.attr] = (None, _UNKNOWN)
    return {k: v for k, v in fields.items() if v[1] is not _UNKNOWN} or None


_UNKNOWN = object()


def instance_keys(fields: dict[str, InitField], args: list[Val], kwargs: dict[str, Val]) -> dict[object, Val]:
    """An instance's attributes from its constructor's arguments."""
    keys: dict[object, Val] = {}
    for attr, (index, source) in fields.items():
        if index is None:
            keys[attr] = Val.const(source)
        elif index < len(args):
            keys[attr] = args[index]
        else:
            keys[attr] = kwargs.get(str(source), Val())
    return keys
