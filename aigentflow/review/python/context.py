"""Per-module state shared by the function interpreters: imports, functions, summaries, results."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from aigentflow.review.findings import Severity
from aigentflow.review.python.parsing import Positions, module_statements
from aigentflow.review.python.values import Label, Val

__all__ = ["ConfigHit", "Flow", "ModuleContext", "ParamSink", "Summary", "collect_imports"]


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
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    globals: dict[str, Val] = field(default_factory=dict)
    summaries: dict[str, Summary] = field(default_factory=dict)
    in_progress: set[str] = field(default_factory=set)
    flows: list[Flow] = field(default_factory=list)
    hits: list[ConfigHit] = field(default_factory=list)
    pos: Positions = field(init=False)
    _imports_memo: dict[tuple[str, ...], bool] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.pos = Positions(self.text)

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
