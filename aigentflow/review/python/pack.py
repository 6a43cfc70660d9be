"""The Python rule pack: one parse and one interpretation per file for every Python rule."""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterable, Sequence

from aigentflow.review.findings import Finding, Fix, RelatedLocation
from aigentflow.review.python import config, fixes
from aigentflow.review.python.catalog import CONFIG_RULES, KIND_RULES, TAINT_RULES
from aigentflow.review.python.context import ConfigHit, Flow, ModuleContext, SegmentLoadError, collect_imports
from aigentflow.review.python.incremental import (
    FileMemo,
    Memos,
    SegmentFindings,
    dependencies,
    functions_in,
    module_key,
    new_context,
    reuse_segments,
)
from aigentflow.review.python.parsing import iter_statements, parse_python
from aigentflow.review.python.taint import analyze_module, hint_pattern, may_hold_findings
from aigentflow.review.python.versions import segmented
from aigentflow.review.rules import RuleMeta, SourceFile

__all__ = ["PythonPack", "analyze"]

logger = logging.getLogger(__name__)


def analyze(source: SourceFile) -> ModuleContext | None:
    """Interpret a Python file; None when it does not parse."""
    tree = parse_python(source.path, source.text)
    if tree is None:
        return None
    aliases, imported = collect_imports(tree)
    ctx = ModuleContext(tree=tree, text=source.text, aliases=aliases, imported=imported)
    analyze_module(ctx)
    ctx.hits.extend(config.check_module(tree, source.path))
    return ctx


class PythonPack:
    """Data-flow (taint) rules and configuration rules for Python.

    Reviews of a file after an edit re-analyse only what the edit can change (see
    `incremental`); the first review of a file, and any version whose parts do not parse on
    their own, is analysed whole.
    """

    name = "python"

    def __init__(self) -> None:
        self._rules: list[RuleMeta] = [*TAINT_RULES, *CONFIG_RULES.values()]
        self._memos: Memos[FileMemo] = Memos()
        self.last_run: tuple[int, int] = (0, 0)  # (segments analysed, segments reused) by the last check

    @property
    def rules(self) -> Sequence[RuleMeta]:
        return self._rules

    def applies_to(self, source: SourceFile) -> bool:
        return source.language == "python"

    def check(self, source: SourceFile) -> Iterable[Finding]:
        try:
            return self._check_segments(source)
        except SegmentLoadError:
            self._memos.put(source.path, None)
        except RecursionError:  # pathologically nested code: no findings rather than a crash
            logger.warning("%s: too deeply nested for the Python analysis", source.path)
            self._memos.put(source.path, None)
            return []
        try:
            ctx = analyze(source)
        except RecursionError:
            logger.warning("%s: too deeply nested for the Python analysis", source.path)
            return []
        return [] if ctx is None else _findings(ctx, source)

    def _check_segments(self, source: SourceFile) -> list[Finding]:
        if not source.path.endswith("settings.py") and not may_hold_findings(source.text):
            self._memos.put(source.path, None)
            self.last_run = (0, 0)
            return []  # no source and no configured call anywhere: nothing to parse
        module = segmented(source.path, source.text)
        key = module_key(module)
        memo = self._memos.get(source.path)
        valid, top = reuse_segments(memo, module, key)
        others = {i for i, s in enumerate(module.segments) if s.kind == "other"}
        targets = {i for i in range(len(module.segments)) if i not in others and i not in valid}
        self.last_run = (len(targets) + (len(others) if top is None else 0), len(valid))
        if top is not None and not targets:
            return [f for part in (top, *valid.values()) for f in part.findings]
        analysed = targets | (others if top is None else set())
        module.prefetch(i for i, s in enumerate(module.segments) if s.kind == "other")
        ctx = new_context(module, set(), run_top=top is None)
        if top is not None and memo is not None:
            ctx.globals = memo.globals
        # Only segments that mention a source or a configured call can hold a finding (the
        # per-function test of `analyze_module`, made before parsing): the rest stay unparsed
        # unless a caller needs one of their functions.
        hints = hint_pattern(ctx)
        starts = module.line_starts
        wanted = {
            i
            for i in analysed
            if i in others
            or ctx.mentions(hints, starts[module.segments[i].start - 1], starts[module.segments[i].stop - 1])
        }
        module.prefetch(wanted)
        analyze_module(ctx, functions_in(module, wanted), run_top=top is None)
        if top is None:
            ctx.hits.extend(config.check_module(ctx.tree, source.path))
        fresh: dict[int, list[Finding]] = {i: [] for i in analysed}
        for finding in _findings(ctx, source):
            index = module.segment_at(finding.line)
            if index in fresh:  # findings in reused segments are known already
                fresh[index].append(finding)
        deps = dependencies(ctx, module, valid)
        if top is None:
            top = SegmentFindings(
                tuple(f for i in sorted(others) for f in fresh[i]),
                frozenset(t for i in others for t in deps(i)),
            )
        segments = {module.segments[i].text: found for i, found in valid.items()}
        for index in targets:
            segments[module.segments[index].text] = SegmentFindings(tuple(fresh[index]), deps(index))
        self._memos.put(source.path, FileMemo(module, key, segments, top, ctx.globals))
        found = list(top.findings)
        for index in range(len(module.segments)):
            if index in valid:
                found.extend(valid[index].findings)
            elif index in targets:
                found.extend(fresh[index])
        return found


