"""Index throughput and query latency at 10K and 100K chunks: keyword, vector, hybrid; flat vs ANN.

Copies real installed packages into a temp workspace (one copy of `LIBS` is ~10K chunks) and
measures, in one run:
- throughput (`--copies`, default 2): full index time and chunks/s keyword-only, a no-op
  refresh, on-disk size, keyword latency, save-to-searchable, embedding chunks/s at 128/256 tokens
  (one text per model run, against runs of 4 in the same run);
- latency (`--scales`, default 1,10 copies ≈ 10K and 100K chunks): p50/p95 of keyword, vector
  and hybrid queries through `ChunkIndex.search` (what `search_code` runs), each query embedded
  (the query-vector cache emptied first; a "same query again" line shows the cached case),
  vector search flat vs ANN with its recall@10 against exact search, the query embedding
  alone, and the ANN index after the daemon's upkeep (512 appended vectors, `optimize()`).
  With the ANN index, the first queries right after its build are timed apart from the
  serving ones: those come after the daemon's row maps are read and the index files were
  read once (`settle`), as in a daemon that has served a query before; every one is still
  embedded.

Vectors at these sizes are SYNTHETIC (embedding 100K chunks at ~55 chunks/s takes half an
hour): `--real-sample` chunks of the corpus are embedded with the real model, and every
chunk gets one of them plus Gaussian noise drawn from their own covariance, normalised
(`synthetic_vectors`). That keeps the anisotropy and cluster structure of MiniLM code
embeddings (nearest-neighbour cosines match the real sample's), which is what ANN recall
depends on; uniform random vectors, used before, have no structure and understate recall.
Search cost does not depend on what the vectors mean. The vectors are keyed by the chunks'
real content hashes, so vector hits resolve to real chunk rows as in production.

    .venv/bin/python benchmarks/index.py [--copies 2] [--scales 1,10] [--keep DIR] [--skip-throughput]

`--scales ""` runs the throughput part only.

`--keep DIR` leaves the largest latency workspace (index built, ANN included) in DIR for
`benchmarks/daemon_rss.py --workspace DIR`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import site
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# run as a script, sys.path[0] is benchmarks/, whose secrets.py would shadow the stdlib's
sys.path[0] = str(Path(__file__).resolve().parents[1])

import numpy as np  # noqa: E402

import aigentflow.context.embed as embed_module  # noqa: E402
from aigentflow.context.chunking import embed_text  # noqa: E402
from aigentflow.context.embed import Embedder, resolve_embedder  # noqa: E402
from aigentflow.context.index import ChunkIndex  # noqa: E402
from aigentflow.context.settings import ContextSettings  # noqa: E402
from aigentflow.gctune import tune_gc  # noqa: E402
from aigentflow.workspace import Workspace  # noqa: E402

LIBS = ("click", "git", "attr", "packaging", "pluggy", "jsonschema", "anyio", "pathspec", "rich", "_pytest")
MODES = ("keyword", "vector", "hybrid")
QUERIES = (
    "parse a version string",
    "read the configuration file",
    "retry with exponential backoff",
    "render a table to the console",
    "TaskGroup cancel scope",
    "git diff between commits",
    "validate a json schema reference",
    "match a gitignore pattern",
    "hook implementation call order",
    "format an exception traceback",
    "load plugins from entry points",
    "run a subprocess and capture its output",
    "compare two version numbers",
    "wrap text to the terminal width",
    "convert a path to posix form",
    "iterate over a directory recursively",
    "raise an error for invalid input",
    "cache the result of a function",
    "lock a file before writing",
    "decode bytes as utf-8",
)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms"


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def copy_corpus(root: Path, copies: int) -> None:
    packages = Path(site.getsitepackages()[0])
    for copy in range(copies):
        for lib in LIBS:
            if (packages / lib).is_dir():
                shutil.copytree(
                    packages / lib, root / f"c{copy}" / lib, ignore=shutil.ignore_patterns("*.pyc")
                )


def disk_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def time_queries(run: Callable[[str], object], repeats: int = 3) -> list[float]:
    samples = []
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            run(query)
            samples.append(time.perf_counter() - started)
    return samples


# -- throughput ----------------------------------------------------------------------------


def throughput(copies: int, embed_sample: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy_corpus(root, copies)
        index = ChunkIndex(Workspace(root), ContextSettings(embedder="none"), None)
        started = time.monotonic()
        stats = index.refresh()
        full = time.monotonic() - started
        rate = stats.chunks_added / full
        print(f"corpus: {stats.files_indexed} files, {stats.chunks_added} chunks")
        print(f"keyword-only full index: {full:.1f}s, {rate:.0f} chunks/s")
        started = time.monotonic()
        again = index.refresh()
        print(
            f"refresh with nothing changed: {time.monotonic() - started:.2f}s, {again.files_indexed} re-read"
        )
        print(f"on disk: {disk_size(root / '.aigentflow') / 1e6:.1f} MB")
        save = []
        target = next(root.rglob("*.py"))
        rel = target.relative_to(root).as_posix()
        for i in range(20):
            marker = f"savedmarker{i}x"
            target.write_text(target.read_text() + f"\n\ndef {marker}():\n    return {i}\n")
            started = time.perf_counter()
            index.update_paths([rel])
            while not index.search(marker, 1, mode="keyword"):
                pass
            save.append(time.perf_counter() - started)
        print(f"save-to-searchable (keyword, in process, no watcher debounce): {percentiles(save)}")
        for tokens in (128, 256):
            embedder = resolve_embedder(ContextSettings(embed_max_tokens=tokens), root)
            if embedder is None:
                print("no model installed: skipping model figures")
                return
            texts = [h.text for h in index.search("def return self", embed_sample, mode="keyword")]
            texts = (texts * (embed_sample // max(1, len(texts)) + 1))[:embed_sample]
            rates = embed_rates(embedder, texts, (embed_module.RUN_ROWS, 4))
            print(
                f"embedding at {tokens} tokens, batch 16: {rates[0]:.1f} chunks/s in runs of"
                f" {embed_module.RUN_ROWS} texts; peer, runs of 4 (the former default):"
                f" {rates[1]:.1f} ({rates[0] / rates[1]:.2f}x)"
            )


def embed_rates(embedder: Embedder, texts: list[str], runs: tuple[int, ...]) -> list[float]:
    """Chunks/s embedding `texts` in batches of 16, for each number of texts per model run,
    alternating batch by batch so the peers share the machine's load."""
    spent = [0.0] * len(runs)
    default = embed_module.RUN_ROWS
    try:
        for start in range(0, len(texts), 16):
            for i, rows in enumerate(runs):
                embed_module.RUN_ROWS = rows
                started = time.perf_counter()
                embedder.embed(texts[start : start + 16])
                spent[i] += time.perf_counter() - started
    finally:
        embed_module.RUN_ROWS = default
    return [len(texts) / seconds for seconds in spent]


