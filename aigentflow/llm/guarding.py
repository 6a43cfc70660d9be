"""Applies the guardrails to one call: what goes out is redacted and screened, what comes back
is restored and checked. One `CallGuard` per call; it holds the placeholder mapping.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from aigentflow.guard import (
    PLACEHOLDER,
    GuardEvent,
    InjectionScreener,
    LeakDetector,
    Redactor,
    fence,
    new_pii_events,
)
from aigentflow.guard.spans import Detector
from aigentflow.llm.types import Message, SystemBlock, system_text

__all__ = ["CallGuard", "GuardPolicy", "StreamRestorer"]


@dataclass
class GuardPolicy:
    """What the gateway guards with; shared by every call (detectors are stateless)."""

    detectors: list[Detector]
    screener: InjectionScreener = field(default_factory=InjectionScreener)
    key: bytes = field(default_factory=lambda: os.urandom(16))  # one per gateway: stable placeholders
    redact: bool = True
    screen_injection: bool = True


class CallGuard:
    """The guard state of one call."""

    def __init__(self, policy: GuardPolicy) -> None:
        self.policy = policy
        self.redactor = Redactor(policy.detectors if policy.redact else [], key=policy.key)
        self.events: list[GuardEvent] = []
        self._system_original = ""

    def outbound(
        self, messages: Sequence[Message], system: str | list[SystemBlock] | None
    ) -> tuple[list[Message], str | list[SystemBlock] | None]:
        """Messages and system prompt as they may be sent: untrusted content fenced, data redacted."""
        # Leakage is judged against the stable levels (identity, role) when they are marked:
        # the task level holds context (code, logs) that an answer may rightly quote.
        stable = [b for b in system if b.cache] if isinstance(system, list) else []
        self._system_original = system_text(stable or system)
        out: list[Message] = []
        for message in messages:
            content = message.content
            if message.source is not None and self.policy.screen_injection:
                screening = self.policy.screener.screen(content, message.source)
                if screening.flagged:
                    content = fence(content, message.source)
                    self.events += screening.events()
            out.append(Message(message.role, self._redact(content, message.source), message.source))
        if isinstance(system, str):
            system = self._redact(system, "system")
        elif system is not None:
            system = [SystemBlock(self._redact(b.text, "system"), b.cache) for b in system]
        return out, system

    def _redact(self, text: str, source: str | None) -> str:
        redaction = self.redactor.redact(text)
        self.events += redaction.events(source)
        return redaction.text

    def inbound(self, text: str) -> str:
        """The answer with placeholders restored; leakage and new personal data become events."""
        restored, count = self.redactor.restore(text)
        if count:
            self.events.append(
                GuardEvent("pii", "restored", "inbound", "restore", f"{count} placeholder(s) restored")
            )
        self.events += LeakDetector(self._system_original).check(restored)
        self.events += new_pii_events(restored, self.redactor.originals())
        return restored


class StreamRestorer:
    """Restores placeholders in streamed text, holding back a possibly split placeholder."""

    _MAX = 17  # len("[SECRET_xxxxxxxx]")

    def __init__(self, guard: CallGuard) -> None:
        self.guard = guard
        self._pending = ""

    def feed(self, delta: str) -> str:
        text = self._pending + delta
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and len(text) - cut < self._MAX:
            self._pending, text = text[cut:], text[:cut]
        else:
            self._pending = ""
        return self.guard.redactor.restore(text)[0] if PLACEHOLDER.search(text) else text

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self.guard.redactor.restore(text)[0]
