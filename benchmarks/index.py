"""Index throughput and latency: keyword-only vs with the model, queries, save-to-searchable.

Copies real installed packages into a temp workspace (replicated `--copies` times to reach
larger sizes) and measures, in one run:
- full index time and chunks/s keyword-only; embedding chunks/s on a sample at 128 and 256 tokens;
- peak RSS and on-disk size;
- query latency p50/p95 for keyword, vector and hybrid search;
- save-to-searchable: edit a file, `update_paths`, until a keyword search finds the new text.

Vector latency at sizes the model cannot embed in a benchmark's time is measured on random
unit vectors of the model's dimension (flagged as such in the output): search cost does not
depend on what the vectors mean.

    .venv/bin/python benchmarks/index.py [--copies 2] [--vectors 100000]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import site
import statistics
import sys
import tempfile
import time
from pathlib import Path

# run as a script, sys.path[0] is benchmarks/, whose secrets.py would shadow the stdlib's
sys.path[0] = str(Path(__file__).resolve().parents[1])

import numpy as np  # noqa: E402

from aigentflow.context.embed import resolve_embedder  # noqa: E402
from aigentflow.context.index import ChunkIndex  # noqa: E402
from aigentflow.context.search import hybrid_search  # noqa: E402
from aigentflow.context.settings import ContextSettings  # noqa: E402
from aigentflow.workspace import Workspace  # noqa: E402

LIBS = ("click", "git", "attr", "packaging", "pluggy", "jsonschema", "anyio", "pathspec", "rich", "_pytest")
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
)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


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


def time_queries(run: object, n: int = 3) -> list[float]:
    samples = []
    for _ in range(n):
        for query in QUERIES:
            started = time.perf_counter()
            run(query)  # type: ignore[operator]
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of the corpus (size multiplier)")
    parser.add_argument(
        "--embed-sample", type=int, default=128, help="chunks embedded to measure model speed"
    )
    parser.add_argument(
        "--vectors", type=int, default=100_000, help="random vectors for the large vector test"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy_corpus(root, args.copies)
        settings = ContextSettings(embedder="none")
        started = time.monotonic()
        index = ChunkIndex(Workspace(root), settings, None)
        opened = time.monotonic() - started
        started = time.monotonic()
        stats = index.refresh()
        full = time.monotonic() - started
        rate = stats.chunks_added / full
        print(f"corpus: {stats.files_indexed} files, {stats.chunks_added} chunks (open {opened:.1f}s)")
        print(f"keyword-only full index: {full:.1f}s, {rate:.0f} chunks/s")
        started = time.monotonic()
        again = index.refresh()
        noop = time.monotonic() - started
        print(f"refresh with nothing changed: {noop:.2f}s, {again.files_indexed} files re-read")
        print(f"on disk: {disk_size(root / '.aigentflow') / 1e6:.1f} MB")

        kw = time_queries(lambda q: index.search(q, 10, mode="keyword"))
        print(f"keyword query @ {stats.chunks_added} chunks: {percentiles(kw)}")

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

        model_rates = {}
        for tokens in (128, 256):
            embedder = resolve_embedder(ContextSettings(embed_max_tokens=tokens), root)
            if embedder is None:
                print("no model installed: skipping model figures")
                break
            texts = [h.text for h in index.search("def return self", args.embed_sample, mode="keyword")]
            texts = (texts * (args.embed_sample // max(1, len(texts)) + 1))[: args.embed_sample]
            started = time.monotonic()
            for start in range(0, len(texts), 16):
                embedder.embed(texts[start : start + 16])
            model_rates[tokens] = len(texts) / (time.monotonic() - started)
            print(f"embedding at {tokens} tokens, batch 16: {model_rates[tokens]:.1f} chunks/s")
        if model_rates:
            print(
                f"keyword-only indexing is {rate / model_rates[128]:.0f}x faster than embedding at 128 tokens"
            )

        embedder = resolve_embedder(ContextSettings(), root)
        if embedder is not None:
            hybrid_index = ChunkIndex(Workspace(root), ContextSettings(embed_max_tokens=128), embedder)
            hybrid_index.embed_pending(max_batches=8)  # enough real vectors for the query path
            rng = np.random.default_rng(1)
            vectors = rng.standard_normal((args.vectors, embedder.dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            hashes = [f"synthetic{i}" for i in range(args.vectors)]
            started = time.monotonic()
            for start in range(0, args.vectors, 20_000):
                hybrid_index.store.add_vectors(
                    hashes[start : start + 20_000], vectors[start : start + 20_000]
                )
            print(f"added {args.vectors} random vectors in {time.monotonic() - started:.1f}s (synthetic)")
            vec = time_queries(lambda q: hybrid_search(hybrid_index.store, embedder, q, 10, mode="vector"))
            hyb = time_queries(lambda q: hybrid_search(hybrid_index.store, embedder, q, 10, mode="hybrid"))
            n = hybrid_index.store.vectors.count_rows()
            print(f"vector query, flat, {n} vectors (incl. query embedding): {percentiles(vec)}")
            print(f"hybrid query, flat, {n} vectors: {percentiles(hyb)}")
            ratio = statistics.median(hyb) / statistics.median(kw)
            print(f"hybrid/keyword median latency ratio: {ratio:.1f}x")
            started = time.monotonic()
            hybrid_index.store.ensure_vector_index(min_rows=1_000)
            print(f"IVF_PQ index build over {n} vectors: {time.monotonic() - started:.1f}s")
            ann = time_queries(lambda q: hybrid_search(hybrid_index.store, embedder, q, 10, mode="vector"))
            ann_h = time_queries(lambda q: hybrid_search(hybrid_index.store, embedder, q, 10, mode="hybrid"))
            print(f"vector query, IVF_PQ (nprobes 20, refine 5): {percentiles(ann)}")
            speedup = statistics.median(vec) / statistics.median(ann)
            print(f"hybrid query, IVF_PQ: {percentiles(ann_h)}; flat/ANN vector median ratio {speedup:.1f}x")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
