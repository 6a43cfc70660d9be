"""The client side of the daemon socket: connect (starting the daemon if needed), hand over.

`aigentflow lsp` and `aigentflow mcp` are thin stdio front ends: they find the workspace's
daemon, start it when none runs (like gopls `-remote=auto`), send the handshake and then copy
bytes between stdin/stdout and the socket until either side closes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from aigentflow.daemon import HANDSHAKE_VERSION
from aigentflow.errors import DaemonUnavailable
from aigentflow.locations import DaemonPaths

__all__ = [
    "EXIT_ALREADY_RUNNING",
    "attach",
    "connect",
    "control",
    "proxy_stdio",
    "spawn_daemon",
    "wait_stopped",
]

EXIT_ALREADY_RUNNING = 3  # `aigentflow serve` exit code when another daemon holds the lock
_CHUNK = 64 * 1024


def connect(root: Path, protocol: str, *, timeout: float = 5.0) -> tuple[socket.socket, dict[str, Any]]:
    """Connect to the running daemon of `root` and complete the handshake.

    Raises DaemonUnavailable when no daemon listens or the handshake fails.
    """
    paths = DaemonPaths.for_workspace(root)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(paths.socket))
        sock.sendall(json.dumps({"aigentflow": HANDSHAKE_VERSION, "protocol": protocol}).encode() + b"\n")
        reply = json.loads(_read_line(sock))
    except (OSError, ValueError) as exc:
        sock.close()
        raise DaemonUnavailable(f"no daemon for {paths.workspace} at {paths.socket}: {exc}") from exc
    if not isinstance(reply, dict) or not reply.get("ok"):
        sock.close()
        raise DaemonUnavailable(f"daemon refused the connection: {reply}")
    sock.settimeout(None)
    return sock, reply


def _read_line(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("daemon closed the connection")
        data += chunk
    return data


def spawn_daemon(root: Path) -> subprocess.Popen[bytes]:
    """Start `aigentflow serve` for `root` in its own session, logging to the daemon's log."""
    paths = DaemonPaths.for_workspace(root)
    paths.ensure()
    with open(paths.log, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "aigentflow", "serve", "--workspace", str(paths.workspace)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            cwd=paths.workspace,
            start_new_session=True,  # outlives the editor that launched the front end
            # glibc reads this at start-up: two malloc arenas instead of eight per core keep the
            # daemon's resident memory ~30 MB lower at 100K chunks (benchmarks/daemon_rss.py).
            env={**os.environ, "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")},
        )


def attach(root: Path, protocol: str, *, start_timeout: float = 20.0) -> tuple[socket.socket, dict[str, Any]]:
    """Connect to the daemon of `root`, starting one when none runs."""
    with contextlib.suppress(DaemonUnavailable):
        return connect(root, protocol)
    process = spawn_daemon(root)
    deadline = time.monotonic() + start_timeout
    while True:
        try:
            return connect(root, protocol)
        except DaemonUnavailable:
            code = process.poll()
            # Exit code 3: another front end's daemon won the race; keep waiting for it.
            if (code is not None and code != EXIT_ALREADY_RUNNING) or time.monotonic() > deadline:
                raise DaemonUnavailable(_start_failure(root, code)) from None
            time.sleep(0.05)


def _start_failure(root: Path, code: int | None) -> str:
    paths = DaemonPaths.for_workspace(root)
    try:
        tail = paths.log.read_text(encoding="utf-8", errors="replace").splitlines()[-8:]
    except OSError:
        tail = []
    what = f"exited with code {code}" if code is not None else "did not start in time"
    return f"the daemon for {paths.workspace} {what}; log {paths.log}:\n" + "\n".join(tail)


def wait_stopped(root: Path, timeout: float = 30.0) -> bool:
    """Wait until no daemon holds `root`'s lock (it releases it last, after its cleanup).

    Blocks on the lock itself rather than polling; False if the daemon still runs at `timeout`.
    """
    paths = DaemonPaths.for_workspace(root)
    released = threading.Event()

    def take_lock() -> None:
        with contextlib.suppress(OSError), open(paths.lock, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            fcntl.flock(handle, fcntl.LOCK_UN)
        released.set()

    threading.Thread(target=take_lock, name="wait-daemon-exit", daemon=True).start()
    return released.wait(timeout)


def control(root: Path, command: str) -> dict[str, Any]:
    """Send one control command to the running daemon and return its reply."""
    sock, _ = connect(root, "control")
    with sock:
        sock.settimeout(30)
        sock.sendall(json.dumps({"cmd": command}).encode() + b"\n")
        reply: dict[str, Any] = json.loads(_read_line(sock))
        return reply


def proxy_stdio(sock: socket.socket, preread: bytes = b"", stdin_fd: int = 0, stdout_fd: int = 1) -> None:
    """Copy stdin → socket and socket → stdout until the daemon closes the connection.

    Stdin's end half-closes the socket so the daemon sees EOF and can finish its replies.
    """

    def upstream() -> None:
        try:
            if preread:
                sock.sendall(preread)
            while chunk := os.read(stdin_fd, _CHUNK):
                sock.sendall(chunk)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)

    threading.Thread(target=upstream, name="stdin-to-daemon", daemon=True).start()
    try:
        while chunk := sock.recv(_CHUNK):
            view = memoryview(chunk)
            while view:
                view = view[os.write(stdout_fd, view) :]
    except OSError:
        pass
    finally:
        sock.close()
