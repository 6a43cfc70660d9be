"""The review engine: run every applicable rule pack, then apply configuration, inline
suppressions and the baseline, the same way for every rule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from aigentflow.errors import FileSkipped, ReviewError
from aigentflow.review.baseline import Baseline
from aigentflow.review.findings import Finding, Severity
from aigentflow.review.rules import RuleMeta, RulePack, SourceFile
from aigentflow.review.suppress import is_suppressed
from aigentflow.settings import ReviewSettings, RuleSettings
from aigentflow.workspace import Workspace

if TYPE_CHECKING:
    from aigentflow.review.cache import ReviewCache

__all__ = ["FileReview", "ReviewEngine", "ReviewReport"]

logger = logging.getLogger(__name__)


class FileReview(BaseModel):
    """The findings of one file, or why it was not reviewed."""

    path: str
    findings: list[Finding] = Field(default_factory=list)
    skipped: str | None = None
    invalid_utf8: bool = False


class ReviewReport(BaseModel):
    """The findings of many files."""

    files: list[FileReview] = Field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for review in self.files for f in review.findings]

    def worst(self) -> Severity | None:
        severities = [f.severity for f in self.findings]
        return max(severities, key=lambda s: s.rank) if severities else None


class ReviewEngine:
    """Turns text into findings with every enabled rule."""

    def __init__(
        self, packs: Sequence[RulePack], settings: ReviewSettings, baseline: Baseline | None = None
    ) -> None:
        self.packs = list(packs)
        self.settings = settings
        self.baseline = baseline
        self.rules: dict[str, RuleMeta] = {}
        for pack in self.packs:
            for meta in pack.rules:
                self.rules[meta.id] = meta
        unknown = [key for key in settings.rules if not self._known(key)]
        if unknown:
            raise ReviewError(f"review.rules: unknown rule id(s): {', '.join(sorted(unknown))}")
        # A pack whose every rule is disabled costs nothing: it is not run at all.
        self.active = [pack for pack in self.packs if any(self._enabled(meta.id) for meta in pack.rules)]

    def _enabled(self, rule_id: str) -> bool:
        rule = self._rule_settings(rule_id)
        return rule is None or rule.enabled

    def _known(self, key: str) -> bool:
        if key.endswith("*"):
            return any(rule_id.startswith(key[:-1]) for rule_id in self.rules)
        return key in self.rules

    def _rule_settings(self, rule_id: str) -> RuleSettings | None:
        if rule_id in self.settings.rules:
            return self.settings.rules[rule_id]
        best: tuple[int, RuleSettings] | None = None
        for key, value in self.settings.rules.items():
            if key.endswith("*") and rule_id.startswith(key[:-1]) and (best is None or len(key) > best[0]):
                best = (len(key), value)
        return best[1] if best else None

    def check_source(self, source: SourceFile, *, use_baseline: bool = True) -> list[Finding]:
        """Findings for one file's text, configured, suppressed and baselined."""
        results: list[Finding] = []
        for pack in self.active:
            if not pack.applies_to(source):
                continue
            try:
                found = list(pack.check(source))
            except Exception:  # a pack's bug on one file must not cost the other packs' findings
                logger.exception("%s: the %s rules failed on this file", source.path, pack.name)
                continue
            for finding in found:
                configured = self._configure(finding)
                if configured is not None and not is_suppressed(configured, source):
                    results.append(configured)
        results.sort(key=lambda f: (f.line, f.column, f.rule_id))
        return self.without_baseline(results) if use_baseline else results

    def check_text(self, path: str, text: str, *, use_baseline: bool = True) -> list[Finding]:
        return self.check_source(SourceFile.of(path, text), use_baseline=use_baseline)

    def _configure(self, finding: Finding) -> Finding | None:
        rule = self._rule_settings(finding.rule_id)
        if rule is None:
            return finding
        if not rule.enabled:
            return None
        if rule.severity is not None and rule.severity != finding.severity:
            return finding.model_copy(update={"severity": rule.severity})
        return finding

    def check_file(self, workspace: Workspace, path: str | Path) -> FileReview:
        """Review one workspace file from disk; binary, huge or unreadable files are skipped with a reason."""
        rel = workspace.relpath(path)
        try:
            content = workspace.read_text(path)
        except FileSkipped as skipped:
            return FileReview(path=rel, skipped=skipped.reason)
        findings = self.check_text(rel, content.text)
        return FileReview(path=rel, findings=findings, invalid_utf8=content.invalid_utf8)

    def check_paths(
        self,
        workspace: Workspace,
        paths: Iterable[str | Path],
        *,
        jobs: int = 1,
        cache: ReviewCache | None = None,
    ) -> ReviewReport:
        """Review files and folders (walked with the workspace's ignore rules), in walk order.

        `jobs` > 1 analyses in that many forked worker processes (a command-line run over a
        tree; not for a process with threads, such as the daemon); `cache` skips files whose
        text was reviewed before under the same rules.
        """
        from aigentflow.review.batch import review_tree

        return review_tree(self, workspace, paths, jobs=jobs, cache=cache)

    def without_baseline(self, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not accept."""
        if not self.baseline:
            return findings
        return [f for f in findings if not self.baseline.contains(f.fingerprint)]
