"""The bug fixer's context: exactly what a fix needs, within a token budget.

Assembled from the failures (tests, messages, classification), the source around the traceback
frames (the enclosing function, found with `ast` for Python, a window of lines otherwise), the
functions named in the failure that the failing test imports, the recent git diff and the
earlier attempts, so a rejected patch is not proposed again. Items are added in order of how
likely they hold the bug; whatever does not fit the budget is left out and counted.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from aigentflow.agents.callees import Span, definitions, names_called_in, names_used_by_test
from aigentflow.agents.frames import mentioned_paths, traceback_frames

__all__ = [
    "AttemptSummary",
    "FailureInfo",
    "FixerContext",
    "Retriever",
    "SourceSnippet",
    "build_fixer_context",
    "estimate_tokens",
    "imported_project_files",
]

_WINDOW = 12
_MAX_SNIPPET_LINES = 80
_PER_NAME = 3  # definitions per called name (a method name may exist on several classes)
# (query, limit) -> spans of matching chunks; the code index's search, when there is one
Retriever = Callable[[str, int], list[Span]]
_CALLED = re.compile(r"\b([A-Za-z_]\w*)\(")


def estimate_tokens(text: str) -> int:
    """Rough token count (≈4 characters a token) used for budgets and reports."""
    return (len(text) + 3) // 4


class FailureInfo(BaseModel):
    test_id: str
    test_file: str | None = None
    classification: str
    message: str
    details: str = ""


class SourceSnippet(BaseModel):
    path: str
    start_line: int
    end_line: int
    text: str
    reason: str  # "traceback frame", "failing test", "called by the test", "named in the error"


class AttemptSummary(BaseModel):
    number: int
    explanation: str = ""
    diff: str = ""
    rejected_because: str = ""


class FixerContext(BaseModel):
    """Everything the fixer is given, as data (rendered to a prompt by `render`)."""

    schema_version: str = "1"
    run_id: str
    classification: str
    failures: list[FailureInfo]
    snippets: list[SourceSnippet] = Field(default_factory=list)
    git_diff: str = ""
    attempts: list[AttemptSummary] = Field(default_factory=list)
    token_estimate: int = 0
    omitted: int = Field(default=0, description="Items left out to stay within the budget.")
    notes: list[str] = Field(default_factory=list)

    def render(self) -> str:
        parts = [f"Classification: {self.classification}", "", "## Failing tests"]
        for failure in self.failures:
            parts += [
                f"### {failure.test_id} ({failure.classification})",
                failure.message,
                failure.details,
                "",
            ]
        parts.append("## Source")
        for snip in self.snippets:
            parts += [
                f"### {snip.path} lines {snip.start_line}-{snip.end_line} ({snip.reason})",
                snip.text,
                "",
            ]
        if self.git_diff:
            parts += ["## Recent changes (git diff HEAD)", self.git_diff, ""]
        for attempt in self.attempts:
            parts += [f"## Earlier attempt {attempt.number}: rejected because {attempt.rejected_because}"]
            parts += [attempt.explanation, attempt.diff, ""]
        return "\n".join(parts)


def _enclosing_span(tree: ast.Module, line: int) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            end = node.end_lineno or node.lineno
            if start <= line <= end and (best is None or end - start < best[1] - best[0]):
                best = (start, end)
    return best


def _definition_span(tree: ast.Module, name: str) -> tuple[int, int] | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            return node.lineno, node.end_lineno or node.lineno
    return None


def _parse(path: Path) -> tuple[list[str], ast.Module | None]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [], None
    try:
        return text.splitlines(), ast.parse(text) if path.suffix == ".py" else None
    except (SyntaxError, ValueError):
        return text.splitlines(), None


def _snippet(root: Path, rel: str, line: int, reason: str) -> SourceSnippet | None:
    lines, tree = _parse(root / rel)
    if not lines:
        return None
    span = _enclosing_span(tree, line) if tree is not None else None
    start, end = span or (line - _WINDOW, line + _WINDOW)
    if end - start + 1 > _MAX_SNIPPET_LINES:  # a huge function: the window around the line
        start, end = line - _MAX_SNIPPET_LINES // 2, line + _MAX_SNIPPET_LINES // 2
    start, end = max(1, start), min(len(lines), end)
    text = "\n".join(f"{n:>5} {lines[n - 1]}" for n in range(start, end + 1))
    return SourceSnippet(path=rel, start_line=start, end_line=end, text=text, reason=reason)


_JS_IMPORT = re.compile(r"""(?:require\(|from\s+|import\s*\(?)\s*["'](\.{1,2}/[^"']+)["']""")
_JS_SUFFIXES = ("", ".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", "/index.js", "/index.ts")


def _js_imports(root: Path, test_file: str) -> list[str]:
    """Project files a JavaScript/TypeScript test file requires or imports by relative path."""
    try:
        text = (root / test_file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found: list[str] = []
    for spec in _JS_IMPORT.findall(text):
        base = (root / test_file).parent / spec
        for suffix in _JS_SUFFIXES:
            candidate = Path(str(base) + suffix)
            if candidate.is_file():
                rel = candidate.resolve().relative_to(root.resolve()).as_posix()
                if rel not in found:
                    found.append(rel)
                break
    return found


def imported_project_files(root: Path, test_file: str) -> list[str]:
    """Project files a test file imports (Python: root, src/ and relative imports; JS: relative)."""
    if not test_file.endswith(".py"):
        return _js_imports(root, test_file)
    _, tree = _parse(root / test_file)
    if tree is None:
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = Path(test_file).parent if node.level else Path()
            names = [(base.as_posix().replace("/", ".") + "." if node.level else "") + node.module]
        for name in names:
            parts = name.strip(".").split(".")
            for prefix in (Path(), Path("src")):
                for candidate in (
                    prefix.joinpath(*parts).with_suffix(".py"),
                    prefix.joinpath(*parts, "__init__.py"),
                ):
                    if (root / candidate).is_file() and candidate.as_posix() not in found:
                        found.append(candidate.as_posix())
    return found


def _failing_line(failure: FailureInfo, root: Path, test_line: int | None) -> int | None:
    """The line of the test where it failed: its innermost frame in the test file."""
    frames = [f for f in traceback_frames(failure.details, root) if f.path == failure.test_file]
    return frames[-1].line if frames else test_line


def _called(
    root: Path, failure: FailureInfo, test_line: int | None, defs: dict[str, list[Span]]
) -> list[Span]:
    """Definitions of what the failing test calls (nearest the failing line first), then of the
    functions named in the failure text."""
    names: list[str] = []
    if failure.test_file and test_line:
        names = names_used_by_test(
            root, failure.test_file, test_line, _failing_line(failure, root, test_line)
        )
    names += sorted(set(_CALLED.findall(f"{failure.details}\n{failure.message}")) - set(names))
    spans: list[Span] = []
    for name in names:
        spans.extend(s for s in defs.get(name, [])[:_PER_NAME] if s not in spans)
    # one level further: what those functions call (a wrong result often comes from a helper)
    trees: dict[str, ast.Module | None] = {}
    for span in list(spans):
        for name in names_called_in(root, span, trees):
            spans.extend(s for s in defs.get(name, [])[:_PER_NAME] if s not in spans)
    return spans


def _candidates(
    root: Path, failures: list[FailureInfo], test_line: dict[str, int | None]
) -> list[SourceSnippet]:
    """Snippets in priority order: innermost frames, the tests, what they call, named files."""
    out: list[SourceSnippet] = []
    defs = definitions(root)
    for failure in failures:
        text = f"{failure.details}\n{failure.message}"
        for frame in reversed(traceback_frames(text, root)):
            if (snip := _snippet(root, frame.path, frame.line, "traceback frame")) is not None:
                out.append(snip)
        line = test_line.get(failure.test_id)
        if failure.test_file and line and (snip := _snippet(root, failure.test_file, line, "failing test")):
            out.append(snip)
        for path, start, _ in _called(root, failure, line, defs):
            if (snip := _snippet(root, path, start, "called by the test")) is not None:
                out.append(snip)
        for rel in sorted(mentioned_paths(text, root)):
            if (snip := _snippet(root, rel, 1, "named in the error")) is not None:
                out.append(snip)
    return out


def _retrieved(root: Path, failures: list[FailureInfo], retriever: Retriever) -> list[SourceSnippet]:
    out: list[SourceSnippet] = []
    for failure in failures:
        query = f"{failure.test_id.split('::')[-1]} {failure.message}"
        for path, start, _ in retriever(query, 5):
            if (root / path).is_file() and (snip := _snippet(root, path, start, "found in the index")):
                out.append(snip)
    return out


def build_fixer_context(
    root: Path,
    run_id: str,
    classification: str,
    failures: list[FailureInfo],
    *,
    test_lines: dict[str, int | None] | None = None,
    git_diff: str = "",
    attempts: list[AttemptSummary] | None = None,
    budget_tokens: int = 8000,
    retriever: Retriever | None = None,
) -> FixerContext:
    """The context for `failures` observed under `root`, within `budget_tokens` (estimated).

    `retriever(query, limit)`, when given (the code index), adds chunks found for the failing
    tests' names and messages, after everything the failures point at directly.
    """
    context = FixerContext(
        run_id=run_id,
        classification=classification,
        failures=[f.model_copy(update={"details": f.details[-3000:]}) for f in failures[:5]],
        attempts=list(attempts or []),
        notes=[
            "traceback frames and callees read from the source files"
            + ("; index hits added last" if retriever else "; no index consulted")
        ],
    )
    used = estimate_tokens(context.render())
    seen: set[tuple[str, int, int]] = set()
    candidates = _candidates(root, context.failures, test_lines or {})
    if retriever is not None:
        candidates += _retrieved(root, context.failures, retriever)
    for snip in candidates:
        key = (snip.path, snip.start_line, snip.end_line)
        if key in seen or any(
            s.path == snip.path and s.start_line <= snip.start_line and snip.end_line <= s.end_line
            for s in context.snippets
        ):
            continue
        seen.add(key)
        cost = estimate_tokens(snip.text) + 20
        if used + cost > budget_tokens:
            context.omitted += 1
            continue
        context.snippets.append(snip)
        used += cost
    diff = git_diff[:8000]
    if diff and used + estimate_tokens(diff) <= budget_tokens:
        context.git_diff = diff
        used += estimate_tokens(diff)
    elif diff:
        context.omitted += 1
    context.token_estimate = used
    return context