# -- latency at scale ----------------------------------------------------------------------


def synthetic_vectors(real: np.ndarray, n: int, spread: float = 0.4, seed: int = 1) -> np.ndarray:
    """`n` unit vectors shaped like `real` embeddings: a random real one plus `spread` times
    Gaussian noise with the real set's covariance. spread 0.4 reproduces the real sample's
    nearest-neighbour cosine (~0.84) and mean pairwise cosine (~0.25-0.28) for MiniLM code."""
    rng = np.random.default_rng(seed)
    centred = real - real.mean(axis=0)
    cov = np.cov(centred.T) + 1e-6 * np.eye(real.shape[1])
    factor = np.linalg.cholesky(cov).astype(np.float32)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 20_000):  # bounded temporaries
        size = min(20_000, n - start)
        base = real[rng.integers(0, len(real), size)]
        noise = rng.standard_normal((size, real.shape[1])).astype(np.float32) @ factor.T
        block = base + spread * noise
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def real_sample(index: ChunkIndex, embedder: Embedder, size: int) -> np.ndarray:
    """Real embeddings of `size` chunks spread over the corpus (the synthetic vectors' model)."""
    rows = index.store.chunks.search().select(["path", "signature", "text"]).limit(None).to_list()
    picks = np.random.default_rng(3).choice(len(rows), min(size, len(rows)), replace=False)
    texts = [embed_text(rows[i]["path"], rows[i]["signature"], rows[i]["text"]) for i in picks]
    return np.vstack([embedder.embed(texts[s : s + 32]) for s in range(0, len(texts), 32)])


