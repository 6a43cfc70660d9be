"""Hybrid retrieval: full-text and vector result lists fused by reciprocal rank, then boosted.

RRF (Cormack et al. 2009): score(d) = sum over lists of 1 / (k + rank). It needs no score
calibration between BM25 and cosine. Measured on the docstring→function benchmark
(`benchmarks/retrieval.py`, see context/README.md), three changes beat plain RRF (k=60,
40 deep): k=30 with 100-deep lists; a graded *name match* boost (the share of the symbol's
identifier parts that the query's words match, stem-insensitively, times 0.01); and
collapsing the windows of one long definition into its best-ranked window, so one function
does not take several of the top slots. A path-component boost exists but is off by default:
it measured no gain.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from aigentflow.context.embed import Embedder
from aigentflow.context.store import IndexStore, sql_list, sql_str
from aigentflow.context.text import identifier_parts, search_query

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
_WORD = re.compile(r"[A-Za-z0-9]+")


class SearchHit(BaseModel):
    """One ranked chunk."""

    path: str
    symbol: str
    kind: str
    language: str
    start_line: int
    end_line: int
    score: float = Field(description="Fused score; higher is better; comparable within one answer only.")
    signature: str = ""
    text: str = ""
    sources: list[str] = Field(default_factory=list, description="Which lists found it: keyword, vector.")
    chunk_id: str = ""


@dataclass(frozen=True)
class SearchWeights:
    rrf_k: float = 30.0
    depth: int = 100  # rows fetched from each list before fusing
    keyword: float = 1.0
    vector: float = 1.0
    symbol_boost: float = 0.01  # times the share of symbol parts the query names
    path_boost: float = 0.0  # measured: no gain on docstring queries (README); a knob for callers
    collapse: bool = True  # one hit per definition (long ones are several windows)


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
    builder = store.chunks.search(text, query_type="fts", fts_columns="search_text")
    where = _where(language)
    if where:
        builder = builder.where(where, prefilter=True)
    fetch = limit * 5 if path_glob else limit
    rows = builder.limit(fetch).select([*_COLUMNS, "_score"]).to_list()
    return [r for r in rows if _glob_ok(r, path_glob)][:limit]


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
    builder = store.vectors.search(vector.tolist()).distance_type("cosine").limit(fetch)
    if store.vector_indexed:  # IVF_PQ: probe more partitions, re-rank on exact distances
        builder = builder.nprobes(20).refine_factor(5)
    found = builder.select(["content_hash", "_distance"]).to_list()
    if not found:
        return []
    rank = {row["content_hash"]: i for i, row in enumerate(found)}
    where = f"content_hash IN {sql_list(rank)}"
    if language:
        where += f" AND {_where(language)}"
    rows = store.chunks.search().where(where).select(_COLUMNS).limit(None).to_list()
    rows = [r for r in rows if _glob_ok(r, path_glob)]
    rows.sort(key=lambda r: (rank[r["content_hash"]], r["path"], r["start_line"]))
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
) -> list[SearchHit]:
    """The best `limit` chunks for `query`; keyword-only when there is no embedder."""
    weights = weights or SearchWeights()
    depth = max(limit * 4, weights.depth)  # fuse deeper than we return: RRF needs overlap to work
    lists: list[tuple[str, float, list[dict[str, Any]]]] = []
    if mode in ("hybrid", "keyword"):
        lists.append(
            (
                "keyword",
                weights.keyword,
                keyword_search(store, query, depth, language=language, path_glob=path_glob),
            )
        )
    if mode in ("hybrid", "vector") and embedder is not None:
        rows = vector_search(store, embedder, query, depth, language=language, path_glob=path_glob)
        lists.append(("vector", weights.vector, rows))
    return fuse(lists, query, limit, weights)


def fuse(
    lists: Sequence[tuple[str, float, list[dict[str, Any]]]], query: str, limit: int, weights: SearchWeights
) -> list[SearchHit]:
    """Reciprocal-rank fusion of ranked row lists, plus name and path boosts."""
    scores: dict[str, float] = {}
    rows: dict[str, dict[str, Any]] = {}
    sources: dict[str, list[str]] = {}
    for name, weight, ranked in lists:
        for rank, row in enumerate(ranked):
            key = row["id"]
            rows.setdefault(key, row)
            scores[key] = scores.get(key, 0.0) + weight / (weights.rrf_k + rank + 1)
            sources.setdefault(key, []).append(name)
    words = query_stems(query)
    for key, row in rows.items():
        scores[key] += _boost(row, words, weights)
    order = sorted(scores, key=lambda k: (-scores[k], rows[k]["path"], rows[k]["start_line"]))
    hits: list[SearchHit] = []
    seen: set[tuple[str, str]] = set()
    for key in order:
        row = rows[key]
        definition = (row["path"], row["symbol"])
        if weights.collapse and row["kind"] != "module":
            if definition in seen:
                continue
            seen.add(definition)
        hits.append(_hit(row, scores[key], sources[key]))
        if len(hits) == limit:
            break
    return hits


_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "with",
    ]
)


def _stem(word: str) -> str:
    """A crude suffix stripper: enough to meet `parsed`/`parses` with `parse`."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def query_stems(query: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(query)} | set(identifier_parts(query))
    return {_stem(w) for w in words if w not in _STOP}


def name_match(symbol: str, stems: set[str]) -> float:
    """Share of the symbol's name parts (last component) that the query's words match."""
    parts = [_stem(p) for p in identifier_parts(symbol.rsplit(".", 1)[-1]) if p not in _STOP]
    if not parts:
        return 0.0
    hit = sum(
        1 for p in parts if p in stems or (len(p) >= 4 and any(s[:4] == p[:4] for s in stems if len(s) >= 4))
    )
    return hit / len(parts)


def _boost(row: dict[str, Any], stems: set[str], weights: SearchWeights) -> float:
    boost = weights.symbol_boost * name_match(str(row["symbol"]), stems)
    path_parts = {_stem(p.lower()) for p in re.split(r"[/._-]+", str(row["path"])) if len(p) > 2}
    if path_parts & stems:
        boost += weights.path_boost
    return boost


def _hit(row: dict[str, Any], score: float, sources: list[str]) -> SearchHit:
    return SearchHit(
        path=row["path"],
        symbol=row["symbol"],
        kind=row["kind"],
        language=row["language"],
        start_line=row["start_line"],
        end_line=row["end_line"],
        score=round(score, 6),
        signature=row["signature"],
        text=row["text"],
        sources=sources,
        chunk_id=row["id"],
    )
