"""The base agent-output schema every agent's output extends, versioned with semver.

Compatibility rule: an output validates when its `schema_version` has the schema's major
version and a minor version no newer than the schema's. Fields added in a minor version must
have defaults, so output written against an older minor still validates; a new major is a
breaking change and is rejected with a message that says so.

History of `AgentOutput`: 1.0.0 first version; 1.1.0 added `tokens_used` and
`routing_hints.has_failures`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["AgentOutput", "AgentStatus", "Priority", "RoutingHints", "SemVer", "parse_semver"]

SemVer = tuple[int, int, int]
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$")


def parse_semver(value: str) -> SemVer:
    """(major, minor, patch) of a version string; ValueError when it is not semver."""
    m = _SEMVER.match(value.strip())
    if not m:
        raise ValueError(f"'{value}' is not a semantic version (MAJOR.MINOR.PATCH)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


class AgentStatus(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    BLOCKED = "blocked"
    NEEDS_INPUT = "needs_input"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class RoutingHints(BaseModel):
    """What the orchestrator should do next with this output."""

    model_config = ConfigDict(extra="ignore")

    next_agents: list[str] = Field(default_factory=list)
    priority: Priority = Priority.NORMAL
    blocking: bool = False
    depends_on: list[str] = Field(default_factory=list)
    needs_user_approval: bool = False
    has_failures: bool = False  # since 1.1.0


class AgentOutput(BaseModel):
    """What every agent returns. Subclasses add fields and set their own `SCHEMA_VERSION`.

    Extra keys are ignored rather than rejected: a model that adds a chatty field should not
    fail validation; a missing required field or a wrong type does.
    """

    model_config = ConfigDict(extra="ignore", use_enum_values=False)

    SCHEMA_VERSION: ClassVar[str] = "1.1.0"

    schema_version: str = Field(
        default="", description="Semver of the schema the output was written against."
    )
    agent_type: str
    task_id: str
    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    status: AgentStatus
    confidence: float = Field(ge=0, le=1)
    errors: list[str] = Field(default_factory=list)
    routing_hints: RoutingHints = Field(default_factory=RoutingHints)
    tokens_used: int = Field(default=0, ge=0)  # since 1.1.0

    @field_validator("schema_version", mode="before")
    @classmethod
    def _compatible_version(cls, value: Any) -> str:
        current = parse_semver(cls.SCHEMA_VERSION)
        if value in (None, ""):
            return cls.SCHEMA_VERSION
        given = parse_semver(str(value))
        if given[0] != current[0]:
            raise ValueError(
                f"schema version {value} is incompatible with {cls.SCHEMA_VERSION} (major differs)"
            )
        if given[1] > current[1]:
            raise ValueError(f"schema version {value} is newer than {cls.SCHEMA_VERSION}; upgrade Aigentflow")
        return str(value)

    @classmethod
    def json_schema_for_prompt(cls) -> dict[str, Any]:
        """The JSON Schema to show a model (and to force through tool use)."""
        return cls.model_json_schema()
