"""What a user's decision about a finding looked like, as a lesson for the project state.

A lesson keeps the lines around the finding before and after the decision's edits (a quick fix
or an allow comment). A secret's span is masked in both, so no lesson ever holds a secret.
"""

from __future__ import annotations

from collections.abc import Sequence

from aigentflow.review.findings import Finding, TextEdit
from aigentflow.review.python.fixes import apply_edits
from aigentflow.state.lessons import Decision, Lesson, mask_span

__all__ = ["lesson_for"]


def _mask_secret(lines: list[str], finding: Finding, first: int) -> list[str]:
    index = finding.line - first
    if (
        finding.rule_id.startswith("secrets.")
        and finding.line == finding.end_line
        and 0 <= index < len(lines)
    ):
        lines[index] = mask_span(lines[index], finding.column - 1, finding.end_column - 1)
    elif finding.rule_id.startswith("secrets."):  # a multi-line secret (a key block): mask it whole
        return [
            line if not finding.line <= first + i <= finding.end_line else "[REDACTED]"
            for i, line in enumerate(lines)
        ]
    return lines


def lesson_for(finding: Finding, text: str, edits: Sequence[TextEdit], decision: Decision) -> Lesson:
    """The lesson of applying `edits` (possibly none) to `text` for `finding`."""
    first = min([finding.line, *(e.line for e in edits)])
    last = max([finding.end_line, *(e.end_line for e in edits)])
    after_text = apply_edits(text, list(edits)) if edits else text
    delta = after_text.count("\n") - text.count("\n")
    before = _mask_secret(text.splitlines()[first - 1 : last], finding, first)
    after = _mask_secret(after_text.splitlines()[first - 1 : last + delta], finding, first)
    return Lesson(
        rule_id=finding.rule_id,
        decision=decision,
        path=finding.path,
        before="\n".join(before),
        after="\n".join(after),
    )
