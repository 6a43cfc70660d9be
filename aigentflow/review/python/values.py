"""Abstract values of the taint interpreter: taint labels plus what is known of the value.

A `Val` carries the taint `Label`s that reach it, the constants it may hold (so conditions
fold: `7 * 18 + num > 200`), and, for lists and dicts built in view, their elements by
position or constant key (so `lst.pop(0); lst[1]` and `m["keyA"]` pick the right element).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

__all__ = ["ALL_KINDS", "QUOTE_FREE", "Label", "Origin", "Val", "join_all"]

# Sink kinds a label can be made safe for.
ALL_KINDS = frozenset(
    {"sql", "cmd", "code", "path", "xss", "redirect", "ldap", "xpath", "xxe", "deser", "trust"}
)
# Marks (kept beside the sink kinds in `Label.safe`) of a value that holds no such quote
# character any more (`s.replace("'", "&apos;")`): it cannot close a literal quoted with it.
QUOTE_FREE = {"'": "quote-free:'", '"': 'quote-free:"'}
_MAX_CONSTS = 8
_MAX_STEPS = 6


@dataclass(frozen=True)
class Origin:
    """Where tainted data enters: a source expression, or (in summaries) a parameter index."""

    what: str
    line: int
    column: int
    param: int | None = None


@dataclass(frozen=True)
class Label:
    """One taint: its origin, the sink kinds it has been made safe for, and the steps it took."""

    origin: Origin
    safe: frozenset[str] = frozenset()
    steps: tuple[tuple[int, int, str], ...] = field(default=(), compare=False, hash=False)

    def live_for(self, kind: str) -> bool:
        return kind not in self.safe

    def step(self, line: int, column: int, text: str) -> Label:
        if len(self.steps) >= _MAX_STEPS or (self.steps and self.steps[-1][0] == line):
            return self
        return replace(self, steps=(*self.steps, (line, column, text)))


_NO_LABELS: frozenset[Label] = frozenset()


class Val:
    """What the interpreter knows about one value. Treated as immutable."""

    __slots__ = ("consts", "items", "keys", "labels")

    def __init__(
        self,
        labels: frozenset[Label] = _NO_LABELS,
        consts: frozenset[object] | None = None,
        items: tuple[Val, ...] | None = None,
        keys: Mapping[object, Val] | None = None,
    ) -> None:
        self.labels = labels
        self.consts = consts
        self.items = items
        self.keys = keys

    @staticmethod
    def const(value: object) -> Val:
        try:
            hash(value)
        except TypeError:
            return Val()
        return Val(consts=frozenset({value}))

    @property
    def known(self) -> bool:
        """Whether the value is exactly one known constant."""
        return self.consts is not None and len(self.consts) == 1

    @property
    def value(self) -> object:
        assert self.consts is not None
        return next(iter(self.consts))

    def all_labels(self) -> frozenset[Label]:
        """Labels of the value and of everything it contains."""
        if self.items is None and self.keys is None:
            return self.labels
        out = set(self.labels)
        for item in self.items or ():
            out |= item.all_labels()
        for item in (self.keys or {}).values():
            out |= item.all_labels()
        return frozenset(out)

    def flat(self) -> Val:
        """The value seen as a whole (a string built from it, an opaque object)."""
        if self.items is None and self.keys is None:
            return self if self.consts is None else Val(self.labels)
        return Val(self.all_labels())

    @property
    def tainted(self) -> bool:
        return bool(self.all_labels())

    def live(self, kind: str) -> Label | None:
        """A label of this value (or its contents) not made safe for `kind`, if any."""
        for label in self.all_labels():
            if label.live_for(kind):
                return label
        return None

    def sanitized(self, kinds: Iterable[str]) -> Val:
        kinds = frozenset(kinds)
        labels = self.all_labels()
        if not labels:
            return self
        return Val(frozenset(replace(lb, safe=lb.safe | kinds) for lb in labels), self.consts)

    def stepped(self, line: int, column: int, text: str) -> Val:
        if not self.labels:
            return self
        labels = frozenset(lb.step(line, column, text) for lb in self.labels)
        return Val(labels, self.consts, self.items, self.keys)

    def join(self, other: Val) -> Val:
        if other is self:
            return self
        consts: frozenset[object] | None = None
        if self.consts is not None and other.consts is not None:
            merged = self.consts | other.consts
            consts = merged if len(merged) <= _MAX_CONSTS else None
        items: tuple[Val, ...] | None = None
        if self.items is not None and other.items is not None and len(self.items) == len(other.items):
            items = tuple(a.join(b) for a, b in zip(self.items, other.items, strict=True))
        keys: dict[object, Val] | None = None
        if self.keys is not None and other.keys is not None:
            keys = dict(self.keys)
            for key, val in other.keys.items():
                keys[key] = keys[key].join(val) if key in keys else val
        labels = self.labels | other.labels
        if items is None and (self.items is not None or other.items is not None):
            labels |= self.all_labels() | other.all_labels()
        if keys is None and (self.keys is not None or other.keys is not None):
            labels |= self.all_labels() | other.all_labels()
        return Val(labels, consts, items, keys)

    def __repr__(self) -> str:  # debugging aid
        return f"Val(labels={len(self.labels)}, consts={self.consts}, items={self.items}, keys={self.keys})"


def join_all(vals: Iterable[Val]) -> Val:
    out: Val | None = None
    for val in vals:
        out = val if out is None else out.join(val)
    return out if out is not None else Val()
