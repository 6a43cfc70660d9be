"""Quality rules for Python: cyclomatic complexity and function length over thresholds.

Most functions are judged from the text: a count of decision keywords bounds the complexity,
and where a function might pass a threshold `fnmeasure` reads its exact figures. Only a
segment whose text does not decide (lambdas, `match`, keywords in f-string braces) is parsed,
and then the parse is shared with the Python security rules.
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
    from aigentflow.review.fnmeasure import Measure
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
        measures: dict[int, dict[int, Measure | None]] = {}
        for index, segment in enumerate(module.segments):
            if memo is not None and lines is not None and lines.has(segment.text):
                cached = memo[1].get(segment.text)
                moved = move_findings(cached, lines) if cached is not None else None
                if moved is not None:
                    results[index] = moved
                    continue
            if not self._may_exceed(module, index):
                results[index] = []
                continue
            measures[index] = self._from_text(module, index)
            if None not in measures[index].values():  # the text decided: no parse
                results[index] = self._from_measures(source, module, pos, measures[index])
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
                        else self._check_functions(source, module, pos, module_statements(tree), {})
                    )
                nodes = (n for top in stmts for n in iter_statements(top))
                found = self._check_functions(source, module, pos, nodes, measures.get(index, {}))
            known[segment.text] = tuple(found)
            findings.extend(found)
        memos.put(source.path, (module, known))
        return findings

    def _may_exceed(self, module: SegmentedModule, index: int) -> bool:
        """Whether a function of this segment could pass a threshold, judged from the whole
        segment's text: each decision point needs a keyword. Most segments stop here; for the
        others `_from_text` applies the same bound function by function."""
        segment = module.segments[index]
        if "def" not in segment.text:
            return False  # no function at all (imports, constants): a scan in C, not a search
        most_lines, most_complex = self.settings.max_function_lines, self.settings.max_complexity
        starts = module.line_starts
        return not (
            segment.stop - segment.start <= most_lines
            and (
                len(_DECISION_WORDS.findall(segment.text)) < most_complex  # strings too: a cheap bound
                or module.count_in_code(_DECISION_WORDS, starts[segment.start - 1], starts[segment.stop - 1])
                < most_complex
            )
        )

    def _from_text(self, module: SegmentedModule, index: int) -> dict[int, Measure | None]:
        """Measures read from the text (`fnmeasure`) of this segment's functions that could pass
        a threshold, by `def` line; None for a function whose text does not decide."""
        from aigentflow.review.fnmeasure import measure

        most_complex, most_lines = self.settings.max_complexity, self.settings.max_function_lines
        starts = module.line_starts
        measures: dict[int, Measure | None] = {}
        for line, bound in module.function_extents(index):
            begin, end = starts[line - 1], starts[bound - 1]
            if (
                bound - line <= most_lines
                and 1 + module.count_in_code(_DECISION_WORDS, begin, end) <= most_complex
            ):
                continue  # under both thresholds whatever the exact figures
            measures[line] = measure(module.text[begin:end])
        return measures

    def _from_measures(
        self, source: SourceFile, module: SegmentedModule, pos: Positions, measures: dict[int, Measure | None]
    ) -> list[Finding]:
        findings: list[Finding] = []
        for line, found in measures.items():
            assert found is not None
            indent = len(module.lines[line - 1]) - len(module.lines[line - 1].lstrip(" \t"))
            at = (line, pos.column(line, indent), found.is_async)  # as `pos.start` of the def
            findings.extend(self._report(source, at, found.name, found.complexity, found.lines))
        return findings

    def _check_functions(
        self,
        source: SourceFile,
        module: SegmentedModule,
        pos: Positions,
        nodes: Iterable[ast.AST],
        measures: dict[int, Measure | None],
    ) -> list[Finding]:
        """Findings of the functions among `nodes`, from `measures` where the text decided."""
        findings: list[Finding] = []
        text, starts = source.text, pos.starts
        most_complex = self.settings.max_complexity
        for node in nodes:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            line, col = pos.start(node)
            at = (line, col, isinstance(node, ast.AsyncFunctionDef))
            known = measures.get(node.lineno)
            if known is not None:
                findings.extend(self._report(source, at, node.name, known.complexity, known.lines))
                continue
            end = node.end_lineno or node.lineno
            # Every decision point needs a keyword (if/for/while/and/or/except/case/assert), so
            # their count bounds the complexity: most functions need no walk at all.
            begin_at = starts[node.lineno - 1] if node.lineno <= len(starts) else len(text)
            end_at = starts[end] if end < len(starts) else len(text)
            bound = 1 + module.count_in_code(_DECISION_WORDS, begin_at, end_at)
            complexity = cyclomatic_complexity(node) if bound > most_complex else 0
            findings.extend(self._report(source, at, node.name, complexity, end - node.lineno + 1))
        return findings

    def _report(
        self, source: SourceFile, at: tuple[int, int, bool], name: str, complexity: int, length: int
    ) -> list[Finding]:
        """The findings of one function, on its `def name` at (line, column, async?): the name
        is its identity across moves."""
        most_complex, most_lines = self.settings.max_complexity, self.settings.max_function_lines
        found: list[Finding] = []
        line, col, is_async = at
        name_end = col + len("async def " if is_async else "def ") + len(name)
        reports = (
            (COMPLEXITY, "complexity", complexity > most_complex, f"has cyclomatic complexity {complexity}"),
            (LENGTH, "length", length > most_lines, f"is {length} lines long"),
        )
        for rule, basis, over, what in reports:
            if over:
                limit = most_complex if rule is COMPLEXITY else most_lines
                message = f"{name}() {what} (threshold {limit})"
                found.append(
                    rule.finding(
                        source,
                        line=line,
                        column=col,
                        end_line=line,
                        end_column=name_end,
                        basis=f"{basis}|{name}",
                        message=message,
                    )
                )
        return found
