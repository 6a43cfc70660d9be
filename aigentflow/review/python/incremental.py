"""Re-review a Python file after an edit by re-analysing only the segments the edit touched.

Per file, the findings of the last version are kept per segment (keyed by the segment's text)
with the segments whose function summaries they used. On the next version a segment's
findings are reused, moved to its new lines, when its text, the texts of those segments, and
the *module key* (module-level code, imports, the set of function names) are all unchanged.
Everything else is analysed again, with the unchanged segments' syntax trees reused and any
function the analysis calls parsed on demand. The result equals a whole-file analysis (tested
by comparing both over series of edits), with one known exception: mutually recursive helpers
are summarised in another order, and a summary cut short by the recursion can differ.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aigentflow.review.findings import Finding
from aigentflow.review.python.context import FunctionTable, ModuleContext, SegmentLoadError, collect_imports
from aigentflow.review.python.methods import module_classes
from aigentflow.review.python.parsing import iter_statements
from aigentflow.review.python.records import read_part
from aigentflow.review.python.segments import SegmentedModule
from aigentflow.review.python.values import Val
from aigentflow.review.python.versions import LineMap

__all__ = [
    "FileMemo",
    "Memos",
    "SegmentFindings",
    "dependencies",
    "functions_in",
    "module_key",
    "move_findings",
    "new_context",
    "reuse_segments",
]

_MAX_FILES = 32
M = TypeVar("M")
ModuleKey = tuple[tuple[str, ...], tuple[str, ...], frozenset[str], frozenset[str], str]


def module_key(module: SegmentedModule) -> ModuleKey:
    """What every segment's analysis may depend on besides the segments it calls."""
    other = tuple(s.text for s in module.segments if s.kind == "other")
    imports = tuple(i for s in module.segments for i in s.imports)
    names = frozenset(n for s in module.segments for n in s.def_names)
    # Calling a class of the module makes an instance whose methods are followed (`calls`);
    # what the analysis reads of forms, records and `__init__`s is part of the key too.
    read = frozenset(part for s in module.segments if s.kind == "class" and (part := read_part(s.text)))
    return other, imports, names, module_classes(module.text) | read, module.path


@dataclass(frozen=True)
class SegmentFindings:
    """The findings located in one segment, and the texts of the segments they depend on."""

    findings: tuple[Finding, ...]
    deps: frozenset[str] = frozenset()


@dataclass
class FileMemo:
    """What the last review of one file knew, in that version's coordinates."""

    module: SegmentedModule
    key: ModuleKey
    segments: dict[str, SegmentFindings]  # by segment text
    top: SegmentFindings  # findings of module-level code
    globals: dict[str, Val]


_LINE_REF = re.compile(r"\(line (\d+)\)")


def move_findings(findings: Iterable[Finding], lines: LineMap) -> list[Finding] | None:
    """The findings at their new lines, or None if any position falls in a changed segment.

    A finding none of whose lines moved is returned as is (findings are immutable).
    """
    if lines.identity:
        return list(findings)
    moved: list[Finding] = []
    for finding in findings:
        new = _moved(finding, lines)
        if new is None:
            return None
        moved.append(new)
    return moved


def _moved(finding: Finding, lines: LineMap) -> Finding | None:
    refs = [finding.line, finding.end_line, *(r.line for r in finding.related)]
    refs += [e.line for fix in finding.fixes for e in fix.edits]
    refs += [int(n) for n in _LINE_REF.findall(finding.message)]
    mapped = {line: lines.line(line) for line in refs}
    if any(v is None for v in mapped.values()):
        return None
    if all(k == v for k, v in mapped.items()):
        return finding

    def at(line: int) -> int:
        return mapped[line] or line

    related = [
        r.model_copy(
            update={
                "line": at(r.line),
                "end_line": None if r.end_line is None else r.end_line - r.line + at(r.line),
            }
        )
        for r in finding.related
    ]
    fixes = [
        fix.model_copy(
            update={
                "edits": [
                    e.model_copy(update={"line": at(e.line), "end_line": e.end_line - e.line + at(e.line)})
                    for e in fix.edits
                ]
            }
        )
        for fix in finding.fixes
    ]
    message = _LINE_REF.sub(lambda m: f"(line {at(int(m.group(1)))})", finding.message)
    update = {"line": at(finding.line), "end_line": at(finding.end_line), "related": related, "fixes": fixes}
    return finding.model_copy(update={**update, "message": message})


