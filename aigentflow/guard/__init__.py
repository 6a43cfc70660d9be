"""Guardrails on everything sent to and received from a model.

Outbound: secrets and personal data are replaced by stable placeholders (`Redactor`), and
untrusted content is screened for prompt injection (`InjectionScreener`) and fenced.
Inbound: system-prompt leakage and new personal data are flagged (`LeakDetector`,
`new_pii_events`). Every decision is a `GuardEvent`, recorded by the model gateway.
"""

from aigentflow.guard.injection import InjectionFinding, InjectionScreener, Screening, fence
from aigentflow.guard.output import LeakDetector, new_pii_events, schema_event
from aigentflow.guard.pii import PiiDetector, luhn_ok
from aigentflow.guard.redact import PLACEHOLDER, Redaction, Redactor
from aigentflow.guard.secrets import PackSecretDetector, TokenPatternDetector
from aigentflow.guard.spans import Detector, GuardEvent, Span, merge_spans

__all__ = [
    "PLACEHOLDER",
    "Detector",
    "GuardEvent",
    "InjectionFinding",
    "InjectionScreener",
    "LeakDetector",
    "PackSecretDetector",
    "PiiDetector",
    "Redaction",
    "Redactor",
    "Screening",
    "Span",
    "TokenPatternDetector",
    "fence",
    "luhn_ok",
    "merge_spans",
    "new_pii_events",
    "schema_event",
]
