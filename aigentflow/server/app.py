"""The MCP server: one `MCPServer` per daemon, shared by every MCP connection.

Tools, resources and prompts live in small modules with `register(mcp)`; they reach the
daemon's services through the typed lifespan context (`services_of(ctx)`).
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.mcpserver import Context, MCPServer

from aigentflow import __version__
from aigentflow.server import (
    prompts,
    resources,
    resources_cost,
    tools_changes,
    tools_context,
    tools_fix,
    tools_review,
)
from aigentflow.services import Services

__all__ = ["INSTRUCTIONS", "build_mcp_server", "services_for", "services_of"]

INSTRUCTIONS = """\
Aigentflow serves one code workspace: its files, code index, review findings, test runs and
project state. Paths are relative to the workspace root; nothing outside it can be read.
- Find code with `search_code` (hybrid keyword + semantic); get a token-budgeted bundle of the
  code relevant to a task with `get_context` before planning or editing.
- Review: `scan_secrets` (hardcoded credentials), `review_files` (every finding in a file or
  folder), `review_changes` (only the changed lines, summarised per OWASP category). Findings
  never contain a secret in full.
- Tests: `run_tests` runs and classifies the test suite; `build_test_fix` starts a run that
  fixes failures in an isolated git worktree (it returns a run id at once: follow it with
  `run_status`), then `accept_fix` applies the verified diff or `reject_fix` discards it.
Resources: `aigentflow://findings/{path}`, `aigentflow://index/status`, `aigentflow://runs/{id}`,
`aigentflow://cost`, `aigentflow://status`.
"""

FEATURES = (
    tools_review.register,
    resources.register,
    tools_context.register,
    prompts.register,
    resources_cost.register,
    tools_changes.register,
    tools_fix.register,
)


def services_of(ctx: Context[Services]) -> Services:
    """The daemon's services, from a request context."""
    return ctx.request_context.lifespan_context


_SERVICES: weakref.WeakKeyDictionary[MCPServer[Services], Services] = weakref.WeakKeyDictionary()


def services_for(mcp: MCPServer[Services]) -> Services:
    """The services an MCP server was built for. Use it in static resources (URIs without
    template variables), where the SDK does not inject a Context."""
    return _SERVICES[mcp]


def build_mcp_server(services: Services) -> MCPServer[Services]:
    """The MCP server for these services (built once, served on many connections)."""

    @asynccontextmanager
    async def lifespan(_: MCPServer[Services]) -> AsyncIterator[Services]:
        yield services

    mcp: MCPServer[Services] = MCPServer(
        "aigentflow",
        title="Aigentflow",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        log_level="WARNING",
    )
    _SERVICES[mcp] = services
    for register in FEATURES:
        register(mcp)
    return mcp
