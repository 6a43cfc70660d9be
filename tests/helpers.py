"""Shared test helpers (plain functions and constants, importable as `tests.helpers`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import watchfiles

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


def wait_for_files(root: Path, predicate: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait until `predicate` holds, re-checking on each file-system event below `root`."""
    if predicate():
        return
    deadline = time.monotonic() + timeout
    for _ in watchfiles.watch(root, debounce=0, step=10, rust_timeout=200, yield_on_timeout=True):
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")


async def async_wait_until(
    predicate: Callable[[], object | Awaitable[object]], timeout: float = 15.0
) -> None:
    """Poll `predicate` (which may be async) without blocking the event loop; for conditions
    no notification announces (another process's view of the workspace)."""
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
    """`aigentflow serve` for `root` as a subprocess; returns once it logs that it is serving."""
    env = {**os.environ, **(extra_env or {})}
    process = subprocess.Popen(
        [*AIGENTFLOW, "serve", "--workspace", str(root), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    serving = threading.Event()
    log: list[str] = []

    def drain() -> None:  # reads the whole log, so the daemon never blocks on a full pipe
        with contextlib.suppress(ValueError, OSError):
            assert process.stderr is not None
            for line in process.stderr:
                log.append(line)
                if " serving " in line:
                    serving.set()
        serving.set()  # end of the log: the daemon exited

    threading.Thread(target=drain, name="daemon-log", daemon=True).start()
    if not serving.wait(30) or process.poll() is not None:
        process.kill()
        raise AssertionError(f"daemon did not start ({process.poll()}): {''.join(log)[-2000:]}")
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
