"""The workspace daemon: one process per workspace, serving every editor and MCP host.

Clients connect to a Unix socket in the daemon's directory (see `aigentflow.locations`) and
open with one handshake line naming the protocol they will speak:

    -> {"aigentflow": 1, "protocol": "lsp" | "mcp" | "control"}
    <- {"ok": true, "pid": 123, "version": "0.1.0", "workspace": "/path"}

after which the connection carries that protocol unchanged (LSP's Content-Length framing, MCP's
newline-delimited JSON-RPC, or control commands, one JSON object per line). An exclusive
`flock` on `daemon.lock` guarantees one daemon per workspace: a socket file found while holding
the lock is stale (left by a killed daemon) and is replaced. The daemon exits after
`daemon.idle_timeout_s` seconds without clients (0: never), on SIGTERM/SIGINT, or on `stop`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from aigentflow import __version__
from aigentflow.errors import DaemonAlreadyRunning
from aigentflow.locations import DaemonPaths
from aigentflow.review.baseline import atomic_write
from aigentflow.services import Services
from aigentflow.status import daemon_status
from aigentflow.watch import watch_workspace

__all__ = ["HANDSHAKE_VERSION", "PROTOCOLS", "Daemon", "DaemonLock", "running_services"]

logger = logging.getLogger(__name__)

HANDSHAKE_VERSION = 1
PROTOCOLS = ("lsp", "mcp", "control")
STREAM_LIMIT = 64 * 1024 * 1024  # longest line an MCP client may send (a big tool argument)
HANDSHAKE_TIMEOUT_S = 10.0


class DaemonLock:
    """The exclusive lock that makes a daemon the only one for its workspace."""

    def __init__(self, paths: DaemonPaths) -> None:
        self.paths = paths
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise DaemonAlreadyRunning naming the running daemon."""
        self.paths.ensure()
        handle = open(self.paths.lock, "a+", encoding="utf-8")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            pid = _running_pid(self.paths.info)
            raise DaemonAlreadyRunning(
                f"a daemon{f' (pid {pid})' if pid else ''} already serves {self.paths.workspace}"
                f" on {self.paths.socket}"
            ) from None
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def _running_pid(info: Path) -> int | None:
    try:
        pid = json.loads(info.read_text(encoding="utf-8")).get("pid")
    except (OSError, ValueError, AttributeError):
        return None
    return pid if isinstance(pid, int) else None


@contextlib.asynccontextmanager
async def running_services(services: Services, *, watch: bool = True) -> AsyncIterator[None]:
    """Bind the bus to this loop and run the watcher and background jobs until exit."""
    services.bus.bind(asyncio.get_running_loop())
    tasks: list[asyncio.Task[Any]] = []
    if watch:
        tasks.append(asyncio.create_task(watch_workspace(services.workspace, services.bus), name="watcher"))
    tasks += [asyncio.ensure_future(job()) for job in services.background]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for close in reversed(services.closers):
            try:
                close()
            except Exception:  # one failing closer must not keep the others from running
                logger.exception("closing %r failed", close)


