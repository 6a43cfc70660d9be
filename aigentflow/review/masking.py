"""Showing code that may hold a secret: the spans of `secrets.*` findings replaced by a mask.

Used wherever code leaves the review as text for someone else (MCP prompts, recorded lessons).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aigentflow.review.findings import Finding

__all__ = ["MASK", "mask_secrets"]

MASK = "[REDACTED]"


def mask_secrets(lines: Sequence[str], findings: Iterable[Finding], first_line: int = 1) -> list[str]:
    """`lines` (numbered from `first_line`) with the span of every `secrets.*` finding masked."""
    masked = list(lines)
    for finding in findings:
        if not finding.rule_id.startswith("secrets."):
            continue
        for number in range(finding.line, finding.end_line + 1):
            index = number - first_line
            if not 0 <= index < len(masked):
                continue
            text = masked[index]
            start = finding.column - 1 if number == finding.line else 0
            end = finding.end_column - 1 if number == finding.end_line else len(text)
            if end > start:
                masked[index] = text[:start] + MASK + text[end:]
    return masked