def build_scaled(
    root: Path, copies: int, embedder: Embedder, real: np.ndarray | None
) -> tuple[ChunkIndex, np.ndarray, list[str], np.ndarray]:
    """A workspace of `copies` corpus copies, keyword-indexed, every chunk with a synthetic
    vector; returns the index (with the model), the real sample, the hashes and their vectors."""
    copy_corpus(root, copies)
    started = time.monotonic()
    ChunkIndex(Workspace(root), ContextSettings(embedder="none"), None).refresh()
    print(f"  keyword index: {time.monotonic() - started:.1f}s")
    index = ChunkIndex(Workspace(root), ContextSettings(), embedder)
    if real is None:
        started = time.monotonic()
        real = real_sample(index, embedder, 1_000)
        print(f"  embedded a real sample of {len(real)} chunks in {time.monotonic() - started:.1f}s")
    hashes = list(dict.fromkeys(index.store.column(index.store.chunks, "content_hash")))
    vectors = synthetic_vectors(real, len(hashes))
    for start in range(0, len(hashes), 20_000):
        index.store.add_vectors(hashes[start : start + 20_000], vectors[start : start + 20_000])
    index.store.optimize(force=True)  # one compacted table, as after a full build
    index = ChunkIndex(Workspace(root), ContextSettings(), embedder)  # reopened: nothing pending
    assert index.pending == 0, index.pending
    return index, real, hashes, vectors


def recall_at_10(
    index: ChunkIndex, embedder: Embedder, hashes: list[str], vectors: np.ndarray, real: np.ndarray
) -> float:
    """Mean overlap of the store's top 10 with exact (numpy) top 10, over the benchmark's
    queries and 20 real chunk embeddings."""
    probes = np.vstack([embedder.embed(list(QUERIES)), real[-20:]])
    total = 0.0
    for probe in probes:
        exact = {hashes[i] for i in np.argsort(-(vectors @ probe))[:10]}
        total += len(exact & set(index.store.nearest(probe, 100)[:10])) / 10
    return total / len(probes)


def cold_search(index: ChunkIndex, query: str, mode: str) -> object:
    """`index.search` with the query-vector cache emptied first: each query is embedded, as a
    query never asked before is (the figures the targets are judged on)."""
    if index.queries is not None:
        index.queries.clear()
    return index.search(query, 10, mode=mode)  # type: ignore[arg-type]


def time_against_fetched(index: ChunkIndex, mode: str) -> tuple[list[float], list[float]]:
    """Cold `index.search` latencies ranked from the row map (this version) and, alternating
    query by query (so both share the machine's load), with every candidate row fetched from
    LanceDB, text included (the map's ranking fields unused: what filtered searches do, and
    what every search did before)."""
    store = index.store
    now: list[float] = []
    fetched: list[float] = []
    for _ in range(3):
        for query in QUERIES:
            for samples, fetch in ((now, False), (fetched, True)):
                if fetch:
                    store.hash_rows.ranking_rows = lambda *args, **kwargs: None  # type: ignore[method-assign]
                if index.queries is not None:
                    index.queries.clear()
                started = time.perf_counter()
                index.search(query, 10, mode=mode)  # type: ignore[arg-type]
                samples.append(time.perf_counter() - started)
                if fetch:
                    del store.hash_rows.ranking_rows
    return now, fetched


