"""Memory of the real daemon serving a large index: VmRSS/VmHWM after it answered searches.

Starts `aigentflow serve --workspace DIR` (the process MCP hosts and the CLI attach to),
connects an MCP client through `aigentflow mcp` (the stdio bridge a host launches), waits
for the start-up refresh, calls `search_code` (hybrid, the default) for every query three
times, and reads /proc/<daemon pid>/status: VmRSS (now), VmHWM (peak), RssAnon, RssFile.
Also prints the end-to-end `search_code` latency as the host sees it (MCP framing, JSON,
socket relay included, so it is higher than `benchmarks/index.py`'s in-process figures).

`--unembedded N` deletes N vectors first, so the daemon embeds while it searches (its peak).
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


async def measure(root: Path, env: dict[str, str], pid: int, extra: int) -> None:
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


def varied_queries(n: int) -> list[str]:
    """`n` distinct queries: pairs of words from the benchmark's queries, in a fixed order."""
    words = sorted({w for q in QUERIES for w in q.split() if len(w) > 3})
    pairs = [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :]]
    return pairs[:: max(1, len(pairs) // max(1, n))][:n]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workspace", type=Path, required=True, help="a workspace with a built index")
    parser.add_argument("--extra", type=int, default=300, help="further distinct searches (cache growth)")
    parser.add_argument(
        "--unembedded", type=int, default=0, help="delete this many vectors first: the daemon re-embeds them"
    )
    args = parser.parse_args()
    root = args.workspace.resolve()
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
            asyncio.run(measure(root, env, daemon.pid, args.extra))
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
