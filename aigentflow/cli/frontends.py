"""`aigentflow lsp` and `aigentflow mcp`: the stdio front ends editors and MCP hosts launch.

By default each attaches to the workspace's daemon (starting it when needed) and relays
stdin/stdout over its socket. `--standalone` runs the core in this process instead.
`aigentflow mcp --http` makes the daemon serve MCP over streamable HTTP on loopback and keeps
it alive while this command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from aigentflow.cli.serve import add_workspace_argument, workspace_root

if TYPE_CHECKING:
    from aigentflow.services import Services

HELP = "stdio front ends for editors (lsp) and MCP hosts (mcp)"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    add_workspace_argument(parser)
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="run the core in this process instead of attaching to the daemon",
    )
    if command == "mcp":
        parser.add_argument("--http", action="store_true", help="serve MCP over streamable HTTP on 127.0.0.1")
    else:
        parser.add_argument(
            "--stdio", action="store_true", help="accepted for editors that pass it; stdio is the default"
        )


def run(args: argparse.Namespace) -> int:
    if args.command == "lsp":
        return _run_lsp(args)
    if getattr(args, "http", False):
        return _run_mcp_http(args)
    return _run_mcp(args)


# -- LSP ---------------------------------------------------------------------------------


def read_lsp_message(fd: int) -> bytes:
    """Read one whole Content-Length-framed message from `fd` (headers and body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = os.read(fd, 1)
        if not chunk:
            return data
        data += chunk
    length = 0
    for header in data.split(b"\r\n"):
        name, _, value = header.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value)
    body = b""
    while len(body) < length:
        chunk = os.read(fd, length - len(body))
        if not chunk:
            break
        body += chunk
    return data + body


def root_from_initialize(message: bytes) -> Path | None:
    """The workspace root an editor names in its `initialize` request, if any."""
    _, _, body = message.partition(b"\r\n\r\n")
    try:
        params = json.loads(body).get("params") or {}
    except (ValueError, AttributeError):
        return None
    folders = params.get("workspaceFolders") or []
    uri = (folders[0].get("uri") if folders and isinstance(folders[0], dict) else None) or params.get(
        "rootUri"
    )
    if isinstance(uri, str) and uri.startswith("file:"):
        return Path(unquote(urlparse(uri).path))
    root_path = params.get("rootPath")
    return Path(root_path) if isinstance(root_path, str) and root_path else None


def _run_lsp(args: argparse.Namespace) -> int:
    preread = b""
    root = args.workspace
    if root is None:  # the editor tells us its workspace in `initialize`
        preread = read_lsp_message(0)
        root = root_from_initialize(preread)
    root = workspace_root(root)
    if args.standalone:
        return _standalone(root, "lsp", preread)
    from aigentflow.remote import attach, proxy_stdio

    sock, _ = attach(root, "lsp")
    proxy_stdio(sock, preread)
    return 0


# -- MCP ---------------------------------------------------------------------------------


def _run_mcp(args: argparse.Namespace) -> int:
    root = workspace_root(args.workspace)
    if args.standalone:
        return _standalone(root, "mcp", b"")
    from aigentflow.remote import attach, proxy_stdio

    sock, _ = attach(root, "mcp")
    proxy_stdio(sock)
    return 0


def _run_mcp_http(args: argparse.Namespace) -> int:
    """Ask the daemon for its HTTP endpoint, print it, stay attached until interrupted/EOF."""
    from aigentflow.remote import attach

    root = workspace_root(args.workspace)
    sock, _ = attach(root, "control")
    with sock:
        sock.sendall(b'{"cmd": "http"}\n')
        reply = json.loads(sock.makefile("rb").readline())
        if not reply.get("ok"):
            sys.stderr.write(f"aigentflow mcp --http: {reply.get('error')}\n")
            return 1
        info = {"url": reply["url"], "token_file": reply["token_file"]}
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        sys.stderr.write(
            f"MCP over HTTP at {info['url']}: send 'Authorization: Bearer <token>',"
            f" the token is in {info['token_file']}\n"
        )
        # Hold this connection (it keeps the daemon from idling out) until stdin closes.
        reader = threading.Thread(target=sys.stdin.read, daemon=True)
        reader.start()
        with contextlib.suppress(KeyboardInterrupt):
            reader.join()
    return 0


# -- standalone ---------------------------------------------------------------------------


def _standalone(root: Path, protocol: str, preread: bytes) -> int:
    """Run the core in this process, serving one client on stdin/stdout."""
    from aigentflow.compose import build_services
    from aigentflow.logs import configure_logging

    services = build_services(root)
    configure_logging(services.settings.daemon.log_level)
    asyncio.run(_serve_standalone(services, protocol, preread))
    return 0


async def _serve_standalone(services: Services, protocol: str, preread: bytes) -> None:
    from aigentflow.daemon import running_services

    async with running_services(services):
        if protocol == "mcp":
            from aigentflow.server.app import build_mcp_server

            await build_mcp_server(services).run_stdio_async()
            return
        from aigentflow.lsp.server import serve_connection

        reader, writer = await _stdio_streams(preread)
        await serve_connection(services, reader, writer)


async def _stdio_streams(preread: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """asyncio streams on fds 0/1; `preread` (bytes already taken from stdin) comes first."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
    reader.feed_data(preread)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(0, "rb", buffering=0)
    )
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(1, "wb", buffering=0)
    )
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    return reader, writer
