"""Wire the model layer into the daemon's services (called once by the composition root)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aigentflow.llm.factory import build_gateway
from aigentflow.llm.gateway import ModelGateway
from aigentflow.state.store import StateStore

if TYPE_CHECKING:
    from aigentflow.services import Services

__all__ = ["attach_models"]


def attach_models(services: Services, environ: Mapping[str, str]) -> ModelGateway:
    """Give `services` its state store (opened on first use) and its model gateway.

    The gateway redacts secrets with the review engine's own secret packs, so what the review
    reports is exactly what never leaves the machine.
    """
    store = services.state
    if store is None:
        store = StateStore.for_workspace(services.workspace.root, deferred=True)
        services.state = store
        services.closers.append(store.close)
    packs = [pack for pack in services.review.packs if "secret" in pack.name.lower()]
    gateway = build_gateway(services.settings.llm, environ, store, secret_packs=packs)
    services.models = gateway
    return gateway
