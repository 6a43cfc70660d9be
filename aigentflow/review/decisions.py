"""What a user's decision about a finding looked like, as a lesson for the project state.

A lesson keeps the lines around the finding before and after the decision's edits (a quick fix
or an allow comment). A secret's span is masked in both, so no lesson ever holds a secret.
"""

from __future__ import annotations

from collections.abc import Sequence

from aigentflow.review.findings import Finding, TextEdit
from aigentflow.review.masking import mask_secrets
from aigentflow.review.python.fixes import apply_edits
from aigentflow.state.lessons import Decision, Lesson

__all__ = ["lesson_for"]


def lesson_for(finding: Finding, text: str, edits: Sequence[TextEdit], decision: Decision) -> Lesson:
    """The lesson of applying `edits` (possibly none) to `text` for `finding`."""
    first = min([finding.line, *(e.line for e in edits)])
    last = max([finding.end_line, *(e.end_line for e in edits)])
    after_text = apply_edits(text, list(edits)) if edits else text
    delta = after_text.count("\n") - text.count("\n")
    before = mask_secrets(text.splitlines()[first - 1 : last], [finding], first)
    after = mask_secrets(after_text.splitlines()[first - 1 : last + delta], [finding], first)
    return Lesson(
        rule_id=finding.rule_id,
        decision=decision,
        path=finding.path,
        before="\n".join(before),
        after="\n".join(after),
    )
