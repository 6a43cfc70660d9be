"""Shared test helpers (plain functions and constants, importable as `tests.helpers`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

# Built at run time so this file is not itself a "leaked key"; matches AWS's AKIA format.
FAKE_AWS_KEY = "AKIA" + "QYLPMN5HHFMZW7SB"
PYTHON = sys.executable
AIGENTFLOW = [PYTHON, "-m", "aigentflow"]


def cli(
    *args: str, cwd: Path | None = None, input: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess."""
    return subprocess.run(
        [*AIGENTFLOW, *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def wait_until(predicate: Callable[[], object], timeout: float = 15.0, interval: float = 0.02) -> None:
    """Poll `predicate` until truthy; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


async def async_wait_until(
    predicate: Callable[[], object | Awaitable[object]], timeout: float = 15.0
) -> None:
    """Like `wait_until`, without blocking the event loop; `predicate` may be async."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


def start_daemon(
    root: Path, extra_env: dict[str, str] | None = None, args: Sequence[str] = ()
) -> subprocess.Popen[str]:
    """`aigentflow serve` for `root` as a subprocess; waits until it answers `status`."""
    env = {**os.environ, **(extra_env or {})}
    process = subprocess.Popen(
        [*AIGENTFLOW, "serve", "--workspace", str(root), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    from aigentflow.errors import DaemonUnavailable
    from aigentflow.remote import connect

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(
                f"daemon exited {process.returncode}: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            sock, _ = connect(root, "control", timeout=1)
        except DaemonUnavailable:
            return False
        sock.close()
        return True

    wait_until(up, timeout=30)
    return process


def stop_process(process: subprocess.Popen[str], timeout: float = 10) -> None:
    """Terminate (then kill) a process if it still runs, and close its pipes."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()