def settle(index: ChunkIndex) -> None:
    """What a serving daemon has done long before: the maps from content hash to row and from
    vector row to hash read at the index's current version (they are re-read in the
    background after a write, and the first queries after the ANN build raced those reads),
    and the new index's files read once. Queries stay cold: each is still embedded."""
    index.store.hash_rows.rebuild_in_background().join()
    index.store.row_hashes.rebuild_in_background().join()
    for mode in MODES:
        time_queries(lambda q, mode=mode: cold_search(index, q, mode), repeats=1)  # type: ignore[misc]


def serve(root: Path) -> None:
    """Latency as the daemon serves it: a fresh process opens the index built in `root`, as
    the daemon does when it starts (not the benchmark's own process, whose heap holds the
    build's leftovers), tunes its collector as `aigentflow serve` does, settles, and times
    cold queries of every mode."""
    embedder = resolve_embedder(ContextSettings(), Path("."))
    index = ChunkIndex(Workspace(root), ContextSettings(), embedder)
    tune_gc()
    settle(index)
    samples = time_modes(index)
    kind = index.store.vector_index_type
    for mode in MODES:
        print(f"  {mode:7s} {kind}, serving in a fresh process (the daemon's): {percentiles(samples[mode])}")


def time_modes(index: ChunkIndex) -> dict[str, list[float]]:
    """Latency samples of `ChunkIndex.search` per mode (hybrid is what `search_code` runs),
    every query embedded (`cold_search`)."""
    samples = {}
    for mode in MODES:
        samples[mode] = time_queries(lambda q, mode=mode: cold_search(index, q, mode))  # type: ignore[misc]
    return samples


def latency_at(root: Path, copies: int, embedder: Embedder, real: np.ndarray | None) -> np.ndarray:
    """Build `copies` of the corpus in `root` and print latencies flat and (from
    `ann_min_vectors` on, as the daemon does) with the ANN index, and vector recall@10."""
    index, real, hashes, vectors = build_scaled(root, copies, embedder, real)
    print(f"{index.store.chunks.count_rows()} chunks, {len(hashes)} synthetic vectors ({load()})")
    print(f"  query embedding alone:   {percentiles(time_queries(lambda q: embedder.embed([q])))}")
    flat = time_modes(index)
    for mode in MODES:
        print(f"  {mode:7s} flat vectors:    {percentiles(flat[mode])}")
    settings = ContextSettings()
    started = time.monotonic()
    if not index.store.ensure_vector_index(settings.ann_min_vectors):  # the daemon's own rule
        print(f"  below ann_min_vectors ({settings.ann_min_vectors}): flat search is what runs")
        print(
            f"  vector recall@10, flat vs exact: {recall_at_10(index, embedder, hashes, vectors, real):.3f}"
        )
        return real
    kind = index.store.vector_index_type
    print(f"  {kind} index built in {time.monotonic() - started:.1f}s ({load()})")
    first = time_modes(index)
    for mode in MODES:
        print(f"  {mode:7s} {kind}, first queries after the build: {percentiles(first[mode])}")
    settle(index)
    ann = time_modes(index)
    for mode in MODES:
        ratio = statistics.median(flat[mode]) / statistics.median(ann[mode])
        print(f"  {mode:7s} {kind}, serving:  {percentiles(ann[mode])}  (flat/ANN median {ratio:.1f}x)")
    sys.stdout.flush()  # the serving process below writes to the same stdout
    subprocess.run([sys.executable, __file__, "--serve", str(root)], check=False)
    print(f"  vector recall@10, {kind} vs exact: {recall_at_10(index, embedder, hashes, vectors, real):.3f}")
    for mode in ("vector", "hybrid"):  # the peer: a repeated query, its vector from the cache
        samples = time_queries(lambda q, mode=mode: index.search(q, 10, mode=mode))  # type: ignore[misc]
        ratio = statistics.median(samples) / statistics.median(ann[mode])
        print(f"  {mode:7s} {kind}, same query again: {percentiles(samples)}  (cached/cold {ratio:.2f}x)")
    for mode in MODES:  # the peer, query by query: candidates fetched from LanceDB
        now, fetched = time_against_fetched(index, mode)
        ratio = statistics.median(fetched) / statistics.median(now)
        print(
            f"  {mode:7s} {kind}, interleaved: ranked from the row map {percentiles(now)}; rows fetched"
            f" from LanceDB {percentiles(fetched)} (fetched/map median {ratio:.2f}x)"
        )
    index.store.hash_rows.rows = lambda hashes, columns: None  # type: ignore[method-assign]
    index.store.hash_rows.ranking_rows = lambda *args, **kwargs: None  # type: ignore[method-assign]
    for mode in ("vector", "hybrid"):  # the peer: vector hits fetched by `content_hash IN (...)`
        samples = time_queries(lambda q, mode=mode: cold_search(index, q, mode))  # type: ignore[misc]
        ratio = statistics.median(samples) / statistics.median(ann[mode])
        print(f"  {mode:7s} {kind}, IN lookup: {percentiles(samples)}  (IN/row map median {ratio:.2f}x)")
    del index.store.hash_rows.rows  # the row maps again
    del index.store.hash_rows.ranking_rows
    after_upkeep(index, embedder, hashes, vectors, real)
    return real


