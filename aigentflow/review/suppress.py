"""Inline suppressions: `aigentflow: allow` comments, and the edit that adds one.

`aigentflow: allow` on a line silences every rule on it; `aigentflow: allow[ID, …]` only the
listed rules (an id may end in `*` to cover a family, e.g. `secret.*`);
`aigentflow: allow-next-line[…]` on a line of its own applies to the line below.
"""

from __future__ import annotations

import re

from aigentflow.review.findings import Finding, TextEdit
from aigentflow.review.rules import SourceFile

__all__ = ["comment_token", "is_suppressed", "suppression_edit"]

_ALLOW = re.compile(r"aigentflow:\s*allow(?P<next>-next-line)?(?:\[(?P<ids>[^\]]*)\])?")

_HASH = {"python", "shell", "yaml", "toml", "dotenv", "ruby", "dockerfile", "terraform", "perl", "r"}
_SLASH = {
    "javascript",
    "typescript",
    "tsx",
    "go",
    "rust",
    "java",
    "c",
    "cpp",
    "csharp",
    "kotlin",
    "swift",
    "php",
}


def comment_token(language: str | None) -> str | None:
    """The line-comment marker of a language, or None when it has none we can use."""
    if language in _HASH:
        return "#"
    if language in _SLASH:
        return "//"
    return None


def _matches(ids: str | None, rule_id: str) -> bool:
    if ids is None:
        return True
    for raw in ids.split(","):
        wanted = raw.strip()
        if not wanted:
            continue
        if wanted == rule_id or (wanted.endswith("*") and rule_id.startswith(wanted[:-1])):
            return True
    return False


def is_suppressed(finding: Finding, source: SourceFile) -> bool:
    """Whether an allow comment covers this finding."""
    if not source.has_allow_comments:
        return False
    for match in _ALLOW.finditer(source.line_text(finding.line)):
        if not match.group("next") and _matches(match.group("ids"), finding.rule_id):
            return True
    for match in _ALLOW.finditer(source.line_text(finding.line - 1)):
        if match.group("next") and _matches(match.group("ids"), finding.rule_id):
            return True
    return False


def suppression_edit(finding: Finding, source: SourceFile) -> TextEdit | None:
    """The edit that appends an allow comment for this finding, or None if the file cannot take one.

    Multi-line findings (a private key block) and languages without line comments get None:
    the baseline is the way to accept those.
    """
    token = comment_token(source.language)
    if token is None or finding.end_line > finding.line + (1 if finding.end_column == 1 else 0):
        return None
    line_text = source.line_text(finding.line)
    existing = _ALLOW.search(line_text)
    end = len(line_text) + 1
    if existing and existing.group("ids") is not None and not existing.group("next"):
        ids = [i.strip() for i in existing.group("ids").split(",") if i.strip()]
        ids.append(finding.rule_id)
        replacement = f"aigentflow: allow[{', '.join(ids)}]"
        return TextEdit(
            line=finding.line,
            column=existing.start() + 1,
            end_line=finding.line,
            end_column=existing.end() + 1,
            new_text=replacement,
        )
    return TextEdit(
        line=finding.line,
        column=end,
        end_line=finding.line,
        end_column=end,
        new_text=f"  {token} aigentflow: allow[{finding.rule_id}]",
    )
