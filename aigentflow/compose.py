"""The composition root: build a workspace's services from its configuration.

Every entry point (daemon, `--standalone`, CLI commands, tests) builds its services here, so a
component added once is live in all of them. Add a component by constructing it below and
giving `Services` a field for it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from aigentflow.config import load_config
from aigentflow.events import EventBus
from aigentflow.review.baseline import Baseline
from aigentflow.review.engine import ReviewEngine
from aigentflow.review.packs import default_packs
from aigentflow.review.store import BASELINE_PATH, FindingsStore
from aigentflow.services import Services
from aigentflow.settings import ReviewSettings
from aigentflow.workspace import Workspace

__all__ = ["build_core", "build_review_engine", "build_services"]


def build_review_engine(settings: ReviewSettings, baseline: Baseline | None) -> ReviewEngine:
    """A review engine with every built-in rule pack. Raises ReviewError on unknown rule ids."""
    return ReviewEngine(default_packs(settings), settings, baseline)


def build_core(root: Path, environ: Mapping[str, str] | None = None) -> Services:
    """Configuration, workspace, bus and review: what `aigentflow review` needs, nothing more.

    Raises ConfigError (nothing is started half-configured) or WorkspaceError.
    """
    config = load_config(root, os.environ if environ is None else environ)
    settings = config.settings
    workspace = Workspace(root, settings.workspace)
    bus = EventBus()
    baseline = Baseline(workspace.root / BASELINE_PATH)
    engine = build_review_engine(settings.review, baseline)
    return Services(
        config=config,
        workspace=workspace,
        bus=bus,
        baseline=baseline,
        review=engine,
        findings=FindingsStore(workspace, engine, bus),
    )


def build_services(root: Path, environ: Mapping[str, str] | None = None) -> Services:
    """Every component of the workspace at `root`: the core plus index, models and runs."""
    # Imported here, not at the top: commands that only review must not pay for LanceDB,
    # the model SDKs and the test runner at start-up.
    from aigentflow.agents.runs import attach_runs
    from aigentflow.context.service import attach_index
    from aigentflow.llm.attach import attach_models

    env = os.environ if environ is None else environ
    services = build_core(root, env)
    services.workspace.state_dir()  # before anything writes there: keep caches out of git
    attach_index(services)  # code index: lazy open, background refresh, file-event updates
    attach_models(services, env)  # state store + model gateway
    attach_runs(services, env)  # build-test-fix runs
    return services
