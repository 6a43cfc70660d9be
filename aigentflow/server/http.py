"""MCP over streamable HTTP, on loopback only, behind a bearer token.

Three locks on the door: the socket is bound to 127.0.0.1 (never a public interface); every
request must carry `Authorization: Bearer <token>`, the token generated once per daemon
directory and stored user-only (0600); and the SDK's DNS-rebinding protection rejects any
Host or Origin header that is not this loopback address and port.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

from aigentflow.review.baseline import atomic_write

__all__ = ["HttpEndpoint", "bind_loopback", "load_or_create_token", "serve_http"]

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


def load_or_create_token(path: Path) -> str:
    """The token stored at `path`, created (mode 0600) on first use."""
    try:
        token = path.read_text(encoding="ascii").strip()
        if len(token) >= 32:
            os.chmod(path, 0o600)
            return token
    except (OSError, UnicodeDecodeError):
        pass
    token = secrets.token_urlsafe(32)
    atomic_write(path, token + "\n", mode=0o600)
    return token


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (port 0: the OS picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(64)
    sock.setblocking(False)
    return sock


class _BearerToken:
    """ASGI middleware: 401 unless the request carries the daemon's bearer token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send(
                    {"type": "http.response.body", "body": b'{"error":"missing or wrong bearer token"}'}
                )
                return
        await self.app(scope, receive, send)


class HttpEndpoint:
    """Where the HTTP transport listens: URL plus the file holding its token."""

    def __init__(self, sock: socket.socket, token_path: Path) -> None:
        self.sock = sock
        self.port: int = sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}/mcp"
        self.token_path = token_path


def build_http_app(mcp: MCPServer[Any], port: int, token: str) -> ASGIApp:
    hosts = [f"{LOOPBACK}:{port}", f"localhost:{port}"]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=hosts,
        allowed_origins=[f"http://{host}" for host in hosts],
    )
    app = mcp.streamable_http_app(transport_security=security, host=LOOPBACK)
    return _BearerToken(app, token)


async def serve_http(mcp: MCPServer[Any], endpoint: HttpEndpoint, token: str) -> None:
    """Serve until cancelled; every request must carry `token`."""
    app = build_http_app(mcp, endpoint.port, token)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = _Server(config)
    logger.info("MCP over HTTP at %s", endpoint.url)
    task = asyncio.ensure_future(server.serve(sockets=[endpoint.sock]))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        server.should_exit = True  # a graceful stop: open streams are closed, not dropped
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
            await asyncio.wait_for(task, timeout=5)
        raise


class _Server(uvicorn.Server):
    """uvicorn, minus its signal handlers: the daemon owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
