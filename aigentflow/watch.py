"""Turn file-system changes into `FileChanged` events on the bus."""

from __future__ import annotations

import logging
from pathlib import Path

import watchfiles

from aigentflow.errors import WorkspaceError
from aigentflow.events import EventBus, FileChanged
from aigentflow.workspace import Workspace

__all__ = ["watch_workspace"]

logger = logging.getLogger(__name__)

_KINDS = {
    watchfiles.Change.added: "added",
    watchfiles.Change.modified: "modified",
    watchfiles.Change.deleted: "deleted",
}


async def watch_workspace(workspace: Workspace, bus: EventBus, debounce_ms: int = 50) -> None:
    """Publish one event per changed, non-ignored file until cancelled."""
    baseline = workspace.root / ".aigentflow" / "baseline.json"
    async for changes in watchfiles.awatch(
        workspace.root, debounce=debounce_ms, step=20, recursive=True, ignore_permission_denied=True
    ):
        for change, raw in sorted(changes, key=lambda c: c[1]):
            path = Path(raw)
            try:
                if path.name == ".gitignore":
                    workspace.forget_ignore_cache()
                if path != baseline and workspace.is_ignored(path):
                    continue
                rel = path.resolve().relative_to(workspace.root).as_posix()
            except (WorkspaceError, ValueError, OSError):
                continue
            if path.is_dir():
                continue
            bus.publish(FileChanged(path=rel, change=_KINDS[change]))  # type: ignore[arg-type]
