"""Hybrid retrieval: the full-text (BM25) and vector (cosine) lists, fused and re-scored.

`keyword_search` and `vector_search` fetch ranked rows; `hybrid_search` fetches both lists
`SearchWeights.depth` deep and hands them to `ranking.fuse` (score fusion, name and signature
match, window collapse: see `aigentflow/context/ranking.py` and context/README.md).
"""

from __future__ import annotations

import fnmatch
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Literal

from aigentflow.context.embed import Embedder
from aigentflow.context.ranking import RecencyLookup, SearchHit, SearchWeights, fuse
from aigentflow.context.store import IndexStore, sql_str, trim_heap
from aigentflow.context.text import search_query

__all__ = ["SearchHit", "SearchMode", "SearchWeights", "hybrid_search", "keyword_search", "vector_search"]

SearchMode = Literal["hybrid", "keyword", "vector"]
_COLUMNS = [
    "id",
    "path",
    "language",
    "symbol",
    "kind",
    "start_line",
    "end_line",
    "signature",
    "text",
    "content_hash",
]
# What is read from LanceDB: `id` is derived (`_add_ids`). Strings cost per row and column
# when rows are taken at random: at 100K chunks the 100 vector hits took p50 6.7 ms with `id`
# (~50 bytes each) and 5.3 ms without (README, "Measured").
_FETCHED = [c for c in _COLUMNS if c != "id"]


def _add_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each row its chunk id, as `Chunk.chunk_id` builds it (path, lines, content hash)."""
    for row in rows:
        row["id"] = f"{row['path']}:{row['start_line']}-{row['end_line']}:{row['content_hash'][:12]}"
    return rows


def _where(language: str | None) -> str | None:
    return f"language = {sql_str(language)}" if language else None


def _glob_ok(row: dict[str, Any], path_glob: str | None) -> bool:
    if not path_glob:
        return True
    path = str(row["path"])
    return fnmatch.fnmatchcase(path, path_glob) or fnmatch.fnmatchcase(path, f"{path_glob.rstrip('/')}/*")


def keyword_search(
    store: IndexStore, query: str, limit: int, *, language: str | None = None, path_glob: str | None = None
) -> list[dict[str, Any]]:
    """Rows ranked by BM25 over the code-aware `search_text` column."""
    text = search_query(query)
    if not text.strip():
        return []
    fetch = limit * 5 if path_glob else limit
    rows = store.full_text(text, fetch, _FETCHED, _where(language))  # language: a prefilter
    return _add_ids([r for r in rows if _glob_ok(r, path_glob)][:limit])


def vector_search(
    store: IndexStore,
    embedder: Embedder,
    query: str,
    limit: int,
    *,
    language: str | None = None,
    path_glob: str | None = None,
) -> list[dict[str, Any]]:
    """Rows ranked by cosine similarity of their embedding to the query's."""
    if store.vectors is None or not query.strip():
        return []
    vector = embedder.embed([query])[0]
    fetch = limit * 4 if (language or path_glob) else limit
    distance: dict[str, float] = {}
    found = store.nearest(vector, fetch, distance)  # exact (flat), or the ANN index probed
    if not found:
        return []
    rank = {content_hash: i for i, content_hash in enumerate(found)}
    rows = store.chunks_with_hashes(rank, _FETCHED, _where(language))  # by row id, or BTREE IN
    rows = _add_ids([r for r in rows if _glob_ok(r, path_glob)])
    rows.sort(key=lambda r: (rank[r["content_hash"]], r["path"], r["start_line"]))
    for row in rows:
        row["_distance"] = distance[row["content_hash"]]  # score fusion scales cosine, not rank
    trim_heap()  # the query's freed buffers go back to the OS, not into fragmented heap
    return rows[:limit]


def hybrid_search(
    store: IndexStore,
    embedder: Embedder | None,
    query: str,
    limit: int = 10,
    *,
    mode: SearchMode = "hybrid",
    language: str | None = None,
    path_glob: str | None = None,
    weights: SearchWeights | None = None,
    recency: RecencyLookup | None = None,  # seconds since a path's last edit (ranking.fuse)
) -> list[SearchHit]:
    """The best `limit` chunks for `query`; keyword-only when there is no embedder.

    In hybrid mode the keyword list is fetched on a helper thread while this one embeds the
    query and fetches the vector list (LanceDB and onnxruntime release the GIL): measured at
    100K chunks, p50 30 -> 20 ms (benchmarks/index.py).
    """
    weights = weights or SearchWeights()
    depth = max(limit * 4, weights.depth)  # fuse deeper than we return: fusion needs overlap
    lists: list[tuple[str, float, list[dict[str, Any]]]] = []
    vectors = mode in ("hybrid", "vector") and embedder is not None
    keyword: Future[list[dict[str, Any]]] | None = None
    if mode in ("hybrid", "keyword"):
        args = (store, query, depth)
        if vectors:
            keyword = _pool().submit(keyword_search, *args, language=language, path_glob=path_glob)
        else:
            lists.append(
                ("keyword", weights.keyword, keyword_search(*args, language=language, path_glob=path_glob))
            )
    if vectors:
        assert embedder is not None
        rows = vector_search(store, embedder, query, depth, language=language, path_glob=path_glob)
        lists.append(("vector", weights.vector, rows))
    if keyword is not None:
        lists.insert(0, ("keyword", weights.keyword, keyword.result()))
    return fuse(lists, query, limit, weights, recency)


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """Threads for the keyword half of hybrid searches (a few: searches run concurrently)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="keyword-search")
        return _POOL
