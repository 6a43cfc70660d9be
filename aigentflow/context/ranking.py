"""Ranking: fuse the keyword and vector lists into one, then boost and collapse.

Score fusion (the default) is a convex combination of each list's *normalised* score: BM25
and cosine similarity are each min-max scaled over the list (best = 1, worst fetched = 0, a
row the list did not fetch = 0) and added with the lists' weights; Bruch et al. 2022 ("An
Analysis of Fusion Functions for Hybrid Retrieval") found this beats reciprocal rank fusion,
and it does here (README: +0.02 R@10 over RRF with the same boosts). A list whose rows carry
no score (`_score` for BM25, `_distance` for cosine) is scaled by rank instead. RRF
(`fusion="rrf"`, score 1 / (k + rank)) stays available; it needs no scores at all.

Then two lexical re-scoring features, cheap because the rows are already fetched: the *name
match* (the share of the symbol's identifier parts that the query's words match,
stem-insensitively) and the *signature match* (the share of the query's words that the
chunk's definition line contains: its name, parameter names and annotations; docstrings name
parameters). Last, the windows of one long definition collapse into their best-ranked window,
so one function does not take several of the top slots. Every step is measured in README.md.

An optional *recency* term favours chunks of recently edited files: `recency_boost` times
`0.5 ** (age / recency_half_life_s)` of the file's last edit (`RecencyLookup`, fed by
`context.recency.EditRecency`), minus the smallest such term among the candidates, so when
every candidate's file has the same age (or none is known) it adds exactly nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field

from aigentflow.context.text import identifier_parts

__all__ = [
    "SNIPPET_LINES",
    "HitPlace",
    "RecencyLookup",
    "SearchHit",
    "SearchWeights",
    "definition_line",
    "freshness",
    "fuse",
    "min_max",
    "name_match",
    "query_stems",
    "signature_match",
]

_WORD = re.compile(r"[A-Za-z0-9]+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


SNIPPET_LINES = 40  # lines of a hit's text that search answers show

RecencyLookup = Callable[[str], float | None]  # path -> seconds since its last edit, None: unknown


class HitPlace(BaseModel):
    """Where a ranked chunk is, and its score."""

    path: str
    symbol: str
    kind: str
    language: str
    start_line: int
    end_line: int
    score: float = Field(description="Fused score; higher is better; comparable within one answer only.")


class SearchHit(HitPlace):
    """One ranked chunk."""

    signature: str = ""
    text: str = ""
    sources: list[str] = Field(default_factory=list, description="Which lists found it: keyword, vector.")
    chunk_id: str = ""

    def snippet(self, lines: int = SNIPPET_LINES) -> str:
        """The chunk's text cut to its first `lines` lines, for an answer to show."""
        return "\n".join(self.text.splitlines()[:lines])


@dataclass(frozen=True)
class SearchWeights:
    """How lists are fused and boosted. Defaults are the measured best (context/README.md);
    boosts are in units of the fused score, so RRF (scores ~0.03) wants ~50x smaller ones."""

    fusion: Literal["score", "rrf"] = "score"
    rrf_k: float = 30.0  # RRF only
    depth: int = 100  # rows fetched from each list before fusing
    keyword: float = 1.0  # weight of the keyword list's normalised score (or RRF term)
    vector: float = 1.0
    symbol_boost: float = 0.6  # times the share of symbol parts the query names
    signature_boost: float = 0.6  # times the share of query words in the definition line
    path_boost: float = 0.0  # measured: no gain on docstring queries (README); a knob for callers
    # times 0.5 ** (age / half-life) of the file's last edit; measured on replayed git history:
    # no gain where the signal is fair (README "Recency of edit"), so off; a knob for callers
    recency_boost: float = 0.0
    recency_half_life_s: float = 3600.0  # a working session; no half-life measured better
    collapse: bool = True  # one hit per definition (long ones are several windows)


def fuse(
    lists: Sequence[tuple[str, float, list[dict[str, Any]]]],
    query: str,
    limit: int,
    weights: SearchWeights,
    recency: RecencyLookup | None = None,
) -> list[SearchHit]:
    """Fuse ranked row lists (name, weight, rows best first) into the best `limit` hits.

    Rows need `id`, `path`, `symbol`, `kind`, `start_line`, and `head` (the definition line)
    or `text` (hits get `signature` and `text` if rows have them: `""` otherwise); keyword
    rows may carry BM25 `_score`, vector rows cosine `_distance` (used by score fusion, else
    ranks are).
    `recency` (seconds since a path's last edit) feeds the recency term when
    `weights.recency_boost` is set; without it, or at weight 0, the term is skipped."""
    scores: dict[str, float] = {}
    rows: dict[str, dict[str, Any]] = {}
    sources: dict[str, list[str]] = {}
    for name, weight, ranked in lists:
        values = _rrf(len(ranked), weights.rrf_k) if weights.fusion == "rrf" else _normalised(ranked)
        for row, value in zip(ranked, values, strict=True):
            key = row["id"]
            rows.setdefault(key, row)
            scores[key] = scores.get(key, 0.0) + weight * value
            sources.setdefault(key, []).append(name)
    stems = query_stems(query)
    prefixes = _prefixes(stems)
    for key, row in rows.items():
        scores[key] += _boost(row, stems, prefixes, weights)
    if recency is not None and weights.recency_boost:
        _add_recency(scores, rows, recency, weights)
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