class Daemon:
    """Serves one workspace's services on its socket until stopped or idle."""

    def __init__(self, services: Services, paths: DaemonPaths) -> None:
        from aigentflow.server.app import build_mcp_server

        self.services = services
        self.paths = paths
        self.mcp = build_mcp_server(services)
        self._stopped = asyncio.Event()
        self._idle: asyncio.TimerHandle | None = None
        self._clients: set[asyncio.Task[Any]] = set()
        self._http: asyncio.Task[None] | None = None
        self._http_endpoint: Any = None

    # -- life cycle --------------------------------------------------------------------

    async def run(self) -> None:
        """Serve until stopped. The caller holds the `DaemonLock`."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(FileNotFoundError):
            self.paths.socket.unlink()  # we hold the lock: any socket file left is stale
        server = await asyncio.start_unix_server(
            self._on_client, path=str(self.paths.socket), limit=STREAM_LIMIT
        )
        os.chmod(self.paths.socket, 0o600)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        async with running_services(self.services):
            self._write_info()
            self._arm_idle_timer()
            logger.info(
                "serving %s on %s (pid %d)", self.services.workspace.root, self.paths.socket, os.getpid()
            )
            await self._stopped.wait()
            logger.info("stopping")
            server.close()
            for task in list(self._clients):
                task.cancel()
            await asyncio.gather(*self._clients, return_exceptions=True)
            if self._http is not None:
                self._http.cancel()
                await asyncio.gather(self._http, return_exceptions=True)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        for path in (self.paths.socket, self.paths.info):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def stop(self) -> None:
        self._stopped.set()

    def _write_info(self) -> None:
        info = {
            "pid": os.getpid(),
            "version": __version__,
            "workspace": str(self.services.workspace.root),
            "socket": str(self.paths.socket),
            "started_at": self.services.started_at,
            "http_url": self.services.http_url,
        }
        atomic_write(self.paths.info, json.dumps(info, indent=2) + "\n", mode=0o600)

    def _arm_idle_timer(self) -> None:
        timeout = self.services.settings.daemon.idle_timeout_s
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if timeout > 0 and sum(self.services.connections.values()) == 0:
            self._idle = asyncio.get_running_loop().call_later(timeout, self._idle_expired)

    def _idle_expired(self) -> None:
        logger.info("no clients for %ss: exiting", self.services.settings.daemon.idle_timeout_s)
        self.stop()

    # -- connections -------------------------------------------------------------------

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._clients.add(task)
        try:
            await self._serve_client(reader, writer)
        except asyncio.CancelledError:
            pass
        except Exception:  # one client's failure must never take the daemon down
            logger.exception("client connection failed")
        finally:
            self._clients.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        protocol = await self._handshake(reader, writer)
        if protocol is None:
            return
        connections = self.services.connections
        connections[protocol] = connections.get(protocol, 0) + 1
        self._arm_idle_timer()
        try:
            if protocol == "lsp":
                from aigentflow.lsp.server import serve_connection

                await serve_connection(self.services, reader, writer)
            elif protocol == "mcp":
                from aigentflow.server.transport import serve_mcp_stream

                await serve_mcp_stream(self.mcp, reader, writer)
            else:
                await self._serve_control(reader, writer)
        finally:
            connections[protocol] -= 1
            self._arm_idle_timer()

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str | None:
        try:
            line = await asyncio.wait_for(reader.readline(), HANDSHAKE_TIMEOUT_S)
            hello = json.loads(line)
            protocol = hello.get("protocol") if isinstance(hello, dict) else None
            if hello.get("aigentflow") != HANDSHAKE_VERSION or protocol not in PROTOCOLS:
                raise ValueError(f"expected {{'aigentflow': 1, 'protocol': one of {PROTOCOLS}}}")
        except (TimeoutError, ValueError, AttributeError, ConnectionError) as exc:
            reason = "no handshake" if isinstance(exc, asyncio.TimeoutError) else f"bad handshake: {exc}"
            await _send_line(writer, {"ok": False, "error": reason})
            return None
        reply = {
            "ok": True,
            "pid": os.getpid(),
            "version": __version__,
            "workspace": str(self.services.workspace.root),
        }
        await _send_line(writer, reply)
        return str(protocol)

    async def _serve_control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer control commands, one JSON object per line, until the client hangs up."""
        while line := await reader.readline():
            try:
                command = json.loads(line).get("cmd")
            except (ValueError, AttributeError):
                command = None
            if command == "status":
                reply: dict[str, Any] = {
                    "ok": True,
                    "status": daemon_status(self.services).model_dump(mode="json"),
                }
            elif command == "stop":
                await _send_line(writer, {"ok": True})
                self.stop()
                return
            elif command == "http":
                reply = {"ok": True, **await self._ensure_http()}
            else:
                reply = {"ok": False, "error": f"unknown command {command!r}; known: status, stop, http"}
            await _send_line(writer, reply)

    async def _ensure_http(self) -> dict[str, Any]:
        """Start the streamable-HTTP transport once; return where it listens."""
        from aigentflow.server.http import HttpEndpoint, bind_loopback, load_or_create_token, serve_http

        if self._http is None or self._http.done():
            endpoint = HttpEndpoint(bind_loopback(self.services.settings.http.port), self.paths.token)
            self._http_endpoint = endpoint
            token = load_or_create_token(self.paths.token)
            # The socket already listens: clients queue in its backlog until uvicorn accepts.
            self._http = asyncio.create_task(serve_http(self.mcp, endpoint, token), name="http")
            self.services.http_url = endpoint.url
            self._write_info()
        return {"url": self._http_endpoint.url, "token_file": str(self.paths.token)}


async def _send_line(writer: asyncio.StreamWriter, payload: dict[str, Any]) -> None:
    writer.write(json.dumps(payload).encode() + b"\n")
    with contextlib.suppress(ConnectionError):
        await writer.drain()
