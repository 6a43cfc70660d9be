"""A gateway wired to scripted local model servers, with a real state store on tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aigentflow.llm import ModelGateway, RetryPolicy, build_gateway
from aigentflow.llm.settings import LlmSettings, ModelRef, ProviderSettings, RetrySettings
from aigentflow.state import CostLedger, GuardEventLog, StateStore
from tests.fakes.model_server import ModelServer

KEY_ENV = "AIGENTFLOW_TEST_ANTHROPIC_KEY"
OPENAI_ENV = "AIGENTFLOW_TEST_OPENAI_KEY"


class Sleeps:
    """The clock at the edge: records backoff delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    db = StateStore.open(tmp_path / "state.db")
    yield db
    db.close()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


GatewayFactory = Callable[..., ModelGateway]


@pytest.fixture
def make_gateway(store: StateStore, sleeps: Sleeps) -> GatewayFactory:
    """`make_gateway(anthropic=server, openai=server2, **llm_overrides)`: chains try anthropic first."""

    def make(
        anthropic: ModelServer | None = None,
        openai: ModelServer | None = None,
        environ: dict[str, str] | None = None,
        timeout_s: float = 5.0,
        **overrides: Any,
    ) -> ModelGateway:
        providers = {
            "anthropic": ProviderSettings(
                kind="anthropic",
                base_url=anthropic.base_url if anthropic else "http://127.0.0.1:9",
                api_key_env=KEY_ENV,
                timeout_s=timeout_s,
            ),
            "openai": ProviderSettings(
                kind="openai",
                base_url=openai.base_url if openai else "http://127.0.0.1:9/v1",
                api_key_env=OPENAI_ENV,
                timeout_s=timeout_s,
            ),
        }
        chain = [ModelRef(provider="anthropic", model="claude-sonnet-4-6")]
        if openai is not None:
            chain.append(ModelRef(provider="openai", model="gpt-4o-mini"))
        values: dict[str, Any] = {
            "providers": providers,
            "tiers": {"fast": chain, "strong": chain},
            "retry": RetrySettings(max_attempts=3, base_delay_s=0.01, max_delay_s=5.0),
        }
        values.update(overrides)
        settings = LlmSettings(**values)
        env = {KEY_ENV: "test-anthropic-key", OPENAI_ENV: "test-openai-key"} if environ is None else environ
        return build_gateway(settings, env, store, retry=RetryPolicy(settings.retry, sleep=sleeps))

    return make


@pytest.fixture
def ledger(store: StateStore) -> CostLedger:
    return CostLedger(store)


@pytest.fixture
def guard_log(store: StateStore) -> GuardEventLog:
    return GuardEventLog(store)