def _findings(ctx: ModuleContext, source: SourceFile) -> list[Finding]:
    """The findings of an analysed module: one per flow or hit and position."""
    findings: list[Finding] = []
    seen: set[tuple[str, int, int]] = set()
    for flow in ctx.flows:
        key = (flow.kind, getattr(flow.node, "lineno", 0), getattr(flow.node, "col_offset", 0))
        if key not in seen:
            seen.add(key)
            findings.append(_flow_finding(ctx, source, flow))
    for hit in ctx.hits:
        key = (hit.key, getattr(hit.node, "lineno", 0), getattr(hit.node, "col_offset", 0))
        if key not in seen:
            seen.add(key)
            findings.append(_hit_finding(ctx, source, hit))
    return findings


def _flow_finding(ctx: ModuleContext, source: SourceFile, flow: Flow) -> Finding:
    meta = KIND_RULES[flow.kind]
    pos = ctx.pos
    (line, col), (end_line, end_col) = pos.start(flow.node), pos.end(flow.node)
    origin = flow.label.origin
    message = (
        f"{meta.name}: {origin.what} (line {origin.line}) reaches {flow.sink} (line {line}) "
        f"without a {flow.kind if flow.kind != 'xss' else 'HTML-escaping'} sanitizer"
    )
    related = [
        RelatedLocation(
            path=source.path, line=origin.line, column=origin.column, message=f"source: {origin.what}"
        )
    ]
    for step_line, step_col, text in flow.label.steps:
        related.append(RelatedLocation(path=source.path, line=step_line, column=step_col, message=text))
    for step_line, step_col, text in flow.inner:
        related.append(RelatedLocation(path=source.path, line=step_line, column=step_col, message=text))
    basis = f"{flow.kind}|{flow.sink}|{origin.what}|{source.line_text(line).strip()}"
    return meta.finding(
        source,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        message=message,
        basis=basis,
        related=related,
        fixes=_flow_fixes(ctx, flow),
    )


def _flow_fixes(ctx: ModuleContext, flow: Flow) -> list[Fix]:
    call = flow.node
    if not isinstance(call, ast.Call):
        return []
    name = ast.unparse(call.func)
    found: Fix | None = None
    if flow.kind == "sql" and call.args:
        placeholder = "%s" if ctx.imports_any("psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql") else "?"
        query = (
            _single_assignment(flow, call, call.args[0])
            if isinstance(call.args[0], ast.Name)
            else call.args[0]
        )
        if query is not None:
            found = fixes.sql_fix(ctx.pos, call, query, placeholder)
    elif flow.kind == "cmd" and any(kw.arg == "shell" for kw in call.keywords):
        found = fixes.shell_fix(ctx.pos, call)
    elif flow.kind == "deser" and name.endswith("yaml.load"):
        found = fixes.yaml_fix(ctx.pos, call)
    return [found] if found else []


def _single_assignment(flow: Flow, call: ast.Call, name: ast.Name) -> ast.expr | None:
    """The value of `name` when the enclosing function assigns it exactly once, before the call."""
    if flow.scope is None:
        return None
    assigns = [
        node
        for node in iter_statements(flow.scope)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        and any(
            isinstance(t, ast.Name) and t.id == name.id
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    ]
    if len(assigns) != 1 or not isinstance(assigns[0], ast.Assign) or assigns[0].lineno >= call.lineno:
        return None
    return assigns[0].value


def _hit_finding(ctx: ModuleContext, source: SourceFile, hit: ConfigHit) -> Finding:
    meta = CONFIG_RULES[hit.key]
    (line, col), (end_line, end_col) = ctx.pos.start(hit.node), ctx.pos.end(hit.node)
    basis = f"{hit.key}|{source.line_text(line).strip()}"
    found = [f for f in hit.fixes if isinstance(f, Fix)]
    return meta.finding(
        source,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        message=hit.message,
        basis=basis,
        fixes=found,
        severity=hit.severity,
    )
