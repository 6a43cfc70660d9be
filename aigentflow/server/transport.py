"""MCP over a byte stream (the daemon's socket): newline-delimited JSON-RPC, as on stdio.

The SDK's stdio transport owns the process's stdin/stdout; the daemon serves many MCP clients
over socket connections instead, so this module does the same framing on asyncio streams and
runs the SDK's low-level server loop on them. A line that is not valid JSON-RPC gets a -32700
error answer here (the SDK would only log it), so a client is never left waiting.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import anyio
import mcp_types
from mcp.server.mcpserver import MCPServer
from mcp.shared._context_streams import create_context_streams
from mcp.shared.message import SessionMessage

__all__ = ["serve_mcp_stream"]

logger = logging.getLogger(__name__)


def _parse_error(line: bytes, exc: Exception) -> bytes:
    request_id: Any = None
    try:  # answer with the request's id when the line is JSON but not valid JSON-RPC
        raw = json.loads(line)
        if isinstance(raw, dict) and isinstance(raw.get("id"), (int, str)):
            request_id = raw["id"]
        code, message = -32600, f"Invalid request: {str(exc).splitlines()[0]}"
    except ValueError:
        code, message = -32700, "Parse error: not valid JSON"
    error = {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
    return json.dumps(error).encode() + b"\n"


async def serve_mcp_stream(
    mcp: MCPServer[Any], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Serve one MCP client on `reader`/`writer` until it disconnects."""
    read_send, read_recv = create_context_streams[SessionMessage | Exception](0)
    write_send, write_recv = create_context_streams[SessionMessage](0)

    async def pump_in() -> None:
        async with read_send:
            while True:
                try:
                    line = await reader.readline()
                except (ValueError, asyncio.LimitOverrunError):  # a line over the stream limit
                    writer.write(_parse_error(b"", ValueError("message too large")))
                    return
                except (ConnectionError, OSError):
                    return
                if not line:
                    return
                if not line.strip():
                    continue
                try:
                    message = mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except Exception as exc:  # pydantic ValidationError or JSON error
                    writer.write(_parse_error(line, exc))
                    continue
                await read_send.send(SessionMessage(message))

    async def pump_out() -> None:
        async with write_recv:
            async for item in write_recv:
                data = item.message.model_dump_json(by_alias=True, exclude_unset=True)
                writer.write(data.encode() + b"\n")
                try:
                    await writer.drain()
                except (ConnectionError, OSError):
                    return

    lowlevel = mcp._lowlevel_server  # the SDK's own transports drive this same loop
    async with anyio.create_task_group() as tg:
        tg.start_soon(pump_out)
        tg.start_soon(pump_in)
        try:
            await lowlevel.run(read_recv, write_send, lowlevel.create_initialization_options())
        finally:
            tg.cancel_scope.cancel()
