"""What a rule is, and how a rule pack reports findings.

A *rule pack* is one analysis (secret patterns, Python data flow, JavaScript structure, …)
that can emit findings for several *rules*, each with its own id, CWE, OWASP category and
default severity. The engine applies configuration (enable/disable, severity overrides),
suppressions and the baseline uniformly, by rule id, after the pack has run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Protocol, runtime_checkable

from aigentflow.review.findings import Finding, Fix, RelatedLocation, Severity, fingerprint

__all__ = ["RuleMeta", "RulePack", "SourceFile", "language_of"]

_LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".rb": "ruby",
    ".php": "php",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".hpp": "cpp",
    ".cs": "csharp",
    ".kt": "kotlin",
    ".swift": "swift",
    ".sh": "shell",
    ".bash": "shell",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".tf": "terraform",
    ".md": "markdown",
    ".html": "html",
    ".env": "dotenv",
}


def language_of(path: str) -> str | None:
    """Best guess at a file's language from its name; None when unknown."""
    name = PurePosixPath(path).name
    if name == "Dockerfile" or name.startswith("Dockerfile."):
        return "dockerfile"
    if name.startswith(".env"):
        return "dotenv"
    return _LANGUAGES.get(PurePosixPath(path).suffix.lower())


@dataclass(frozen=True)
class SourceFile:
    """The text of one file as a rule sees it: a workspace-relative path and its content."""

    path: str
    text: str
    language: str | None = None

    @staticmethod
    def of(path: str, text: str) -> SourceFile:
        return SourceFile(path=path, text=text, language=language_of(path))

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def has_allow_comments(self) -> bool:
        """Whether any inline suppression could be present (one scan per file, not per finding)."""
        return "aigentflow" in self.text

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, or '' past the end."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


@dataclass(frozen=True)
class RuleMeta:
    """The description of one rule: identity, classification, default severity, how to fix."""

    id: str
    name: str
    severity: Severity
    message: str = ""
    cwe: int | None = None
    owasp: str | None = None
    fix_hint: str | None = None
    languages: frozenset[str] | None = None  # None: every language
    tags: frozenset[str] = field(default_factory=frozenset)

    def finding(
        self,
        source: SourceFile,
        *,
        line: int,
        column: int,
        end_line: int | None = None,
        end_column: int | None = None,
        message: str | None = None,
        basis: str | None = None,
        related: Sequence[RelatedLocation] = (),
        fixes: Sequence[Fix] = (),
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule in `source`.

        `basis` is what makes the finding the same finding after lines move (the secret's
        hash, the offending expression); it defaults to the stripped text of the line.
        """
        end_line = end_line if end_line is not None else line
        end_column = end_column if end_column is not None else len(source.line_text(end_line)) + 1
        basis = basis if basis is not None else source.line_text(line).strip()
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            message=message or self.message or self.name,
            path=source.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            cwe=self.cwe,
            owasp=self.owasp,
            fingerprint=fingerprint(self.id, source.path, basis),
            fix_hint=self.fix_hint,
            related=list(related),
            fixes=list(fixes),
        )


@runtime_checkable
class RulePack(Protocol):
    """One analysis that emits findings for the rules it declares."""

    @property
    def name(self) -> str: ...

    @property
    def rules(self) -> Sequence[RuleMeta]: ...

    def applies_to(self, source: SourceFile) -> bool:
        """Cheap test: whether `check` could find anything in this file."""
        ...

    def check(self, source: SourceFile) -> Iterable[Finding]:
        """Every finding in `source`, before suppressions, baseline and configuration."""
        ...
