"""The configuration schema: one pydantic model per section, strict about unknown keys.

Packages that own a concern own its section model; this module only assembles them.
Loading and layering live in `aigentflow.config`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from aigentflow.agents.settings import FixSettings
from aigentflow.context.settings import ContextSettings
from aigentflow.llm.settings import LlmSettings
from aigentflow.review.findings import Severity
from aigentflow.review.quality import QualitySettings

__all__ = [
    "DaemonSettings",
    "HttpSettings",
    "ReviewSettings",
    "RuleSettings",
    "SecretsSettings",
    "Settings",
    "WorkspaceSettings",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class DaemonSettings(_Section):
    idle_timeout_s: float = Field(900.0, ge=0, description="Exit after this many seconds with no client.")
    log_level: str = Field("INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$", description="Daemon log level.")
    start_timeout_s: float = Field(20.0, gt=0, description="How long a front end waits for a new daemon.")


class HttpSettings(_Section):
    port: int = Field(0, ge=0, le=65535, description="MCP HTTP port on 127.0.0.1 (0: pick a free one).")


class WorkspaceSettings(_Section):
    max_file_bytes: int = Field(2_000_000, gt=0, description="Files larger than this are skipped.")
    ignore: list[str] = Field(default_factory=list, description="Extra gitignore-style patterns to skip.")


class RuleSettings(_Section):
    enabled: bool = True
    severity: Severity | None = None


class SecretsSettings(_Section):
    entropy_threshold: float = Field(
        3.5, ge=0, description="Shannon entropy (bits/char) for generic secrets."
    )
    min_length: int = Field(12, ge=6, description="Shortest value the generic rule considers.")
    allowlist: list[str] = Field(
        default_factory=list, description="Regexes of values that are never secrets."
    )


class ReviewSettings(_Section):
    fail_on: Severity = Field(Severity.HIGH, description="`aigentflow review` exits 1 at or above this.")
    debounce_ms: int = Field(250, ge=0, description="Delay before re-checking a buffer as you type.")
    rules: dict[str, RuleSettings] = Field(
        default_factory=dict, description="Per-rule settings by rule id (or id prefix ending in '*')."
    )
    secrets: SecretsSettings = Field(default_factory=SecretsSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)


class Settings(_Section):
    """The whole configuration: every section, with defaults."""

    daemon: DaemonSettings = Field(default_factory=DaemonSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    workspace: WorkspaceSettings = Field(default_factory=WorkspaceSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    fix: FixSettings = Field(default_factory=FixSettings)
    context: ContextSettings = Field(default_factory=ContextSettings)
