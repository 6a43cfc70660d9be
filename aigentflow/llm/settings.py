"""The `llm` configuration section: providers, tiers by purpose, retry, prices and budgets.

API keys never live here: a provider names the environment variable that holds its key
(`api_key_env`), and the key is read from the environment at call time, never stored or logged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "BudgetSettings",
    "LlmSettings",
    "ModelPrice",
    "ModelRef",
    "ProviderSettings",
    "RetrySettings",
]

ProviderKind = Literal["anthropic", "openai", "ollama", "mcp_sampling"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class ProviderSettings(_Section):
    kind: ProviderKind
    base_url: str | None = Field(default=None, description="Endpoint override (local servers, proxies).")
    api_key_env: str | None = Field(default=None, description="Environment variable holding the API key.")
    timeout_s: float | None = Field(
        default=None, gt=0, description="Per-call timeout; defaults to llm.timeout_s."
    )


class ModelRef(_Section):
    provider: str = Field(description="A key of llm.providers.")
    model: str


class RetrySettings(_Section):
    max_attempts: int = Field(
        default=4, ge=1, le=10, description="Attempts per provider, the first included."
    )
    base_delay_s: float = Field(default=0.5, ge=0, description="First backoff delay; doubles each retry.")
    max_delay_s: float = Field(
        default=20.0, ge=0, description="Cap on one backoff delay (retry-after included)."
    )
    jitter: float = Field(default=0.3, ge=0, le=1, description="Random spread of a delay, as a fraction (±).")


class ModelPrice(_Section):
    """USD per million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_read: float | None = Field(default=None, ge=0, description="Defaults to 10 % of input.")
    cache_write: float | None = Field(default=None, ge=0, description="Defaults to 125 % of input.")


class BudgetSettings(_Section):
    task_usd: float | None = Field(default=2.0, ge=0, description="Hard stop per task (None: no limit).")
    project_usd: float | None = Field(
        default=50.0, ge=0, description="Hard stop for the project (None: no limit)."
    )
    warn_fraction: float = Field(
        default=0.8, gt=0, le=1, description="Warn once spend passes this share of a budget."
    )
    reserve_usd: float = Field(
        default=0.0,
        ge=0,
        description="Extra headroom a call must leave; the estimate of the call itself is added.",
    )


def _default_providers() -> dict[str, ProviderSettings]:
    return {
        "anthropic": ProviderSettings(kind="anthropic", api_key_env="ANTHROPIC_API_KEY"),
        "openai": ProviderSettings(kind="openai", api_key_env="OPENAI_API_KEY"),
        "ollama": ProviderSettings(kind="ollama", base_url="http://127.0.0.1:11434"),
        "sampling": ProviderSettings(kind="mcp_sampling"),
    }


def _default_tiers() -> dict[str, list[ModelRef]]:
    return {
        "fast": [
            ModelRef(provider="anthropic", model="claude-haiku-4-5"),
            ModelRef(provider="sampling", model="host"),
        ],
        "strong": [
            ModelRef(provider="anthropic", model="claude-sonnet-4-6"),
            ModelRef(provider="sampling", model="host"),
        ],
    }


def _default_prices() -> dict[str, ModelPrice]:
    return {
        "claude-haiku-4-5": ModelPrice(input=1.0, output=5.0),
        "claude-sonnet-4-6": ModelPrice(input=3.0, output=15.0),
        "claude-sonnet-4-5": ModelPrice(input=3.0, output=15.0),
        "claude-opus-4-6": ModelPrice(input=5.0, output=25.0),
        "claude-opus-4-5": ModelPrice(input=5.0, output=25.0),
        "gpt-4o-mini": ModelPrice(input=0.15, output=0.6),
        "gpt-4o": ModelPrice(input=2.5, output=10.0),
    }


class LlmSettings(_Section):
    """Which models serve which purpose, and what a call may cost."""

    providers: dict[str, ProviderSettings] = Field(default_factory=_default_providers)
    tiers: dict[str, list[ModelRef]] = Field(
        default_factory=_default_tiers, description="Fallback chain per tier, tried in order."
    )
    purposes: dict[str, str] = Field(
        default_factory=lambda: {
            "classify": "fast",
            "route": "fast",
            "summarize": "fast",
            "plan": "strong",
            "fix": "strong",
            "review": "strong",
        },
        description="Purpose → tier; unknown purposes use default_tier.",
    )
    default_tier: str = "strong"
    timeout_s: float = Field(default=120.0, gt=0, description="Per-call timeout.")
    max_output_tokens: int = Field(default=4096, gt=0)
    retry: RetrySettings = Field(default_factory=RetrySettings)
    prices: dict[str, ModelPrice] = Field(default_factory=_default_prices)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    redact: bool = Field(
        default=True, description="Replace secrets and personal data before anything is sent."
    )
    screen_injection: bool = Field(
        default=True, description="Fence and report instruction-like non-user content."
    )

    @model_validator(mode="after")
    def _tiers_name_known_providers(self) -> LlmSettings:
        for tier, chain in self.tiers.items():
            for ref in chain:
                if ref.provider not in self.providers:
                    raise ValueError(f"tier '{tier}' names unknown provider '{ref.provider}'")
        if self.default_tier not in self.tiers:
            raise ValueError(f"default_tier '{self.default_tier}' is not a tier")
        for purpose, tier in self.purposes.items():
            if tier not in self.tiers:
                raise ValueError(f"purpose '{purpose}' names unknown tier '{tier}'")
        return self
