"""The `fix` configuration section: build-test-fix attempts, backoff, timeouts, command overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CommandOverrides", "FixSettings"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class CommandOverrides(_Section):
    """Commands that replace detection (argv lists, run without a shell)."""

    build: list[str] | None = Field(default=None, description="Build command, e.g. ['make', 'build'].")
    test: list[str] | None = Field(default=None, description="Test command, e.g. ['pytest', '-q'].")


class FixSettings(_Section):
    max_attempts: int = Field(default=3, ge=0, le=10, description="Fix attempts before escalating.")
    initial_delay_s: float = Field(
        default=1.0, ge=0, description="Delay before the second attempt; doubles after."
    )
    max_delay_s: float = Field(default=30.0, ge=0, description="Cap on one delay between attempts.")
    jitter: float = Field(default=0.3, ge=0, le=1, description="Random spread of a delay, as a fraction (±).")
    flaky_retries: int = Field(
        default=2, ge=0, le=5, description="Immediate re-runs of a failure before fixing it."
    )
    build_timeout_s: float = Field(default=600.0, gt=0, description="Timeout of the build command.")
    test_timeout_s: float = Field(default=600.0, gt=0, description="Timeout of one test run.")
    context_tokens: int = Field(default=8000, ge=500, description="Token budget of the fixer's context.")
    model_tier_purpose: str = Field(default="fix", description="llm purpose whose tier proposes patches.")
    worktree_dir: str | None = Field(
        default=None, description="Where fix worktrees live (default: the user cache directory)."
    )
    commands: CommandOverrides = Field(default_factory=CommandOverrides)
    env: dict[str, str] = Field(
        default_factory=dict, description="Extra environment of build and test commands."
    )
