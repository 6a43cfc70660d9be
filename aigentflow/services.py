"""The daemon's shared services: built once (in `aigentflow.daemon`), used by every adapter."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aigentflow.config import LoadedConfig
from aigentflow.events import EventBus
from aigentflow.review.baseline import Baseline
from aigentflow.review.engine import ReviewEngine
from aigentflow.review.store import FindingsStore
from aigentflow.settings import Settings
from aigentflow.workspace import Workspace

if TYPE_CHECKING:  # attached lazily: a command that only reviews never loads them
    from aigentflow.agents.runs import RunManager
    from aigentflow.context.service import ContextService
    from aigentflow.llm.gateway import ModelGateway
    from aigentflow.state.store import StateStore

__all__ = ["Services"]


@dataclass
class Services:
    """Everything a protocol adapter may call. One instance per workspace and process."""

    config: LoadedConfig
    workspace: Workspace
    bus: EventBus
    baseline: Baseline
    review: ReviewEngine
    findings: FindingsStore
    started_at: float = field(default_factory=time.time)
    connections: dict[str, int] = field(default_factory=dict)  # open client connections by protocol
    http_url: str | None = None
    index: ContextService | None = None  # the code index (aigentflow.context)
    state: StateStore | None = None  # .aigentflow/state.db: cost ledger, guard events (aigentflow.state)
    models: ModelGateway | None = None  # every model call goes through it (aigentflow.llm)
    runs: RunManager | None = None  # build-test-fix runs (aigentflow.agents.runs)
    # Long-running jobs a component wants while the daemon runs (indexing, ...): started as
    # tasks once the event loop exists, cancelled at shutdown.
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Called once at shutdown, in reverse order of registration (close files, databases).
    closers: list[Callable[[], Any]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.config.settings
