"""Docstring → function retrieval over real installed packages: keyword vs vector vs hybrid.

For every function with a docstring (and a body besides it) in the chosen libraries, the
query is the docstring's first sentence and the target is the function, indexed with its
docstring removed. The whole library source (every chunk, not only targets) is indexed with
the real `ChunkIndex`, so the distractors are real code. Reports R@1, R@10 and MRR@10 for
each ranking in one run, and ratios against keyword-only, and the ranking stage's own cost.

    .venv/bin/python benchmarks/retrieval.py [--libs click,git,...] [--max-queries 800]

The default libraries are the *tuning* corpus (fusion parameters were chosen on it). Check a
change on held-out libraries too, never used for tuning (README "Measured"):

    --libs markdown_it,tqdm,referencing,bandit,pygls
    --libs requests,h11,filelock,platformdirs,dateutil,jwt,cattrs
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import site
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# run as a script, sys.path[0] is benchmarks/, whose secrets.py would shadow the stdlib's
sys.path[0] = str(Path(__file__).resolve().parents[1])

from aigentflow.context.embed import resolve_embedder  # noqa: E402
from aigentflow.context.index import ChunkIndex  # noqa: E402
from aigentflow.context.search import (  # noqa: E402
    SearchWeights,
    fuse,
    hybrid_search,
    keyword_search,
    vector_search,
)
from aigentflow.context.settings import ContextSettings  # noqa: E402
from aigentflow.workspace import Workspace  # noqa: E402

DEFAULT_LIBS = "click,git,attr,packaging,pluggy,jsonschema,anyio,pathspec"  # the tuning corpus
HELD_OUT = (
    "markdown_it,tqdm,referencing,bandit,pygls",
    "requests,h11,filelock,platformdirs,dateutil,jwt,cattrs",
)


@dataclass(frozen=True)
class Query:
    text: str
    path: str
    symbol: str


def first_sentence(doc: str) -> str:
    para = doc.strip().split("\n\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", " ".join(para.split()), maxsplit=1)[0]
    return sentence.strip()


def strip_docstrings(source: str, rel: str) -> tuple[str, list[Query]]:
    """The source with target functions' docstrings removed, and one query per target."""
    tree = ast.parse(source)
    lines = source.splitlines()
    drop: set[int] = set()
    queries: list[Query] = []
    for node, qualname in _functions(tree):
        doc = ast.get_docstring(node)
        if not doc or len(node.body) < 2:
            continue
        sentence = first_sentence(doc)
        if len(sentence.split()) < 4:
            continue
        first = node.body[0]
        drop.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
        queries.append(Query(sentence, rel, qualname))
    kept = [line for number, line in enumerate(lines, 1) if number not in drop]
    return "\n".join(kept) + "\n", queries