def reuse_segments(
    memo: FileMemo | None, module: SegmentedModule, key: ModuleKey
) -> tuple[dict[int, SegmentFindings], SegmentFindings | None]:
    """Segments whose earlier findings still hold (moved to this version), and the module-level ones."""
    if memo is None or memo.key != key:
        return {}, None
    lines = LineMap(memo.module, module)
    valid: dict[int, SegmentFindings] = {}
    for index, segment in enumerate(module.segments):
        if segment.kind == "other":
            continue
        known = memo.segments.get(segment.text)
        if known is None or not lines.has(segment.text) or not all(lines.has(t) for t in known.deps):
            continue
        moved = move_findings(known.findings, lines)
        if moved is not None:
            valid[index] = SegmentFindings(tuple(moved), known.deps)
    # Module-level code can define functions too (under an `if`): their helpers count as well.
    top = move_findings(memo.top.findings, lines) if all(lines.has(t) for t in memo.top.deps) else None
    return valid, (SegmentFindings(tuple(top), memo.top.deps) if top is not None else None)


def skeleton(
    module: SegmentedModule, needed: set[int], *, stubs: bool = True
) -> tuple[ast.Module, list[ast.stmt]]:
    """A module tree with module-level code and the `needed` segments parsed; other functions
    stand in as bodiless definitions (the module body only binds their names). Second, the
    statements that hold every import of the module, in order: the tree's, and the import
    statements inside the other segments (parsed alone, see `SegmentedModule.import_stmts`).

    Raises SegmentLoadError when a segment does not parse on its own.
    """
    body: list[ast.stmt] = []
    imports: list[ast.stmt] = []
    for index, segment in enumerate(module.segments):
        if segment.kind == "other" or index in needed:
            stmts = module.stmts(index)
            if stmts is None:
                raise SegmentLoadError(index)
            body.extend(stmts)
            imports.extend(stmts)
            continue
        if segment.imports:
            found = module.import_stmts(index)
            if found is None:
                found = module.stmts(index)
                if found is None:
                    raise SegmentLoadError(index)
            imports.extend(found)
        if segment.kind == "def" and stubs:
            name = module.top_def_name(index)
            if name:
                stub = ast.FunctionDef(
                    name=name, args=ast.arguments([], [], None, [], [], None, []), body=[], decorator_list=[]
                )
                stub.lineno, stub.col_offset = segment.start, 0
                body.append(stub)
    return ast.Module(body=body, type_ignores=[]), imports


def functions_in(
    module: SegmentedModule, indexes: Iterable[int]
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function of these segments, in statement order."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for index in sorted(indexes):
        stmts = module.stmts(index)
        if stmts is None:
            raise SegmentLoadError(index)
        for top in stmts:
            found.extend(
                n for n in iter_statements(top) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return found


def new_context(module: SegmentedModule, needed: set[int], *, run_top: bool = True) -> ModuleContext:
    """A module context whose function table loads segments on demand (the module body is
    complete, with stand-ins for unparsed functions, only when it is to be run)."""
    tree, imports = skeleton(module, needed, stubs=run_top)
    aliases, imported = collect_imports(ast.Module(body=imports, type_ignores=[]))
    ctx = ModuleContext(
        tree=tree, text=module.text, aliases=aliases, imported=imported, positions=module.positions
    )
    ctx.functions = FunctionTable(module)
    return ctx


def dependencies(
    ctx: ModuleContext, module: SegmentedModule, known: dict[int, SegmentFindings]
) -> Callable[[int], frozenset[str]]:
    """For a segment: the texts of the segments whose summaries its analysis used, transitively."""
    table = ctx.functions
    edges: dict[int, set[int]] = {}
    for caller, name in ctx.calls:
        found = table.resolve(name) if isinstance(table, FunctionTable) else None
        if found is not None:
            edges.setdefault(module.segment_at(caller.lineno), set()).add(found[0])

    def deps(index: int) -> frozenset[str]:
        seen: set[int] = set()
        stack = list(edges.get(index, ()))
        texts: set[str] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            texts.add(module.segments[current].text)
            if current in known:
                texts |= known[current].deps
            stack.extend(edges.get(current, ()))
        texts.discard(module.segments[index].text)
        return frozenset(texts)

    return deps


class Memos(Generic[M]):
    """What the last review of each recently reviewed file knew (bounded, thread-safe)."""

    def __init__(self, size: int = _MAX_FILES) -> None:
        self._memos: OrderedDict[str, M] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, path: str) -> M | None:
        with self._lock:
            return self._memos.get(path)

    def put(self, path: str, memo: M | None) -> None:
        with self._lock:
            if memo is None:
                self._memos.pop(path, None)
                return
            self._memos[path] = memo
            self._memos.move_to_end(path)
            while len(self._memos) > self._size:
                self._memos.popitem(last=False)
