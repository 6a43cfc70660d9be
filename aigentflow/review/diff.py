"""Diff review: only the lines changed since a revision, and the flows that reach them.

`git` runs without a shell, with `core.fsmonitor` off (a repository's own config could
otherwise name a program to run) and without external diff or textconv drivers.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from aigentflow.errors import FileSkipped, ReviewError, WorkspaceError
from aigentflow.review.engine import FileReview, ReviewEngine, ReviewReport
from aigentflow.review.findings import Finding, Severity
from aigentflow.review.triggers import RULES as TRIGGER_RULES
from aigentflow.review.triggers import human_review_reasons
from aigentflow.workspace import Workspace

__all__ = ["DiffReview", "OwaspSummary", "changed_lines", "review_diff", "summarize_owasp"]

_GIT = ("git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=false")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_TRIGGERS = frozenset(r.id for r in TRIGGER_RULES)
_TIMEOUT_S = 60


class OwaspSummary(BaseModel):
    """Findings of one OWASP Top 10 category (or 'uncategorized')."""

    category: str
    findings: int
    worst: Severity
    rules: list[str]


class DiffReview(BaseModel):
    """The findings on the changed lines of a diff, with a summary per OWASP category."""

    base: str = Field(description="what was compared: 'index vs HEAD' or 'working tree vs REV'")
    files: list[FileReview] = Field(default_factory=list)
    changed_lines: int = 0
    summary: list[OwaspSummary] = Field(default_factory=list)
    human_review: list[str] = Field(
        default_factory=list, description="why a person should review this change"
    )

    @property
    def findings(self) -> list[Finding]:
        return [f for review in self.files for f in review.findings]

    @property
    def report(self) -> ReviewReport:
        return ReviewReport(files=self.files)


def _git(root: str, *args: str) -> str:
    try:
        done = subprocess.run(
            [*_GIT, *args], cwd=root, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ReviewError(f"git {args[0]} failed: {exc}") from exc
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["unknown error"])[0]
        raise ReviewError(f"git {args[0]} failed: {first}")
    return done.stdout


def _require_work_tree(root: str) -> None:
    """ReviewError in words a user understands when `root` is not in a git work tree (git's
    own message for that case, "Not a git repository. Use --no-index …", only confuses)."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except ReviewError:
        inside = False
    if not inside:
        raise ReviewError(f"the workspace {root} is not a git repository: there are no changes to review")


def changed_lines(root: str, rev: str | None) -> tuple[dict[str, set[int]], int]:
    """New-side line numbers changed per file (workspace-relative), and the count of +/- lines.

    `rev` None compares the index with HEAD (what a commit would contain); otherwise the
    working tree with `rev`.
    """
    if rev is not None and (not rev or rev.startswith("-") or any(c.isspace() for c in rev)):
        raise ReviewError(f"invalid revision: {rev!r}")
    which = ["--cached"] if rev is None else [rev]
    out = _git(
        root,
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--unified=0",
        "--relative",
        "--diff-filter=ACMR",
        *which,
        "--",
    )
    changed: dict[str, set[int]] = {}
    total = 0
    current: set[int] | None = None
    for line in out.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = changed.setdefault(target[2:], set()) if target.startswith("b/") else None
        elif line.startswith("--- "):
            continue
        elif (hunk := _HUNK.match(line)) and current is not None:
            start, count = int(hunk.group(1)), int(hunk.group(2) or "1")
            current.update(range(start, start + count))
        elif line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
            total += 1
    return {path: lines for path, lines in changed.items() if lines}, total


def _touches(finding: Finding, lines: set[int]) -> bool:
    if finding.rule_id in _TRIGGERS:
        return True  # a human-review trigger is about the file being changed at all
    if any(line in lines for line in range(finding.line, finding.end_line + 1)):
        return True
    return any(rel.line in lines for rel in finding.related)  # a flow whose source or step changed


def summarize_owasp(findings: Iterable[Finding]) -> list[OwaspSummary]:
    """Counts per OWASP category, worst category first."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.owasp or "uncategorized", []).append(finding)
    out = [
        OwaspSummary(
            category=category,
            findings=len(items),
            worst=max((f.severity for f in items), key=lambda s: s.rank),
            rules=[rule for rule, _ in Counter(f.rule_id for f in items).most_common()],
        )
        for category, items in groups.items()
    ]
    out.sort(key=lambda s: (-s.worst.rank, -s.findings, s.category))
    return out


def review_diff(workspace: Workspace, engine: ReviewEngine, rev: str | None = None) -> DiffReview:
    """Review the lines changed since `rev` (default: the index against HEAD). Raises ReviewError."""
    root = str(workspace.root)
    _require_work_tree(root)
    changed, total = changed_lines(root, rev)
    files: list[FileReview] = []
    for path, lines in sorted(changed.items()):
        try:
            if workspace.is_ignored(path):
                continue
        except WorkspaceError:  # a path that resolves outside the workspace (a symlink)
            continue
        try:
            text = _git(root, "show", f":./{path}") if rev is None else workspace.read_text(path).text
        except FileSkipped as skipped:
            files.append(FileReview(path=path, skipped=skipped.reason))
            continue
        except ReviewError as exc:
            files.append(FileReview(path=path, skipped=str(exc)))
            continue
        findings = [f for f in engine.check_text(path, text) if _touches(f, lines)]
        files.append(FileReview(path=path, findings=findings))
    all_findings = [f for review in files for f in review.findings]
    return DiffReview(
        base="index vs HEAD" if rev is None else f"working tree vs {rev}",
        files=files,
        changed_lines=total,
        summary=summarize_owasp(f for f in all_findings if f.rule_id not in _TRIGGERS),
        human_review=human_review_reasons(all_findings, total),
    )
