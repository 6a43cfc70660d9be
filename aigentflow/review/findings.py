"""The finding: what every rule produces and every adapter shows.

Positions are 1-based lines and 1-based columns counted in Unicode code points; end
positions are exclusive. Adapters convert (LSP wants 0-based UTF-16 offsets).
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Finding",
    "Fix",
    "RelatedLocation",
    "Severity",
    "TextEdit",
    "fingerprint",
]

SCHEMA_VERSION = "1.0"


class Severity(StrEnum):
    """How bad a finding is; ordered from INFO (lowest) to CRITICAL."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = {s: i for i, s in enumerate(Severity)}


class RelatedLocation(BaseModel):
    """Another place that explains a finding (a taint source, a step of the flow)."""

    model_config = ConfigDict(frozen=True)

    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    message: str


class TextEdit(BaseModel):
    """Replace the text between two positions (end exclusive) with `new_text`."""

    model_config = ConfigDict(frozen=True)

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


class Fix(BaseModel):
    """A mechanical change that resolves a finding; applied by a code action or the CLI."""

    model_config = ConfigDict(frozen=True)

    title: str
    edits: list[TextEdit]


class Finding(BaseModel):
    """One problem found in one file."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = SCHEMA_VERSION
    rule_id: str
    severity: Severity
    message: str
    path: str = Field(description="Workspace-relative POSIX path")
    line: int
    column: int
    end_line: int
    end_column: int
    cwe: int | None = None
    owasp: str | None = None
    fingerprint: str = Field(description="Stable id of the finding: survives line moves")
    fix_hint: str | None = None
    related: list[RelatedLocation] = Field(default_factory=list)
    fixes: list[Fix] = Field(default_factory=list)


def fingerprint(rule_id: str, path: str, basis: str) -> str:
    """Stable fingerprint from the rule, the file and a rule-chosen basis that excludes line numbers."""
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{basis}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]
