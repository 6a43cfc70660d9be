"""Malformed LSP traffic gets JSON-RPC errors, never silence, and the connection lives on."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.helpers import AIGENTFLOW


class RawClient:
    """Speaks Content-Length framing byte by byte, so it can also speak it badly."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        assert process.stdin is not None and process.stdout is not None
        self.stdin = process.stdin
        self.stdout = process.stdout

    def send_body(self, body: bytes, length: str | None = None) -> None:
        header = f"Content-Length: {len(body) if length is None else length}\r\n\r\n".encode()
        self.stdin.write(header + body)

    def send(self, message: dict[str, Any]) -> None:
        self.send_body(json.dumps(message).encode())

    async def receive(self) -> dict[str, Any]:
        """The next message that is a response (skipping server notifications/requests)."""
        while True:
            length = 0
            while (line := await asyncio.wait_for(self.stdout.readline(), 20)) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message: dict[str, Any] = json.loads(await self.stdout.readexactly(length))
            if "method" not in message:
                return message


async def test_each_malformed_message_gets_an_error_and_the_server_keeps_answering(workspace: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *AIGENTFLOW,
        "lsp",
        "--standalone",
        "--workspace",
        str(workspace),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    client = RawClient(process)
    try:
        client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        assert "capabilities" in (await client.receive())["result"]
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

        client.send_body(b'{"jsonrpc": "2.0", "id": 2, "method": ')  # truncated JSON
        reply = await client.receive()
        assert reply["error"]["code"] == -32700 and reply["id"] is None

        client.send_body(b'{"jsonrpc": "2.0", "id": 3, "method": "shutdown", "x": "\xff\xfe"}')
        assert (await client.receive())["error"]["code"] == -32700

        client.send_body(b"[1, 2]")
        assert (await client.receive())["error"]["code"] == -32600

        client.send({"jsonrpc": "1.0", "id": 4, "method": "initialize"})
        reply = await client.receive()
        assert (reply["id"], reply["error"]["code"]) == (4, -32600)

        client.send(
            {"jsonrpc": "2.0", "id": 5, "method": "textDocument/codeAction", "params": {"bogus": True}}
        )
        reply = await client.receive()
        assert (reply["id"], reply["error"]["code"]) == (5, -32602)

        client.send({"jsonrpc": "2.0", "id": 6, "method": "no/suchMethod", "params": {}})
        reply = await client.receive()
        assert (reply["id"], reply["error"]["code"]) == (6, -32601)

        client.send_body(b"{}", length="lots")
        assert (await client.receive())["error"]["code"] == -32700

        client.send({"jsonrpc": "2.0", "id": 7, "method": "shutdown"})
        reply = await client.receive()
        assert reply == {"jsonrpc": "2.0", "id": 7, "result": None}
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
