"""What detectors report: character spans of sensitive text, and guardrail events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aigentflow.guard.shape import TextShape

__all__ = ["Detector", "GuardEvent", "Span", "merge_spans"]


@dataclass(frozen=True, order=True)
class Span:
    """`text[start:end]` is sensitive. `kind` names the placeholder (EMAIL, CARD, SECRET…)."""

    start: int
    end: int
    kind: str
    rule: str


class Detector(Protocol):
    """Finds sensitive spans in a text; must be pure and fast (it runs on every prompt)."""

    def find(self, text: str, shape: TextShape | None = None) -> list[Span]:
        """Spans of `text`; `shape` (of the same text) is shared between detectors when given."""
        ...


@dataclass(frozen=True)
class GuardEvent:
    """One guardrail decision, without the sensitive value.

    kind: "secret" | "pii" | "injection" | "leak" | "schema"; action: "redacted" | "restored" |
    "fenced" | "flagged" | "blocked"; direction: "outbound" | "inbound".
    """

    kind: str
    action: str
    direction: str
    rule: str
    detail: str = ""
    source: str | None = None


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted by start with overlaps resolved: the earlier (then longer) span wins whole."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for span in ordered:
        if out and span.start < out[-1].end:
            last = out[-1]
            if span.end > last.end:  # extend to cover both, keep the first one's kind
                out[-1] = Span(last.start, span.end, last.kind, last.rule)
            continue
        out.append(span)
    return out
