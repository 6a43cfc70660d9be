"""Quality rules for Python: cyclomatic complexity and function length over thresholds.

Shares the parsed tree with the Python security rules (one parse per file).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from aigentflow.review.findings import Finding, Severity
from aigentflow.review.rules import RuleMeta, SourceFile

if TYPE_CHECKING:
    from aigentflow.review.python.incremental import Memos
    from aigentflow.review.python.parsing import Positions
    from aigentflow.review.python.segments import SegmentedModule

__all__ = ["QualityPack", "QualitySettings", "cyclomatic_complexity"]

_PY = frozenset({"python"})
COMPLEXITY = RuleMeta(
    id="quality.complexity",
    name="Function too complex",
    severity=Severity.LOW,
    message="Cyclomatic complexity over the threshold",
    fix_hint="Split the function: extract branches into helpers or use a dispatch table.",
    languages=_PY,
    tags=frozenset({"quality"}),
)
LENGTH = RuleMeta(
    id="quality.function-length",
    name="Function too long",
    severity=Severity.LOW,
    message="Function longer than the threshold",
    fix_hint="Extract cohesive steps into smaller functions.",
    languages=_PY,
    tags=frozenset({"quality"}),
)
FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
# The look-ahead on first letters lets most positions fail at one character class.
_DECISION_WORDS = re.compile(r"(?=[acefiow])\b(?:if|elif|for|while|and|or|except|case|assert)\b")


class QualitySettings(BaseModel):
    """Thresholds of the quality rules (`review.quality` in the configuration)."""

    model_config = ConfigDict(extra="forbid")

    max_complexity: int = Field(
        default=15, ge=1, description="Report functions whose cyclomatic complexity exceeds this."
    )
    max_function_lines: int = Field(
        default=100, ge=1, description="Report functions longer than this many lines."
    )


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler, ast.Assert)


def _own_nodes(fn: FuncNode) -> Iterator[ast.AST]:
    """Nodes of a function body, not descending into nested functions, classes or lambdas.

    Children are read from each node's attribute dictionary: its fields are there, and the
    scan is twice as fast as `ast.iter_child_nodes` (the whole walk is the rule's main cost)."""
    stack: list[ast.AST] = [node for node in fn.body if not isinstance(node, _NESTED)]
    while stack:
        node = stack.pop()
        yield node
        for value in node.__dict__.values():
            if type(value) is list:
                stack.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, _NESTED))
            elif isinstance(value, ast.AST) and not isinstance(value, _NESTED):
                stack.append(value)


def cyclomatic_complexity(fn: FuncNode) -> int:
    """McCabe complexity: 1 + decision points (branches, loops, handlers, boolean operators, cases)."""
    score = 1
    for node in _own_nodes(fn):
        if isinstance(node, _BRANCHES):
            score += 1
        elif isinstance(node, ast.BoolOp):
            score += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            score += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case) and not (
            isinstance(node.pattern, ast.MatchAs) and node.pattern.pattern is None
        ):
            score += 1
    return score


