"""Per-module state shared by the function interpreters: imports, functions, summaries, results."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aigentflow.review.blockscan import BlockMatches, Finder
from aigentflow.review.findings import Severity
from aigentflow.review.python.parsing import Positions, iter_statements, module_statements
from aigentflow.review.python.values import Label, Val

if TYPE_CHECKING:
    from aigentflow.review.python.segments import SegmentedModule

__all__ = [
    "CallSite",
    "ConfigHit",
    "Flow",
    "FunctionTable",
    "ModuleContext",
    "ParamSink",
    "SegmentLoadError",
    "Summary",
    "collect_imports",
]

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


class SegmentLoadError(Exception):
    """A segment needed by the analysis does not parse on its own: analyse the whole file instead."""


class FunctionTable(Mapping[str, FuncNode]):
    """A module's functions by name, parsing a segment only when one of its functions is asked for.

    The first definition in statement order wins, as in a whole-module table; the textual
    index of `def` names says which segments to parse, the parse says what is really defined.
    """

    def __init__(self, module: SegmentedModule) -> None:
        self._module = module
        self._candidates: dict[str, list[int]] = {}
        for index, segment in enumerate(module.segments):
            for name in segment.def_names:
                places = self._candidates.setdefault(name, [])
                if not places or places[-1] != index:
                    places.append(index)
        self._defs: dict[int, dict[str, FuncNode]] = {}
        self._resolved: dict[str, tuple[int, FuncNode] | None] = {}

    def _segment_defs(self, index: int) -> dict[str, FuncNode]:
        defs = self._defs.get(index)
        if defs is None:
            stmts = self._module.stmts(index)
            if stmts is None:
                raise SegmentLoadError(index)
            defs = {}
            for top in stmts:
                for node in iter_statements(top):
                    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                        defs.setdefault(node.name, node)
            self._defs[index] = defs
        return defs

    def resolve(self, name: str) -> tuple[int, FuncNode] | None:
        """(segment index, node) of the function `name`, or None when the module has none."""
        if name in self._resolved:
            return self._resolved[name]
        found: tuple[int, FuncNode] | None = None
        for index in self._candidates.get(name, ()):
            node = self._segment_defs(index).get(name)
            if node is not None:
                found = (index, node)
                break
        self._resolved[name] = found
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.resolve(name) is not None

    def __getitem__(self, name: str) -> FuncNode:
        found = self.resolve(name)
        if found is None:
            raise KeyError(name)
        return found[1]

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._candidates if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True)
class Flow:
    """Tainted data reaching a sink: the finding of a data-flow rule, before formatting."""

    kind: str
    node: ast.AST
    sink: str
    label: Label
    inner: tuple[tuple[int, int, str], ...] = ()
    scope: ast.AST | None = None  # the function the sink is in


@dataclass(frozen=True)
class CallSite:
    """One call as the interpreter sees it: the node, its qualified name (when it resolves),
    the method name (for `x.m()`), and the abstract values of receiver and arguments."""

    node: ast.Call
    qn: str | None
    meth: str | None
    recv: Val | None
    args: list[Val]
    kwargs: dict[str, Val]


@dataclass(frozen=True)
class ParamSink:
    """In a summary: parameter `param` reaches a sink of `kind` unless made safe for it."""

    param: int
    kind: str
    sink: str
    line: int
    column: int
    safe: frozenset[str]


@dataclass
class Summary:
    """What calling a module function does with its arguments."""

    params: list[str]
    ret: Val
    param_sinks: list[ParamSink]
    is_route: bool


@dataclass(frozen=True)
class ConfigHit:
    """A configuration-style finding (no data flow): rule key, node, message, fixes."""

    key: str
    node: ast.AST
    message: str
    fixes: tuple[object, ...] = ()
    severity: Severity | None = None  # None: the rule's default


@dataclass
class ModuleContext:
    """Everything known about one module while it is analysed."""

    tree: ast.Module
    text: str
    aliases: dict[str, str]
    imported: frozenset[str]
    functions: Mapping[str, FuncNode] = field(default_factory=dict)
    globals: dict[str, Val] = field(default_factory=dict)
    summaries: dict[str, Summary] = field(default_factory=dict)
    in_progress: set[str] = field(default_factory=set)
    flows: list[Flow] = field(default_factory=list)
    hits: list[ConfigHit] = field(default_factory=list)
    calls: list[tuple[FuncNode, str]] = field(default_factory=list)  # (caller, module function used)
    positions: Positions | None = None  # the text's lines and their offsets, when already known
    pos: Positions = field(init=False)
    # views whose URL rules are all constant (see routes.fixed_rules), filled on demand
    fixed_rule_views: dict[FuncNode, bool] = field(default_factory=dict, repr=False)
    _imports_memo: dict[tuple[str, ...], bool] = field(default_factory=dict, repr=False)
    _matches: dict[Finder, BlockMatches] = field(default_factory=dict, repr=False)

    def mentions(self, pattern: Finder, begin: int = 0, end: int | None = None) -> bool:
        """Whether `pattern` (single-line) matches in text[begin:end], for ranges that start and
        end at line starts: segment after segment, function after function (`BlockMatches`)."""
        found = self._matches.get(pattern)
        if found is None:
            found = self._matches[pattern] = BlockMatches(self.text, pattern, self.pos.starts)
        return found.any(begin, len(self.text) if end is None else end)

    def __post_init__(self) -> None:
        self.pos = self.positions or Positions(self.text)

    def imports_any(self, *prefixes: str) -> bool:
        """Whether the module imports any of these modules (or their submodules); memoized."""
        known = self._imports_memo.get(prefixes)
        if known is None:
            known = any(name == p or name.startswith(p + ".") for name in self.imported for p in prefixes)
            self._imports_memo[prefixes] = known
        return known


def collect_imports(tree: ast.Module) -> tuple[dict[str, str], frozenset[str]]:
    """Alias -> qualified name for every import anywhere in the module, and the modules imported."""
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    for node in module_statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules.add(alias.name)
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".", 1)[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases, frozenset(modules)
