"""Index maintenance in a short-lived child process: the ANN build and `optimize()`.

Both are LanceDB jobs whose memory peaks far above a query's: measured at 100K vectors, the
one-time IVF_SQ build +166-190 MB for ~4 s, `optimize()` of the vectors table (due every
~512 embedded chunks) +108-176 MB for 0.5-2 s (context/README.md, "Measured"). Run inside
the daemon they would lift it past its 500 MB budget; run here, the child pays the peak and
the OS takes it all back when it exits.

The child is a fresh interpreter (`python -P -m aigentflow.context.maintenance`, the request on stdin),
started by `subprocess` without a shell: exec'd at once, so no copy of the daemon (which has
threads, whose locks a plain fork would copy mid-use) ever runs Python code. It opens the
same LanceDB URI, does one job on one table (committing with the same conflict retries as
the daemon), prints one JSON line and exits.
The daemon holds the index's writer lock for it meanwhile (`IndexStore.writing`), then
checks out the table's new version. A failure is an `IndexError_` to the caller, which logs
it and retries later: a child that dies, hangs past `timeout` or prints nothing useful
never takes the daemon with it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Literal

from aigentflow.errors import IndexError_

__all__ = ["JOBS", "Job", "MaintenanceResult", "child_command", "main", "run_in_child", "run_job"]

Job = Literal["optimize", "vector-index"]
JOBS: tuple[Job, ...] = ("optimize", "vector-index")
TIMEOUT_S = 900.0  # an ANN build at 1M vectors takes minutes; past this the child is killed
_TAIL = 600  # characters of a failed child's stderr that go into the error


@dataclass(frozen=True)
class MaintenanceResult:
    """What a child reported: which job on which table, its pid, the table version it left,
    its wall time and its peak resident memory (for logs and benchmarks)."""

    job: str
    table: str
    pid: int
    version: int
    seconds: float
    peak_rss_mb: float


def child_command(python: str | None = None) -> list[str]:
    """The child's argv: no shell; `-P` keeps the working directory off `sys.path` (a
    `secrets.py` or `lancedb.py` there would shadow the real module). The request goes on
    stdin, not argv: an index URI may carry credentials, and argv is visible to every user."""
    return [python or sys.executable, "-P", "-m", "aigentflow.context.maintenance"]


def run_in_child(
    uri: str,
    job: Job,
    table: str,
    *,
    options: dict[str, Any] | None = None,
    python: str | None = None,
    timeout: float = TIMEOUT_S,
) -> MaintenanceResult:
    """Run `job` on `table` of the index at `uri` in a child process and wait for it.

    `options` go to the job (`vector-index`: `target_partition_size`, `sample_rate`). The
    caller must hold the index's writer lock (the child does not take it). Raises
    `IndexError_` if the child cannot start, fails, times out or reports nothing."""
    request = {"uri": uri, "job": job, "table": table, "options": options or {}}
    command = child_command(python)
    try:
        done = subprocess.run(  # our own interpreter and module, no shell
            command, input=json.dumps(request), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise IndexError_(f"index maintenance ({job} of {table}) timed out after {timeout:.0f}s") from exc
    except OSError as exc:
        raise IndexError_(f"index maintenance ({job} of {table}) could not start: {exc}") from exc
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip()[-_TAIL:]
        raise IndexError_(f"index maintenance ({job} of {table}) exited with {done.returncode}: {tail}")
    try:
        report = json.loads(lines[-1])
        return MaintenanceResult(
            job=job,
            table=table,
            pid=int(report["pid"]),
            version=int(report["version"]),
            seconds=float(report["seconds"]),
            peak_rss_mb=float(report["peak_rss_mb"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexError_(f"index maintenance ({job} of {table}) reported {lines[-1][:200]!r}") from exc


def run_job(table: Any, job: str, options: dict[str, Any]) -> None:
    """Do `job` on `table`, here: what the child runs, and what the daemon runs itself for
    a table too small to isolate. The caller holds the index's writer lock."""
    from aigentflow.context.store import with_retries

    if job == "optimize":
        with_retries(table.optimize, "optimize")
    elif job == "vector-index":
        from lancedb.index import IvfSq

        config = IvfSq(
            distance_type="cosine",
            target_partition_size=int(options["target_partition_size"]),
            sample_rate=int(options["sample_rate"]),
        )
        with_retries(lambda: table.create_index("vector", config=config), "vector index")
    else:
        raise ValueError(f"unknown maintenance job {job!r}")


def main(argv: list[str] | None = None) -> int:
    """The child: the JSON request is `argv[0]` if given, else stdin; prints one JSON line
    (the report)."""
    import lancedb

    started = time.monotonic()
    request = json.loads(argv[0] if argv else sys.stdin.read())
    table = lancedb.connect(request["uri"]).open_table(request["table"])
    run_job(table, request["job"], request.get("options", {}))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    report = {"pid": os.getpid(), "version": table.version, "seconds": time.monotonic() - started}
    sys.stdout.write(json.dumps({**report, "peak_rss_mb": round(peak, 1)}) + "\n")  # its answer
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
