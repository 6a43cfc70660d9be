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

from aigentflow.context.chunking import language_of
from aigentflow.context.embed import Embedder
from aigentflow.context.ranking import RecencyLookup, SearchHit, SearchWeights, fuse, min_max
from aigentflow.context.store import IndexStore, sql_str, trim_heap
from aigentflow.context.text import search_query

__all__ = [
    "SearchHit",
    "SearchMode",
    "SearchWeights",
    "hybrid_search",
    "keyword_search",
    "one_take_lists",
    "vector_search",
]

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
# What is read from LanceDB: `id` and `language` are derived (`_complete`). Strings cost per
# row and column when rows are taken at random: at 100K chunks the 100 vector hits took p50
# 6.7 ms with `id` (~50 bytes each) and 5.3 ms without; `language` ~0.5 ms more (README).
_FETCHED = [c for c in _COLUMNS if c not in ("id", "language")]


def _complete(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each row its chunk id, as `Chunk.chunk_id` builds it (path, lines, content hash),
    and its language, as chunking derived it from the path."""
    for row in rows:
        row["id"] = f"{row['path']}:{row['start_line']}-{row['end_line']}:{row['content_hash'][:12]}"
        row["language"] = language_of(row["path"]) or ""
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
    return _complete([r for r in rows if _glob_ok(r, path_glob)][:limit])


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
    rows = _complete([r for r in rows if _glob_ok(r, path_glob)])
    rows.sort(key=lambda r: (rank[r["content_hash"]], r["path"], r["start_line"]))
    for row in rows:
        row["_distance"] = distance[row["content_hash"]]  # score fusion scales cosine, not rank
    trim_heap()  # the query's freed buffers go back to the OS, not into fragmented heap
    return rows[:limit]


def one_take_lists(
    store: IndexStore, embedder: Embedder, query: str, depth: int, rows: int
) -> list[tuple[str, list[dict[str, Any]]]] | None:
    """Both lists of an unfiltered hybrid search, `depth` deep, with ONE take of chunk rows.

    The full-text query returns row ids, content hashes and BM25 scores only, on a helper
    thread while this one embeds the query and runs the ANN search (row ids, hashes from
    `RowHashMap`, distances). Rows are then taken once, by row id, for each list's first
    `rows` hits and for every hit both lists found; a hit only one list found past its first
    `rows` is dropped. Each row carries `_norm`, its list's score min-max scaled over all
    `depth` hits, so the rows kept score exactly as with every row taken. Measured (README):
    the same R@10 / MRR@10 as taking everything on three corpora; at 100K, ~100 rows in one
    take where the full-text query took 100 and the vector hits 50-100 more.
    Returns None when the content-hash map is stale (after writes): the caller fetches the
    lists the ordinary way."""
    if not store.hash_rows.is_current():
        return None
    text = search_query(query)
    generation = store.generation  # the full-text row ids are valid while it holds
    keyword: Future[list[dict[str, Any]]] | None = None
    if text.strip():
        keyword = _pool().submit(store.full_text, text, depth, ["content_hash"], row_ids=True)
    distance: dict[str, float] = {}
    found = store.nearest(embedder.embed([query])[0], depth, distance)
    light = keyword.result() if keyword is not None else []
    in_keyword = {str(r["content_hash"]) for r in light}
    in_vector = set(found)
    keyword_ids = [
        int(r["_rowid"]) for i, r in enumerate(light) if i < rows or r["content_hash"] in in_vector
    ]
    vector_hashes = found[:rows] + [h for h in found[rows:] if h in in_keyword]
    taken = store.hash_rows.take(vector_hashes, keyword_ids, _FETCHED, generation)
    if taken is None:
        return None
    scores = dict(
        zip((int(r["_rowid"]) for r in light), min_max([float(r["_score"]) for r in light]), strict=True)
    )
    bm25 = {int(r["_rowid"]): float(r["_score"]) for r in light}
    keyword_rows = [{**taken[i], "_score": bm25[i], "_norm": scores[i]} for i in keyword_ids if i in taken]
    with_rows = store.hash_rows.present(found)  # vectors of deleted chunks set no scale
    live = [h for h in found if h in with_rows]
    cosine = dict(zip(live, min_max([-distance[h] for h in live]), strict=True))
    by_hash: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(taken.values(), key=lambda r: (r["path"], r["start_line"])):
        by_hash.setdefault(row["content_hash"], []).append(row)
    vector_rows = [
        {**row, "_distance": distance[h], "_norm": cosine[h]}
        for h in vector_hashes
        for row in by_hash.get(h, [])
    ]
    trim_heap()  # the query's freed buffers go back to the OS, not into fragmented heap
    return [("keyword", _complete(keyword_rows)), ("vector", _complete(vector_rows))]


def _one_take_fits(weights: SearchWeights, language: str | None, path_glob: str | None) -> bool:
    """Whether a hybrid search can take its rows in one go (`one_take_lists`): score fusion
    (RRF scores ranks, which dropped rows would shift) and no filter (filters over-fetch)."""
    return weights.fusion == "score" and weights.take_rows > 0 and not language and not path_glob


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

    An unfiltered hybrid search with score fusion takes its rows in one go
    (`one_take_lists`). Otherwise, in hybrid mode the keyword list is fetched on a helper
    thread while this one embeds the query and fetches the vector list (LanceDB and
    onnxruntime release the GIL): measured at 100K chunks, p50 30 -> 20 ms (README).
    """
    weights = weights or SearchWeights()
    depth = max(limit * 4, weights.depth)  # fuse deeper than we return: fusion needs overlap
    vectors = mode in ("hybrid", "vector") and embedder is not None and store.vectors is not None
    if vectors and mode == "hybrid" and _one_take_fits(weights, language, path_glob):
        assert embedder is not None
        fetched = one_take_lists(store, embedder, query, depth, max(limit * 4, weights.take_rows))
        if fetched is not None:
            named = {"keyword": weights.keyword, "vector": weights.vector}
            return fuse([(name, named[name], rows) for name, rows in fetched], query, limit, weights, recency)
    lists: list[tuple[str, float, list[dict[str, Any]]]] = []
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