def _functions(tree: ast.Module) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """Top-level functions and methods of top-level classes: the units the chunker names."""
    out: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.append((node, node.name))
        elif isinstance(node, ast.ClassDef):
            out += [
                (child, f"{node.name}.{child.name}")
                for child in node.body
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
    return out


def build_corpus(libs: list[str], root: Path) -> list[Query]:
    packages = Path(site.getsitepackages()[0])
    queries: list[Query] = []
    for lib in libs:
        for path in sorted((packages / lib).rglob("*.py")):
            rel = f"{lib}/{path.relative_to(packages / lib).as_posix()}"
            try:
                text, found = strip_docstrings(path.read_text(encoding="utf-8"), rel)
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            queries += found
    return queries


def evaluate(index: ChunkIndex, queries: list[Query], mode: str, weights: SearchWeights) -> dict[str, float]:
    r1 = r10 = mrr = 0.0
    embedder = index.embedder if mode != "keyword" else None
    search_mode = "hybrid" if mode.startswith("hybrid") else mode
    for q in queries:
        hits = hybrid_search(index.store, embedder, q.text, 10, mode=search_mode, weights=weights)  # type: ignore[arg-type]
        rank = next((i for i, h in enumerate(hits) if h.path == q.path and h.symbol == q.symbol), None)
        if rank is not None:
            r1 += rank == 0
            r10 += 1
            mrr += 1 / (rank + 1)
    n = len(queries)
    return {"R@1": r1 / n, "R@10": r10 / n, "MRR@10": mrr / n}


# Each ranking adds one step to the one above it (README "Measured" table).
_NO_BOOST = {"symbol_boost": 0.0, "signature_boost": 0.0}
_PLAIN = SearchWeights(fusion="rrf", rrf_k=60, depth=40, collapse=False, **_NO_BOOST)
_RRF_TUNED = SearchWeights(fusion="rrf", symbol_boost=0.01, signature_boost=0.0)  # the old default
RANKINGS: dict[str, tuple[str, SearchWeights]] = {
    "keyword": ("keyword", _PLAIN),
    "vector": ("vector", _PLAIN),
    "hybrid plain RRF": ("hybrid", _PLAIN),
    "RRF k30 100 deep collapse": ("hybrid", SearchWeights(fusion="rrf", **_NO_BOOST)),
    "+ name boost (old default)": ("hybrid", _RRF_TUNED),
    "score fusion, collapse": ("hybrid", SearchWeights(**_NO_BOOST)),
    "+ name boost 0.6": ("hybrid", SearchWeights(signature_boost=0.0)),
    "+ signature 0.6 (default)": ("hybrid", SearchWeights()),
    "keyword + old boosts": ("keyword", _RRF_TUNED),
    "keyword + boosts (default)": ("keyword", SearchWeights()),
}


def run_rankings(index: ChunkIndex, queries: list[Query]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for name, (mode, weights) in RANKINGS.items():
        started = time.monotonic()
        results[name] = evaluate(index, queries, mode, weights)
        per_query = (time.monotonic() - started) / len(queries) * 1000
        r = results[name]
        print(
            f"{name:28s} R@1 {r['R@1']:.3f}  R@10 {r['R@10']:.3f}  MRR@10 {r['MRR@10']:.3f}  "
            f"({per_query:.1f} ms/query)",
            flush=True,
        )
    return results


def fusion_cost(index: ChunkIndex, queries: list[Query]) -> str:
    """Milliseconds per query of the ranking stage alone (fusing two fetched 100-deep lists)."""
    assert index.embedder is not None
    lists = [
        [
            ("keyword", 1.0, keyword_search(index.store, q.text, 100)),
            ("vector", 1.0, vector_search(index.store, index.embedder, q.text, 100)),
        ]
        for q in queries
    ]
    cost = {}
    for name, weights in (("RRF + name (old)", _RRF_TUNED), ("score + name + signature", SearchWeights())):
        started = time.perf_counter()
        for q, fetched in zip(queries, lists, strict=True):
            fuse(fetched, q.text, 10, weights)
        cost[name] = (time.perf_counter() - started) / len(queries) * 1000
    return "ranking stage alone: " + ", ".join(f"{n} {ms:.2f} ms/query" for n, ms in cost.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--libs", default=DEFAULT_LIBS, help=f"held-out sets: {' or '.join(HELD_OUT)}")
    parser.add_argument("--max-queries", type=int, default=800)
    parser.add_argument("--max-tokens", type=int, default=128, help="tokens the model sees per chunk")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep corpus and index here (a re-run embeds nothing new)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir.resolve() if args.workdir else Path(tmp)
        queries = build_corpus(args.libs.split(","), root)
        random.Random(args.seed).shuffle(queries)
        queries = queries[: args.max_queries]
        settings = ContextSettings(embed_max_tokens=args.max_tokens, embed_batch=32)
        embedder = resolve_embedder(settings, root)
        index = ChunkIndex(Workspace(root), settings, embedder)
        started = time.monotonic()
        stats = index.refresh()
        keyword_s = time.monotonic() - started
        print(
            f"corpus: {args.libs}; {stats.files_indexed} files, {stats.chunks_added} chunks, "
            f"{len(queries)} queries; keyword index {keyword_s:.1f}s",
            flush=True,
        )
        started = time.monotonic()
        embedded = index.embed_pending()
        embed_s = time.monotonic() - started
        rate = embedded / embed_s if embedded else 0.0
        print(f"embedding: {embedded} chunks in {embed_s:.0f}s ({rate:.1f}/s at {args.max_tokens} tokens)")
        results = run_rankings(index, queries)
        print(fusion_cost(index, queries[:200]))
        base = results["keyword"]["R@10"]
        ratios = ", ".join(f"{n} {r['R@10'] / base:.2f}x" for n, r in results.items())
        print(f"R@10 ratio vs keyword: {ratios}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