def after_upkeep(
    index: ChunkIndex, embedder: Embedder, hashes: list[str], vectors: np.ndarray, real: np.ndarray
) -> None:
    """The ANN index after the daemon's upkeep: 512 new vectors appended in embedding batches
    of 16, then `store.optimize()` when due (as when the embedding queue drains)."""
    extra = synthetic_vectors(real, 512, seed=9)
    extra_hashes = [f"{i:032x}" for i in range(len(extra))]  # no chunk: such hits are skipped
    for start in range(0, len(extra), 16):
        index.store.add_vectors(extra_hashes[start : start + 16], extra[start : start + 16])
    started = time.monotonic()
    index.store.optimize()
    stats = index.store.vectors.to_lance().stats.index_stats("vector_idx")
    partitions = [int(segment["num_partitions"]) for segment in stats["segments"]]
    print(
        f"  after 512 appended vectors, optimize: {time.monotonic() - started:.2f}s,"
        f" index segments' partitions {partitions}, unindexed rows {stats['num_unindexed_rows']}"
    )
    samples = time_queries(lambda q: cold_search(index, q, "vector"))
    recall = recall_at_10(index, embedder, hashes + extra_hashes, np.vstack([vectors, extra]), real)
    print(f"  vector  after upkeep:   {percentiles(samples)}; recall@10 vs exact {recall:.3f}")


def latency(scales: list[int], keep: Path | None) -> None:
    embedder = resolve_embedder(ContextSettings(), Path("."))
    if embedder is None:
        print("no model installed: skipping the latency section")
        return
    real: np.ndarray | None = None
    for copies in scales:
        root = Path(tempfile.mkdtemp(prefix="aigentflow-bench-"))
        real = latency_at(root, copies, embedder, real)
        print(f"  ({load()})")
        if keep is not None and copies == max(scales):
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(root), keep)
            print(f"  kept in {keep}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=2, help="corpus copies for the throughput part")
    parser.add_argument(
        "--embed-sample", type=int, default=128, help="chunks embedded to measure model speed"
    )
    parser.add_argument(
        "--scales", default="1,10", help="corpus copies per latency run (~10K chunks each); '' skips it"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the largest latency workspace here")
    parser.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)  # see `serve`
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return 0
    if not args.skip_throughput:
        throughput(args.copies, args.embed_sample)
    latency([int(s) for s in args.scales.split(",") if s], args.keep)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