def _rrf(n: int, k: float) -> list[float]:
    return [1.0 / (k + rank + 1) for rank in range(n)]


def _normalised(ranked: list[dict[str, Any]]) -> list[float]:
    """Min-max scaled list scores: BM25 `_score`, cosine `_distance` (lower is nearer), else rank.
    Rows carrying `_norm` were scaled already, over a longer list than the rows fetched of it."""
    if ranked and all("_norm" in r for r in ranked):
        return [float(r["_norm"]) for r in ranked]
    if ranked and all("_score" in r for r in ranked):
        raw = [float(r["_score"]) for r in ranked]
    elif ranked and all("_distance" in r for r in ranked):
        raw = [-float(r["_distance"]) for r in ranked]
    else:
        raw = [-float(rank) for rank in range(len(ranked))]
    return min_max(raw)


def min_max(values: list[float]) -> list[float]:
    """`values` scaled to 0..1 over their range (all 1 when they are tied or there is one)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high - low < 1e-12:  # one row, or all tied: each is as good as the best
        return [1.0] * len(values)
    return [(value - low) / (high - low) for value in values]


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
    """The query's words and identifier parts, lower-cased, stop words dropped, stemmed."""
    words = {w.lower() for w in _WORD.findall(query)} | set(identifier_parts(query))
    return {_stem(w) for w in words if w not in _STOP}


def name_match(symbol: str, stems: set[str], prefixes: set[str] | None = None) -> float:
    """Share of the symbol's name parts (last component) that the query's words match; a part
    of 4+ letters also matches a query word with the same first 4 letters (`prefixes`)."""
    parts = _name_parts(symbol)
    if not parts:
        return 0.0
    if prefixes is None:
        prefixes = _prefixes(stems)
    hit = sum(1 for p in parts if p in stems or (len(p) >= 4 and p[:4] in prefixes))
    return hit / len(parts)


@lru_cache(maxsize=65_536)
def _name_parts(symbol: str) -> tuple[str, ...]:
    return tuple(_stem(p) for p in identifier_parts(symbol.rsplit(".", 1)[-1]) if p not in _STOP)


def _prefixes(stems: set[str]) -> set[str]:
    return {s[:4] for s in stems if len(s) >= 4}


def definition_line(text: str) -> str:
    """The chunk's first line that is not blank or a decorator: a definition's header line."""
    for line in text.split("\n", 16)[:16]:  # past a few decorators there is no header to find
        stripped = line.strip()
        if stripped and not stripped.startswith("@"):
            return stripped
    return ""


def signature_match(text: str, stems: set[str]) -> float:
    """Share of the query's stems that the chunk's definition line (name, parameters,
    annotations) contains, identifiers split into parts."""
    return head_match(definition_line(text), stems)


def head_match(head: str, stems: set[str]) -> float:
    """`signature_match` of a definition line already found (the index stores it: `head`)."""
    if not stems:
        return 0.0
    return len(stems & _line_stems(head)) / len(stems)


@lru_cache(maxsize=65_536)  # the same chunks come back query after query
def _line_stems(line: str) -> frozenset[str]:
    return frozenset(
        _stem(part) for ident in _IDENT.findall(line) for part in (*identifier_parts(ident), ident.lower())
    )


def _boost(row: dict[str, Any], stems: set[str], prefixes: set[str], weights: SearchWeights) -> float:
    boost = weights.symbol_boost * name_match(str(row["symbol"]), stems, prefixes)
    if weights.signature_boost and row["kind"] != "module":  # a module window has no header line
        head = row["head"] if "head" in row else definition_line(str(row.get("text", "")))
        boost += weights.signature_boost * head_match(str(head), stems)
    if weights.path_boost:
        path_parts = {_stem(p.lower()) for p in re.split(r"[/._-]+", str(row["path"])) if len(p) > 2}
        if path_parts & stems:
            boost += weights.path_boost
    return boost


def freshness(age: float | None, half_life_s: float) -> float:
    """1 for a file edited just now, halving every `half_life_s` seconds; 0 if never seen edited."""
    if age is None:
        return 0.0
    if half_life_s <= 0:  # no decay window: only an edit at this very moment counts
        return 1.0 if age <= 0 else 0.0
    return float(0.5 ** (max(age, 0.0) / half_life_s))


def _add_recency(
    scores: dict[str, float], rows: dict[str, dict[str, Any]], recency: RecencyLookup, weights: SearchWeights
) -> None:
    """Add the recency term, shifted so the stalest candidate gets 0: equal ages add nothing."""
    by_path: dict[str, float] = {}
    for row in rows.values():
        path = str(row["path"])
        if path not in by_path:
            by_path[path] = freshness(recency(path), weights.recency_half_life_s)
    floor = min(by_path.values(), default=0.0)
    for key, row in rows.items():
        scores[key] += weights.recency_boost * (by_path[str(row["path"])] - floor)


def _hit(row: dict[str, Any], score: float, sources: list[str]) -> SearchHit:
    return SearchHit(
        path=row["path"],
        symbol=row["symbol"],
        kind=row["kind"],
        language=row["language"],
        start_line=row["start_line"],
        end_line=row["end_line"],
        score=round(score, 6),
        signature=row.get("signature", ""),
        text=row.get("text", ""),
        sources=sources,
        chunk_id=row["id"],
    )
