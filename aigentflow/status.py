"""What the daemon reports about itself (CLI `status`, MCP resource, LSP command)."""

from __future__ import annotations

import os
import time

from pydantic import BaseModel

from aigentflow import __version__
from aigentflow.locations import DaemonPaths
from aigentflow.services import Services

__all__ = ["DaemonStatus", "daemon_status"]


class DaemonStatus(BaseModel):
    workspace: str
    pid: int
    version: str
    uptime_s: float
    connections: dict[str, int]
    reviewed_files: int
    baseline_entries: int
    baseline_error: str | None
    http_url: str | None
    log_file: str


def daemon_status(services: Services) -> DaemonStatus:
    return DaemonStatus(
        workspace=str(services.workspace.root),
        pid=os.getpid(),
        version=__version__,
        uptime_s=round(time.time() - services.started_at, 3),
        connections=dict(services.connections),
        reviewed_files=len(services.findings.known_paths()),
        baseline_entries=len(services.baseline.entries()),
        baseline_error=services.baseline.error,
        http_url=services.http_url,
        log_file=str(DaemonPaths.for_workspace(services.workspace.root).log),
    )
