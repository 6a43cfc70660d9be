"""Fixtures of the build-test-fix tests: fast settings, loops, a model behind a fake server."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from aigentflow.agents.fixer import GatewayPatchProposer
from aigentflow.agents.loop import BuildTestFixLoop
from aigentflow.agents.records import RunStore
from aigentflow.agents.settings import FixSettings
from aigentflow.llm.factory import build_gateway
from aigentflow.llm.settings import LlmSettings, ModelRef, ProviderSettings, RetrySettings
from aigentflow.review.engine import ReviewEngine
from aigentflow.review.packs import default_packs
from aigentflow.settings import ReviewSettings
from tests.agents.fake_model import FakeAnthropic


@pytest.fixture
def fix_settings(tmp_path: Path) -> FixSettings:
    return FixSettings(
        initial_delay_s=0.001,
        max_delay_s=0.004,
        test_timeout_s=30,
        worktree_dir=str(tmp_path / "worktrees"),
        flaky_retries=1,  # one re-run shows the seeded flaky test; the default (2) costs a run more
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )


def llm_settings(url: str) -> LlmSettings:
    return LlmSettings(
        providers={
            "anthropic": ProviderSettings(kind="anthropic", base_url=url, api_key_env="ANTHROPIC_API_KEY")
        },
        tiers={"strong": [ModelRef(provider="anthropic", model="fake-fixer")]},
        purposes={"fix": "strong"},
        default_tier="strong",
        retry=RetrySettings(max_attempts=1),
    )


@pytest.fixture
def review() -> ReviewEngine:
    settings = ReviewSettings()
    return ReviewEngine(default_packs(settings), settings)


def proposer_for(fake: FakeAnthropic, loop: asyncio.AbstractEventLoop | None = None) -> GatewayPatchProposer:
    """A proposer over the model layer, talking to `fake`; on `loop` (a daemon's) when given."""
    gateway = build_gateway(llm_settings(fake.url), {"ANTHROPIC_API_KEY": "sk-test-not-a-real-key"})
    return GatewayPatchProposer(gateway, loop=loop)


@pytest.fixture
def make_loop(fix_settings: FixSettings, review: ReviewEngine) -> Iterator[object]:
    proposers: list[GatewayPatchProposer] = []

    def make(root: Path, fake: FakeAnthropic | None = None, **overrides: object) -> BuildTestFixLoop:
        settings = fix_settings.model_copy(update=overrides)
        proposer = proposer_for(fake) if fake is not None else None
        if proposer is not None:
            proposers.append(proposer)
        return BuildTestFixLoop(
            root,
            settings,
            store=RunStore(root),
            proposer=proposer,
            review=review,
            worktree_dir=Path(settings.worktree_dir or root.parent / "wt"),
            rng=random.Random(7),
        )

    yield make
    for proposer in proposers:
        proposer.close()
