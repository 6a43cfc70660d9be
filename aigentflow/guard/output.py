"""Checks on what comes back: system-prompt leakage and personal data the input did not hold.

Schema failures are reported by the structured-output pipeline; this module only turns them
into events (`schema_event`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aigentflow.guard.pii import PiiDetector
from aigentflow.guard.spans import GuardEvent

__all__ = ["LeakDetector", "new_pii_events", "schema_event"]

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class LeakDetector:
    """Flags an answer that reproduces a run of `window` consecutive words of the system prompt."""

    def __init__(self, system_prompt: str, window: int = 10) -> None:
        words = _words(system_prompt)
        self.window = window
        self._shingles = {tuple(words[i : i + window]) for i in range(len(words) - window + 1)}

    def check(self, answer: str) -> list[GuardEvent]:
        if not self._shingles:
            return []
        words = _words(answer)
        hits = sum(
            tuple(words[i : i + self.window]) in self._shingles for i in range(len(words) - self.window + 1)
        )
        if not hits:
            return []
        share = min(1.0, hits / len(self._shingles))
        return [
            GuardEvent(
                "leak",
                "flagged",
                "inbound",
                "output.system_prompt_leak",
                f"{hits} overlapping runs ({share:.0%} of prompt)",
            )
        ]


def new_pii_events(
    answer: str, known: Iterable[str], detector: PiiDetector | None = None
) -> list[GuardEvent]:
    """Personal data in an answer that was not in the (restored) input: the model produced it."""
    seen = set(known)
    spans = [s for s in (detector or PiiDetector()).find(answer) if answer[s.start : s.end] not in seen]
    kinds = sorted({s.kind for s in spans})
    return [
        GuardEvent("pii", "flagged", "inbound", f"output.pii.{k.lower()}", "personal data in the answer")
        for k in kinds
    ]


def schema_event(schema: str, errors: list[str]) -> GuardEvent:
    """A structured answer that failed validation."""
    detail = f"{schema}: " + "; ".join(errors[:3])
    return GuardEvent("schema", "flagged", "inbound", "output.schema", detail[:300])
