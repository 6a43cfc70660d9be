"""Secret detection for outbound text: well-known token formats, plus the review's secret pack.

The built-in patterns are a fast first layer that needs nothing else. `PackSecretDetector` runs
the foundation's detector (any `RulePack`, normally `aigentflow.review.secrets.SecretsPack`)
over the text as if it were a file and turns its findings' line/column ranges into spans, so the
model layer redacts exactly what `aigentflow review` would report.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import re2

from aigentflow.guard.shape import TextShape
from aigentflow.guard.spans import Span
from aigentflow.review.rules import RulePack, SourceFile

__all__ = ["PackSecretDetector", "TokenPatternDetector"]

logger = logging.getLogger(__name__)

# (rule, gate, pattern): the pattern runs only when one of the gate's literals occurs in the
# text (an empty gate: always; such patterns start with a literal, which `re` finds fast).
# The secret is group 1 when the pattern has one, else the whole match.
_PATTERNS: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    (
        "secret.private_key",
        (),
        re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----"),
    ),
    ("secret.aws_access_key", (), re.compile(r"(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}(?![0-9A-Za-z])")),
    (
        "secret.github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})"),
    ),
    ("secret.anthropic_key", (), re.compile(r"sk-ant-[A-Za-z0-9_-]{20,}")),
    ("secret.openai_key", (), re.compile(r"sk-(?!ant-)(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,}")),
    ("secret.slack_token", (), re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("secret.stripe_key", ("k_live_", "k_test_"), re.compile(r"[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("secret.google_api_key", (), re.compile(r"AIza[0-9A-Za-z_-]{35}")),
    ("secret.jwt", (), re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("secret.url_credentials", (), re.compile(r"://[^/\s:@'\"]{1,64}:([^/\s:@'\"]{3,128})@")),
]
# `name = "value"` where the name says it is a secret: found from the (literal) operator, then
# the name before it is checked, so the scan never tries a keyword at every position.
_ASSIGNED = [
    re.compile(r"=[ \t]*[\"']([^\"'\s]{8,200})[\"']"),
    re.compile(r":[ \t]*[\"']([^\"'\s]{8,200})[\"']"),
]
_SECRET_NAME = re.compile(
    r"(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token|credential)s?[\"']?\s*$",
    re.IGNORECASE,
)
# One RE2 pass (~150 MB/s) says whether any token format, or any assignment to a secret-like
# name, occurs at all; the exact Python patterns (a few to 30 MB/s each on code) run only then.
_ANY_TOKEN = re2.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY|(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}"
    r"|github_pat_|sk-[A-Za-z0-9_-]{20}|xox[abposr]-|k_(?:live|test)_|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{8,}\.eyJ"
    r"|://[^/\s:@'\"]{1,64}:[^/\s:@'\"]{3,128}@"
)
_ANY_ASSIGNMENT = re2.compile(
    r"(?i)(?:pass|pwd|secret|key|token|credential)[\w\"' \t.-]{0,30}[:=][ \t]*[\"'][^\"'\s]{8,200}[\"']"
)
_PLACEHOLDER_VALUE = re.compile(
    r"^(?:\$\{?\w+\}?|<[^>]*>|\[[A-Z]+_[0-9a-f]{8}\]|x{6,}|\*{6,}|changeme|your[-_].*)$", re.I
)


class TokenPatternDetector:
    """Known credential formats and `password = "…"`-style assignments."""

    def find(self, text: str, shape: TextShape | None = None) -> list[Span]:
        spans: list[Span] = []
        for rule, gate, pattern in _PATTERNS if _ANY_TOKEN.search(text) else ():
            if gate and not any(literal in text for literal in gate):
                continue
            for m in pattern.finditer(text):
                group = 1 if pattern.groups else 0
                if m.start() > 0 and text[m.start() - 1].isalnum() and not group:
                    continue  # the middle of a longer word, not a token
                if group and _PLACEHOLDER_VALUE.match(m.group(group)):
                    continue
                spans.append(Span(m.start(group), m.end(group), "SECRET", rule))
        if _ANY_ASSIGNMENT.search(text):
            spans += self._assignments(text)
        return spans

    @staticmethod
    def _assignments(text: str) -> list[Span]:
        out: list[Span] = []
        for pattern in _ASSIGNED:
            for m in pattern.finditer(text):
                if _PLACEHOLDER_VALUE.match(m.group(1)):
                    continue  # an env reference or template, not a secret
                if _SECRET_NAME.search(text, max(0, m.start() - 40), m.start()):
                    out.append(Span(m.start(1), m.end(1), "SECRET", "secret.assignment"))
        return out


class PackSecretDetector:
    """Runs review rule packs over a text and turns their findings into spans."""

    def __init__(self, packs: Sequence[RulePack], path: str = "prompt.txt") -> None:
        self.packs = list(packs)
        self.path = path

    def find(self, text: str, shape: TextShape | None = None) -> list[Span]:
        source = SourceFile.of(self.path, text)
        starts = _line_starts(text)
        spans: list[Span] = []
        for pack in self.packs:
            if not pack.applies_to(source):
                continue
            for finding in pack.check(source):
                start = _offset(starts, text, finding.line, finding.column)
                end = _offset(
                    starts, text, finding.end_line or finding.line, finding.end_column or finding.column
                )
                if end > start:
                    spans.append(Span(start, end, "SECRET", finding.rule_id))
        return spans


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _offset(starts: list[int], text: str, line: int, column: int) -> int:
    """The offset of a 1-based (line, column), clamped to the text and to that line."""
    if line < 1:
        return 0
    if line > len(starts):
        return len(text)
    line_start = starts[line - 1]
    line_end = starts[line] - 1 if line < len(starts) else len(text)
    return max(line_start, min(line_end, line_start + column - 1))
