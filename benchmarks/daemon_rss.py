"""Memory of the real daemon serving a large index: VmRSS/VmHWM after it answered searches.

Starts `aigentflow serve --workspace DIR` (the process MCP hosts and the CLI attach to),
connects an MCP client through `aigentflow mcp` (the stdio bridge a host launches), waits
for the start-up refresh, calls `search_code` (hybrid, the default) for every query three
times, and reads /proc/<daemon pid>/status: VmRSS (now), VmHWM (peak), RssAnon, RssFile.
Also prints the end-to-end `search_code` latency as the host sees it (MCP framing, JSON,
socket relay included, so it is higher than `benchmarks/index.py`'s in-process figures).

`--maintenance` instead measures the daemon's upkeep: for each of the ANN build and the
vectors table's `optimize()`, a daemon is started on an index where that job is due, and
its VmRSS (sampled every 20 ms), VmHWM and its children's VmRSS are reported, with the job
in a child process (`context.isolate_maintenance`, the default) and in the daemon (before).

`--unembedded N` deletes N vectors first, so the daemon embeds while it searches (its peak).
`--saves N` then edits a file N times and searches after each save (each write makes the
daemon re-read its row maps).
DIR is a workspace with its index already built, e.g. by
`benchmarks/index.py --skip-throughput --scales 10 --keep DIR` (~100K chunks, every chunk
with a synthetic vector, ANN index built). State and config go to a temp AIGENTFLOW_HOME.

    .venv/bin/python benchmarks/daemon_rss.py --workspace DIR
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

from benchmarks.index import QUERIES, load, percentiles  # noqa: E402

AIGENTFLOW = [sys.executable, "-m", "aigentflow"]


def proc_status(pid: int) -> dict[str, int]:
    """The Vm*/Rss* lines of /proc/<pid>/status, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "VmSwap"):
            out[key] = int(value.split()[0]) // 1024
    return out


def drop_vectors(root: Path, count: int) -> None:
    """Delete `count` vectors, so the daemon embeds those chunks in the background (batches of
    `embed_batch` through the model) while it answers the searches."""
    import lancedb

    from aigentflow.context.store import sql_list

    vectors = lancedb.connect(str(root / ".aigentflow" / "index")).open_table("vectors")
    hashes = vectors.search().select(["content_hash"]).limit(count).to_arrow().column(0).to_pylist()
    vectors.delete(f"content_hash IN {sql_list(hashes)}")


