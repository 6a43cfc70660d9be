"""MCP resource `aigentflow://cost`: model spend by model, purpose and task, against the budgets."""

from __future__ import annotations

import anyio.to_thread
from mcp.server.mcpserver import MCPServer

from aigentflow.llm.cost_report import cost_summary
from aigentflow.services import Services

__all__ = ["register"]


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_for

    @mcp.resource(
        "aigentflow://cost",
        name="cost",
        title="Model spend",
        description="What model calls cost in this workspace (by model, purpose, task), the budgets, "
        "and guardrail event counts, as JSON.",
        mime_type="application/json",
    )
    async def cost() -> str:
        services = services_for(mcp)
        summary = await anyio.to_thread.run_sync(cost_summary, services.state, services.settings.llm.budget)
        return summary.model_dump_json()
