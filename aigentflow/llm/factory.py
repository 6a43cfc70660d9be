"""Build the model gateway from configuration (called once, by the composition root)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from aigentflow.guard import InjectionScreener, PackSecretDetector, PiiDetector, TokenPatternDetector
from aigentflow.guard.spans import Detector
from aigentflow.llm.anthropic_provider import AnthropicProvider
from aigentflow.llm.gateway import ModelGateway
from aigentflow.llm.guarding import GuardPolicy
from aigentflow.llm.ollama_provider import OllamaProvider
from aigentflow.llm.openai_provider import OpenAIProvider
from aigentflow.llm.provider import Provider
from aigentflow.llm.retry import RetryPolicy
from aigentflow.llm.sampling_provider import SamplingProvider
from aigentflow.llm.settings import LlmSettings, ProviderSettings
from aigentflow.review.rules import RulePack
from aigentflow.state.guard_log import GuardEventLog
from aigentflow.state.ledger import CostLedger
from aigentflow.state.store import StateStore

__all__ = ["build_gateway", "build_provider", "default_detectors"]


def build_provider(name: str, settings: ProviderSettings, environ: Mapping[str, str]) -> Provider:
    """The provider object for one `llm.providers` entry."""
    if settings.kind == "anthropic":
        return AnthropicProvider(name, settings, environ)
    if settings.kind == "openai":
        return OpenAIProvider(name, settings, environ)
    if settings.kind == "ollama":
        return OllamaProvider(name, settings)
    return SamplingProvider(name)


def default_detectors(secret_packs: Sequence[RulePack] = ()) -> list[Detector]:
    """Known token formats, the review's secret packs (when given), and personal data."""
    detectors: list[Detector] = [TokenPatternDetector()]
    if secret_packs:
        detectors.append(PackSecretDetector(secret_packs))
    detectors.append(PiiDetector())
    return detectors


def build_gateway(
    settings: LlmSettings,
    environ: Mapping[str, str] | None = None,
    store: StateStore | None = None,
    secret_packs: Sequence[RulePack] = (),
    retry: RetryPolicy | None = None,
) -> ModelGateway:
    """A gateway over every configured provider, recording into `store` when given."""
    env = os.environ if environ is None else environ
    providers = {name: build_provider(name, p, env) for name, p in settings.providers.items()}
    policy = GuardPolicy(
        detectors=default_detectors(secret_packs),
        screener=InjectionScreener(),
        redact=settings.redact,
        screen_injection=settings.screen_injection,
    )
    return ModelGateway(
        settings,
        providers,
        guard=policy,
        ledger=CostLedger(store) if store is not None else None,
        guard_log=GuardEventLog(store) if store is not None else None,
        retry=retry,
    )
