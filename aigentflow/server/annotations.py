"""Tool annotations shared by the MCP tools: what a host may assume about a tool's effects."""

from __future__ import annotations

from mcp_types import ToolAnnotations

__all__ = ["MUTATING", "READ_ONLY"]

# Reads the workspace or the daemon's state; changes nothing; same answer for the same input.
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
# Starts work or writes inside the workspace (never outside it), never deletes user data.
MUTATING = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