def start_daemon(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [*AIGENTFLOW, "serve", "--workspace", str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    serving = threading.Event()

    def drain() -> None:  # keep reading so the daemon never blocks on a full pipe
        assert process.stderr is not None
        for line in process.stderr:
            if " serving " in line:
                serving.set()
        serving.set()

    threading.Thread(target=drain, daemon=True).start()
    if not serving.wait(120) or process.poll() is not None:
        process.kill()
        raise SystemExit("the daemon did not start")
    return process


async def measure(root: Path, env: dict[str, str], pid: int, extra: int, saves: int = 0) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=[*AIGENTFLOW[1:], "mcp", "--workspace", str(root)], env=env
    )
    async with Client(params) as client:
        print(f"daemon serving, idle: {proc_status(pid)}")
        started = time.monotonic()
        while True:  # the start-up refresh (nothing changed: stat only) must finish first
            result = await client.call_tool("search_code", {"query": QUERIES[0], "limit": 10})
            assert result.structured_content is not None
            if not result.structured_content["indexing"]:
                break
            await asyncio.sleep(0.5)
        print(
            f"first search (opens the index, loads the model) + refresh: {time.monotonic() - started:.1f}s;"
            f" {proc_status(pid)}"
        )
        samples = []
        for _ in range(3):
            for query in QUERIES:
                begun = time.perf_counter()
                result = await client.call_tool("search_code", {"query": query, "limit": 10})
                samples.append(time.perf_counter() - begun)
                assert result.structured_content is not None and result.structured_content["hits"]
        content = result.structured_content
        print(f"search_code (hybrid) over MCP, end to end: {percentiles(samples)} ({load()})")
        print(f"mode {content['mode']}, pending embeddings {content['pending_embeddings']}")
        print(f"after {len(samples) + 1} searches: {proc_status(pid)}")
        for query in varied_queries(extra):  # distinct queries fill LanceDB's caches to their bounds
            result = await client.call_tool("search_code", {"query": query, "limit": 10})
        if extra:
            assert result.structured_content is not None
            pending = result.structured_content["pending_embeddings"]
            print(f"after {extra} more distinct searches: {proc_status(pid)}; pending embeddings {pending}")
        if saves:
            await save_and_search(client, root, pid, saves)


async def save_and_search(client: Client, root: Path, pid: int, saves: int) -> None:
    """Edit a file `saves` times; after each save, search until the new function is found,
    then five more searches (the daemon re-reads its row maps after a write, see
    `context/hashrows.py`). Reports the daemon's memory after all of them."""
    target = sorted(root.rglob("*.py"))[0]
    original = target.read_text()
    try:
        for i in range(saves):
            marker = f"saved_marker_function_{i}"
            target.write_text(original + f"\n\ndef {marker}():\n    return {i}\n")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                result = await client.call_tool("search_code", {"query": marker, "limit": 3})
                assert result.structured_content is not None
                if any(hit["symbol"] == marker for hit in result.structured_content["hits"]):
                    break
                await asyncio.sleep(0.05)
            for query in QUERIES[:5]:
                await client.call_tool("search_code", {"query": query, "limit": 10})
            if (i + 1) % 5 == 0 or i + 1 == saves:
                print(
                    f"after {i + 1} saves, each searched for until found, then 5 searches: {proc_status(pid)}"
                )
    finally:
        target.write_text(original)


def varied_queries(n: int) -> list[str]:
    """`n` distinct queries: pairs of words from the benchmark's queries, in a fixed order."""
    words = sorted({w for q in QUERIES for w in q.split() if len(w) > 3})
    pairs = [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :]]
    return pairs[:: max(1, len(pairs) // max(1, n))][:n]


# -- maintenance peaks --------------------------------------------------------------------


class Sampler:
    """Samples VmRSS of the daemon and of its child processes every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.daemon_max = 0
        self.child_max = 0
        self.children_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _children(self) -> list[int]:
        out: list[int] = []
        for task in Path(f"/proc/{self.pid}/task").glob("*/children"):
            out += [int(c) for c in task.read_text().split()]
        return out

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.daemon_max = max(self.daemon_max, proc_status(self.pid)["VmRSS"])
                for child in self._children():
                    self.children_seen.add(child)
                    self.child_max = max(self.child_max, proc_status(child).get("VmRSS", 0))
            except (OSError, KeyError, ValueError):  # a child that just exited
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def prepare_job(root: Path, job: str) -> None:
    """Make the daemon's next upkeep run `job`: `vector-index` drops the ANN index (and 16
    vectors, so embedding runs and is followed by the build); `optimize` drops 600 vectors,
    whose re-embedding in batches of 16 appends 38 small fragments: optimize is then due."""
    import lancedb

    vectors = lancedb.connect(str(root / ".aigentflow" / "index")).open_table("vectors")
    if job == "vector-index":
        for index in vectors.list_indices():
            vectors.drop_index(index.name)
        drop_vectors(root, 16)
    else:
        drop_vectors(root, 600)


def job_done(root: Path, job: str, state: dict[str, bool]) -> bool:
    """Whether the daemon's upkeep has finished `job` (read from the index's latest version)."""
    import lancedb

    vectors = lancedb.connect(str(root / ".aigentflow" / "index")).open_table("vectors")
    names = [index.name for index in vectors.list_indices()]
    if job == "vector-index":
        return "vector_idx" in names
    unindexed = vectors.index_stats("vector_idx").num_unindexed_rows if "vector_idx" in names else 0
    state["appended"] = state.get("appended", False) or unindexed > 0
    return state["appended"] and unindexed == 0


def maintenance_peak(root: Path, env: dict[str, str], job: str, isolate: bool) -> str:
    """Start the daemon, let its background upkeep run `job`, and report its memory."""
    prepare_job(root, job)
    Path(env["AIGENTFLOW_USER_CONFIG"]).write_text(
        f"context:\n  isolate_maintenance: {str(isolate).lower()}\n"
    )
    daemon = start_daemon(root, env)
    sampler = Sampler(daemon.pid)
    started = time.monotonic()
    state: dict[str, bool] = {}
    try:
        while not job_done(root, job, state):
            if time.monotonic() - started > 600 or daemon.poll() is not None:
                raise SystemExit(f"{job} did not finish")
            time.sleep(0.25)  # polling another process's progress, not a test wait
        time.sleep(1.0)  # the daemon checks out the new version after the child exits
        status = proc_status(daemon.pid)
    finally:
        sampler.stop()
        daemon.terminate()
        daemon.wait(30)
    where = "child process" if isolate else "in the daemon"
    return (
        f"  {job:12s} {where:15s}: daemon VmRSS max {sampler.daemon_max} MB, VmHWM {status['VmHWM']} MB;"
        f" children {len(sampler.children_seen)}, child VmRSS max {sampler.child_max} MB;"
        f" {time.monotonic() - started:.0f}s ({load()})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workspace", type=Path, required=True, help="a workspace with a built index")
    parser.add_argument("--extra", type=int, default=300, help="further distinct searches (cache growth)")
    parser.add_argument(
        "--unembedded", type=int, default=0, help="delete this many vectors first: the daemon re-embeds them"
    )
    parser.add_argument(
        "--saves", type=int, default=0, help="then edit a file this many times, searching after each save"
    )
    parser.add_argument(
        "--maintenance",
        action="store_true",
        help="instead: the daemon's memory while its upkeep builds the ANN index and optimizes "
        "the vectors table, in a child process vs in the daemon (restarts the daemon per job)",
    )
    args = parser.parse_args()
    root = args.workspace.resolve()
    if args.maintenance:
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "AIGENTFLOW_HOME": f"{home}/state",
                "AIGENTFLOW_USER_CONFIG": f"{home}/user.yaml",
            }
            env["AIGENTFLOW_ORG_CONFIG"] = f"{home}/org.yaml"
            print(f"maintenance peaks, {root} ({load()}):")
            for job in ("vector-index", "optimize"):
                for isolate in (True, False):
                    print(maintenance_peak(root, env, job, isolate), flush=True)
        return 0
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "AIGENTFLOW_HOME": f"{home}/state",
            "AIGENTFLOW_USER_CONFIG": f"{home}/user.yaml",
            "AIGENTFLOW_ORG_CONFIG": f"{home}/org.yaml",
        }
        if args.unembedded:
            drop_vectors(root, args.unembedded)
        daemon = start_daemon(root, env)
        try:
            asyncio.run(measure(root, env, daemon.pid, args.extra, args.saves))
            status = proc_status(daemon.pid)
            verdict = "meets" if status["VmHWM"] <= 500 else "EXCEEDS"
            print(
                f"daemon VmRSS {status['VmRSS']} MB, VmHWM {status['VmHWM']} MB: {verdict} the 500 MB target"
            )
        finally:
            daemon.terminate()
            try:
                daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
