"""MCP resources: one file's findings, and the daemon's status."""

from __future__ import annotations

import json

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from aigentflow.errors import AigentflowError
from aigentflow.services import Services
from aigentflow.status import daemon_status

__all__ = ["register"]


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_for, services_of

    @mcp.resource(
        "aigentflow://findings/{+path}",
        name="findings",
        title="Findings of a file",
        description="Review findings (secrets, security, quality) of one workspace file, as JSON.",
        mime_type="application/json",
    )
    async def findings(path: str, ctx: Context[Services]) -> str:
        services = services_of(ctx)
        try:
            review = await anyio.to_thread.run_sync(services.findings.get, path)
        except AigentflowError as exc:
            raise ResourceError(str(exc)) from exc
        return review.model_dump_json(exclude_none=True)

    @mcp.resource(
        "aigentflow://status",
        name="status",
        title="Daemon status",
        description="The workspace daemon's state: version, uptime, clients, reviewed files, baseline.",
        mime_type="application/json",
    )
    def status() -> str:
        return json.dumps(daemon_status(services_for(mcp)).model_dump(mode="json"))