class QualityPack:
    """Complexity and length of Python functions."""

    name = "quality"

    def __init__(self, settings: QualitySettings | None = None) -> None:
        self.settings = settings or QualitySettings()
        self._memos: Memos[tuple[SegmentedModule, dict[str, tuple[Finding, ...]]]] | None = None

    @property
    def rules(self) -> Sequence[RuleMeta]:
        return [COMPLEXITY, LENGTH]

    def applies_to(self, source: SourceFile) -> bool:
        return source.language == "python"

    def check(self, source: SourceFile) -> Iterable[Finding]:
        # Imported here so that loading the settings does not load the analysis; shares its parse.
        from aigentflow.review.python.incremental import Memos, move_findings
        from aigentflow.review.python.parsing import iter_statements, module_statements
        from aigentflow.review.python.versions import LineMap, segmented

        module = segmented(source.path, source.text)
        if self._memos is None:
            self._memos = Memos()
        memos = self._memos
        memo = memos.get(source.path)
        lines = LineMap(memo[0], module) if memo is not None else None
        pos = module.positions
        known: dict[str, tuple[Finding, ...]] = {}
        results: dict[int, list[Finding]] = {}
        for index, segment in enumerate(module.segments):
            if memo is not None and lines is not None and lines.has(segment.text):
                cached = memo[1].get(segment.text)
                moved = move_findings(cached, lines) if cached is not None else None
                if moved is not None:
                    results[index] = moved
                    continue
            if not self._may_exceed(module, index):
                results[index] = []
        module.prefetch(i for i in range(len(module.segments)) if i not in results)
        findings: list[Finding] = []
        for index, segment in enumerate(module.segments):
            found = results.get(index)
            if found is None:
                stmts = module.stmts(index)
                if stmts is None:  # the file does not split: check it whole
                    memos.put(source.path, None)
                    tree = module.whole_tree()
                    return (
                        []
                        if tree is None
                        else self._check_functions(source, module, pos, module_statements(tree))
                    )
                found = self._check_functions(
                    source, module, pos, (n for top in stmts for n in iter_statements(top))
                )
            known[segment.text] = tuple(found)
            findings.extend(found)
        memos.put(source.path, (module, known))
        return findings

    def _may_exceed(self, module: SegmentedModule, index: int) -> bool:
        """Whether a function of this segment could pass a threshold, judged from the text alone:
        each decision point needs a keyword, and a function ends before the next definition
        indented no deeper. Most segments need no parse at all."""
        segment = module.segments[index]
        most_lines, most_complex = self.settings.max_function_lines, self.settings.max_complexity
        starts = module.line_starts
        if (
            segment.stop - segment.start <= most_lines
            and module.count_in_code(_DECISION_WORDS, starts[segment.start - 1], starts[segment.stop - 1])
            < most_complex
        ):
            return False
        for line, bound in module.function_extents(index):
            if bound - line > most_lines:
                return True
            words = module.count_in_code(_DECISION_WORDS, starts[line - 1], starts[bound - 1])
            if 1 + words > most_complex:
                return True
        return False

    def _check_functions(
        self, source: SourceFile, module: SegmentedModule, pos: Positions, nodes: Iterable[ast.AST]
    ) -> list[Finding]:
        findings: list[Finding] = []
        text, starts = source.text, pos.starts
        most_complex, most_lines = self.settings.max_complexity, self.settings.max_function_lines
        for node in nodes:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            end = node.end_lineno or node.lineno
            # Every decision point needs a keyword (if/for/while/and/or/except/case/assert), so
            # their count bounds the complexity: most functions need no walk at all.
            begin_at = starts[node.lineno - 1] if node.lineno <= len(starts) else len(text)
            end_at = starts[end] if end < len(starts) else len(text)
            bound = 1 + module.count_in_code(_DECISION_WORDS, begin_at, end_at)
            complexity = cyclomatic_complexity(node) if bound > most_complex else 0
            if complexity > most_complex:
                message = f"{node.name}() has cyclomatic complexity {complexity} (threshold {most_complex})"
                findings.append(_on_name(COMPLEXITY, source, pos, node, "complexity", message))
            length = end - node.lineno + 1
            if length > most_lines:
                message = f"{node.name}() is {length} lines long (threshold {most_lines})"
                findings.append(_on_name(LENGTH, source, pos, node, "length", message))
        return findings


def _on_name(
    rule: RuleMeta, source: SourceFile, pos: Positions, node: FuncNode, basis: str, message: str
) -> Finding:
    """A finding of `rule` on the function's `def name` (its identity survives moves: the name)."""
    line, col = pos.start(node)
    name_end = col + len("async def " if isinstance(node, ast.AsyncFunctionDef) else "def ") + len(node.name)
    return rule.finding(
        source,
        line=line,
        column=col,
        end_line=line,
        end_column=name_end,
        basis=f"{basis}|{node.name}",
        message=message,
    )
