"""Replace secrets and personal data by stable placeholders, and put them back in answers.

A placeholder is `[KIND_xxxxxxxx]`: the kind (EMAIL, CARD, SECRET…) and 8 hex digits of a keyed
hash of the value. The same value always gets the same placeholder within a `Redactor` (the key
is random per process unless given), so a conversation stays coherent across turns, and the
placeholder reveals nothing about the value. The mapping lives only in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aigentflow.guard.shape import TextShape
from aigentflow.guard.spans import Detector, GuardEvent, Span, merge_spans

__all__ = ["PLACEHOLDER", "Redaction", "Redactor"]

PLACEHOLDER = re.compile(r"\[([A-Z]{2,6})_([0-9a-f]{8})\]")
_PII_KINDS = frozenset({"EMAIL", "PHONE", "CARD", "SSN", "NINO", "IP"})


@dataclass(frozen=True)
class Redaction:
    """A redacted text and what was replaced (spans refer to the original text)."""

    text: str
    spans: list[Span]

    def events(self, source: str | None = None) -> list[GuardEvent]:
        """One event per rule, with a count; never the values."""
        counts = Counter((s.kind, s.rule) for s in self.spans)
        return [
            GuardEvent(
                kind="pii" if kind in _PII_KINDS else "secret",
                action="redacted",
                direction="outbound",
                rule=rule,
                detail=f"{n} value(s) replaced by {kind} placeholders",
                source=source,
            )
            for (kind, rule), n in sorted(counts.items())
        ]


class Redactor:
    """Runs detectors over text, replaces what they find, and remembers how to restore it."""

    def __init__(self, detectors: Sequence[Detector], key: bytes | None = None) -> None:
        self.detectors = list(detectors)
        self._key = key or os.urandom(16)
        self._values: dict[str, str] = {}  # placeholder -> original

    def placeholder(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:8]
        token = f"[{kind}_{digest}]"
        self._values[token] = value
        return token

    def redact(self, text: str) -> Redaction:
        """`text` with every detected span replaced by its placeholder."""
        shape = TextShape(text)
        spans = merge_spans(span for detector in self.detectors for span in detector.find(text, shape))
        if not spans:
            return Redaction(text, [])
        parts: list[str] = []
        pos = 0
        for span in spans:
            parts.append(text[pos : span.start])
            parts.append(self.placeholder(span.kind, text[span.start : span.end]))
            pos = span.end
        parts.append(text[pos:])
        return Redaction("".join(parts), spans)

    @property
    def known(self) -> int:
        """How many distinct values this redactor can restore."""
        return len(self._values)

    def restore(self, text: str) -> tuple[str, int]:
        """`text` with the placeholders this redactor issued put back; and how many were."""
        count = 0

        def put_back(m: re.Match[str]) -> str:
            nonlocal count
            value = self._values.get(m.group(0))
            if value is None:
                return m.group(0)
            count += 1
            return value

        return (PLACEHOLDER.sub(put_back, text), count) if "[" in text else (text, 0)

    def restore_data(self, data: Any) -> Any:
        """`restore` applied to every string inside parsed JSON-like data (keys included)."""
        if isinstance(data, str):
            return self.restore(data)[0]
        if isinstance(data, list):
            return [self.restore_data(item) for item in data]
        if isinstance(data, dict):
            return {self.restore_data(k): self.restore_data(v) for k, v in data.items()}
        return data

    def originals(self) -> frozenset[str]:
        """The values this redactor replaced (to tell restored data from new data in answers)."""
        return frozenset(self._values.values())
