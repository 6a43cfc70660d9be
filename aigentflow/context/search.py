"""Hybrid retrieval: the full-text (BM25) and vector (cosine) lists, fused and re-scored.

`keyword_search` and `vector_search` fetch ranked rows; `hybrid_search` fetches both lists
`SearchWeights.depth` deep and hands them to `ranking.fuse` (score fusion, name and signature
match, window collapse: see `aigentflow/context/ranking.py` and context/README.md). Unfiltered
searches rank from the fields `HashRowMap` holds in memory (`mapped_lists`).
"""

from __future__ import annotations

import fnmatch
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Literal

from aigentflow.context.chunking import language_of
from aigentflow.context.embed import Embedder
from aigentflow.context.heap import trim_heap
from aigentflow.context.ranking import RecencyLookup, SearchHit, SearchWeights, fuse
from aigentflow.context.store import IndexStore, sql_str
from aigentflow.context.text import search_query

__all__ = [
    "SearchHit",
    "SearchMode",
    "SearchWeights",
    "hybrid_search",
    "keyword_search",
    "mapped_lists",
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
    "head",
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


def mapped_lists(
    store: IndexStore, embedder: Embedder | None, query: str, depth: int, *, keyword: bool, vector: bool
) -> tuple[int, list[tuple[str, list[dict[str, Any]]]]] | None:
    """The keyword and/or vector list of an unfiltered search, `depth` deep, with their rows'
    ranking fields from `HashRowMap` (no signature, no text), and the write generation they
    are valid at.

    The full-text query returns row ids and BM25 scores only (on a helper thread, in hybrid
    mode, while this one embeds the query and runs the ANN search: row ids and distances,
    hashes from `RowHashMap`). Rows carry `_rowid` (for `HashRowMap.hit_columns`). The lists are
    those `keyword_search` and `vector_search` return, less those two. None when the map is
    stale (after writes): the caller fetches the lists from LanceDB."""
    if not store.hash_rows.is_current():
        return None
    generation = store.generation  # the full-text row ids are valid while it holds
    text = search_query(query)
    keyword = keyword and bool(text.strip())
    vector = vector and embedder is not None and store.vectors is not None and bool(query.strip())
    pending: Future[list[dict[str, Any]]] | None = None
    if keyword and vector:
        pending = _pool().submit(store.full_text, text, depth, ["content_hash"], row_ids=True)
    distance: dict[str, float] = {}
    found = store.nearest(embedder.embed([query])[0], depth, distance) if vector and embedder else []
    if pending is not None:
        light = pending.result()
    else:
        light = store.full_text(text, depth, ["content_hash"], row_ids=True) if keyword else []
    scores = {int(r["_rowid"]): float(r["_score"]) for r in light}
    ranking = store.hash_rows.ranking_rows(found, scores, generation, limit=depth)
    if ranking is None:
        return None
    lists: list[tuple[str, list[dict[str, Any]]]] = []
    if keyword:
        rows = [{**ranking[i], "_score": score} for i, score in scores.items() if i in ranking]
        lists.append(("keyword", _complete(rows)))
    if vector:
        by_hash: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(ranking.values(), key=lambda r: (r["path"], r["start_line"])):
            by_hash.setdefault(row["content_hash"], []).append(row)
        rows = [{**row, "_distance": distance[h]} for h in found for row in by_hash.get(h, [])]
        lists.append(("vector", _complete(rows[:depth])))
    return generation, lists


def _mapped_search(
    store: IndexStore,
    embedder: Embedder | None,
    query: str,
    limit: int,
    depth: int,
    *,
    keyword: bool,
    vector: bool,
    weights: SearchWeights,
    recency: RecencyLookup | None,
) -> list[SearchHit] | None:
    """`hybrid_search` of the lists `mapped_lists` fetched: fused, then the hits' signature
    and text taken; None whenever the map cannot answer (the caller searches the ordinary way)."""
    fetched = mapped_lists(store, embedder, query, depth, keyword=keyword, vector=vector)
    if fetched is None:
        return None
    generation, lists = fetched
    named = {"keyword": weights.keyword, "vector": weights.vector}
    hits = fuse([(name, named[name], rows) for name, rows in lists], query, limit, weights, recency)
    row_of = {row["id"]: row["_rowid"] for _, rows in lists for row in rows}
    columns = store.hash_rows.hit_columns([row_of[hit.chunk_id] for hit in hits], generation)
    if columns is None or any(row_of[hit.chunk_id] not in columns for hit in hits):
        return None
    for hit in hits:
        taken = columns[row_of[hit.chunk_id]]
        hit.signature, hit.text = taken["signature"], taken["text"]
    trim_heap()  # the query's freed buffers go back to the OS, not into fragmented heap
    return hits


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

    An unfiltered vector or hybrid search ranks its candidates by the fields `HashRowMap`
    holds in memory and reads only its hits' signature and text (`mapped_lists`). Otherwise
    (keyword mode, filters, or the map stale after a write) rows are fetched from LanceDB;
    in hybrid mode the keyword list on a helper thread while this one embeds the query and
    fetches the vector list (LanceDB and onnxruntime release the GIL).
    """
    weights = weights or SearchWeights()
    depth = max(limit * 4, weights.depth)  # fuse deeper than we return: fusion needs overlap
    vectors = mode in ("hybrid", "vector") and embedder is not None and store.vectors is not None
    wanted = {"keyword": mode in ("hybrid", "keyword"), "vector": vectors}
    if vectors and not language and not path_glob:  # (keyword alone: measured no faster)
        hits = _mapped_search(
            store, embedder, query, limit, depth, **wanted, weights=weights, recency=recency
        )
        if hits is not None:
            return hits
    lists: list[tuple[str, float, list[dict[str, Any]]]] = []
    keyword: Future[list[dict[str, Any]]] | None = None
    if wanted["keyword"]:
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
