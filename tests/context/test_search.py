from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pytest

from aigentflow.context.embed import OnnxEmbedder
from aigentflow.context.index import ChunkIndex
from aigentflow.context.ranking import (
    SearchWeights,
    definition_line,
    fuse,
    name_match,
    query_stems,
    signature_match,
)
from aigentflow.context.search import SearchMode, keyword_search, mapped_lists, vector_search
from aigentflow.context.settings import ContextSettings
from aigentflow.workspace import Workspace

_OFF = {"symbol_boost": 0.0, "signature_boost": 0.0}


def _row(
    key: str,
    symbol: str,
    kind: str = "function",
    path: str = "pkg/mod.py",
    line: int = 1,
    text: str = "",
    **scores: float,
) -> dict[str, Any]:
    return {
        "id": key,
        "path": path,
        "language": "python",
        "symbol": symbol,
        "kind": kind,
        "start_line": line,
        "end_line": line + 5,
        "signature": "",
        "text": text,
        **scores,
    }


def test_rrf_ranks_a_row_found_by_both_lists_first() -> None:
    keyword = [_row("a", "alpha"), _row("b", "beta")]
    vector = [_row("c", "gamma"), _row("b", "beta")]
    plain = SearchWeights(fusion="rrf", **_OFF)
    hits = fuse([("keyword", 1.0, keyword), ("vector", 1.0, vector)], "q", 3, plain)
    assert [h.symbol for h in hits] == ["beta", "alpha", "gamma"]
    assert hits[0].sources == ["keyword", "vector"]


def test_score_fusion_keeps_the_margins_that_rrf_throws_away() -> None:
    # "a" wins BM25 by a mile and is a near-tie for the nearest vector; "b" is a distant second
    # by BM25 and barely the nearest. RRF sees two (1st, 2nd) pairs and ties them (the path
    # breaks the tie for "b"); score fusion sees that "a" is far ahead on one list only.
    keyword = [_row("a", "alpha", path="z.py", _score=10.0), _row("b", "beta", path="a.py", _score=1.0)]
    keyword.append(_row("k", "kappa", _score=0.5))
    vector = [_row("b", "beta", path="a.py", _distance=0.10), _row("a", "alpha", path="z.py", _distance=0.11)]
    vector.append(_row("v", "nu", _distance=0.9))
    lists = [("keyword", 1.0, keyword), ("vector", 1.0, vector)]
    assert fuse(lists, "q", 2, SearchWeights(fusion="rrf", **_OFF))[0].symbol == "beta"
    hits = fuse(lists, "q", 4, SearchWeights(**_OFF))
    assert [h.symbol for h in hits][:2] == ["alpha", "beta"]
    assert hits[0].score == 1.0 + round((0.9 - 0.11) / (0.9 - 0.10), 6)  # min-max scaled, added


def test_score_fusion_falls_back_to_ranks_when_rows_carry_no_scores() -> None:
    keyword = [_row("a", "alpha"), _row("b", "beta"), _row("c", "gamma")]
    hits = fuse([("keyword", 1.0, keyword)], "q", 3, SearchWeights(**_OFF))
    assert [(h.symbol, h.score) for h in hits] == [("alpha", 1.0), ("beta", 0.5), ("gamma", 0.0)]
    single = fuse([("keyword", 1.0, [_row("a", "alpha", _score=3.0)])], "q", 1, SearchWeights(**_OFF))
    assert single[0].score == 1.0


def test_name_match_is_graded_and_stem_insensitive() -> None:
    stems = query_stems("Return the parsed version string")
    assert name_match("Version.parse_version", stems) == 1.0
    assert name_match("parse_header", stems) == 0.5
    assert name_match("render", stems) == 0.0


def test_the_name_boost_lifts_the_function_the_query_names() -> None:
    keyword = [_row("a", "render_table", _score=2.0), _row("b", "load_config", _score=1.8)]
    keyword.append(_row("c", "other", _score=1.0))
    assert fuse([("keyword", 1.0, keyword)], "load the config", 1, SearchWeights(**_OFF))[0].symbol == (
        "render_table"
    )
    hits = fuse([("keyword", 1.0, keyword)], "load the config", 2, SearchWeights())
    assert hits[0].symbol == "load_config"


def test_signature_match_counts_query_words_in_the_definition_line() -> None:
    text = (
        "    @classmethod\n    def remove(cls, repo: Repo, name: str) -> None:\n        repo.delete(name)\n"
    )
    assert definition_line(text) == "def remove(cls, repo: Repo, name: str) -> None:"
    stems = query_stems("Remove the remote with the given name.")  # remove, remote, given, name
    assert signature_match(text, stems) == 0.5
    assert signature_match("def wrapText(maxWidth):", query_stems("wrap to a width")) == 1.0
    assert signature_match(text, set()) == 0.0


def test_the_signature_boost_lifts_the_function_whose_parameters_the_query_names() -> None:
    keyword = [
        _row("a", "Client.send", text="def send(self, data):\n    ...", _score=2.0),
        _row("b", "Client.send_to", text="def send_to(self, data, host, port):\n    ...", _score=1.9),
        _row("m", "net", kind="module", text="host port", _score=0.5),
    ]
    query = "Send data to the given host and port."
    assert fuse([("keyword", 1.0, keyword)], query, 1, SearchWeights(signature_boost=0.0))[0].symbol == (
        "Client.send"
    )
    hits = fuse([("keyword", 1.0, keyword)], query, 3, SearchWeights())
    assert hits[0].symbol == "Client.send_to"
    assert hits[-1].symbol == "net"  # a module window has no definition line to match


def test_windows_of_one_long_function_collapse_into_one_hit() -> None:
    keyword = [
        _row("a1", "big", line=1),
        _row("a2", "big", line=61),
        _row("b", "small"),
        _row("m", "mod", "module"),
    ]
    hits = fuse([("keyword", 1.0, keyword)], "q", 10, SearchWeights(**_OFF))
    assert [(h.symbol, h.start_line) for h in hits] == [("big", 1), ("small", 1), ("mod", 1)]
    kept = fuse([("keyword", 1.0, keyword)], "q", 10, SearchWeights(collapse=False))
    assert len(kept) == 4


def _embedded_index(root: Path, minilm: OnnxEmbedder) -> ChunkIndex:
    index = ChunkIndex(Workspace(root), ContextSettings(), minilm)
    index.refresh()
    index.embed_pending()
    index.store.hash_rows.rebuild_in_background().join()  # the row map read: searches use it
    return index


_QUERIES = ("look a user up by email", "exponential backoff retry", "render a template", "config error")
_MODES: tuple[SearchMode, ...] = ("keyword", "vector", "hybrid")


@pytest.mark.parametrize("fusion", ["score", "rrf"])
def test_searches_ranked_from_the_row_map_equal_those_fetched_from_lancedb(
    sample_ws: Path, minilm: OnnxEmbedder, fusion: Literal["score", "rrf"], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _embedded_index(sample_ws, minilm)
    fetched = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)
    monkeypatch.setattr(fetched.store.hash_rows, "_rebuild", lambda: None)  # its map is never read
    weights = SearchWeights(fusion=fusion)
    both = 0
    for query in _QUERIES:
        for mode in _MODES:
            keyword, vector = mode != "vector", mode != "keyword"
            assert mapped_lists(index.store, minilm, query, 100, keyword=keyword, vector=vector) is not None
            hits = index.search(query, 5, mode=mode, weights=weights)
            assert hits == fetched.search(query, 5, mode=mode, weights=weights)
            assert all(hit.text for hit in hits)  # the hits' text was read after ranking
            both += any(len(hit.sources) == 2 for hit in hits)
    assert not fetched.store.hash_rows.is_current()  # (so it did fetch from LanceDB)
    assert both  # both lists found some hits


def test_the_row_map_lists_are_the_fetched_lists_without_text_and_signature(
    sample_ws: Path, minilm: OnnxEmbedder
) -> None:
    index = _embedded_index(sample_ws, minilm)
    store = index.store
    query = "look a user up by email"
    lists = mapped_lists(store, minilm, query, 100, keyword=True, vector=True)
    assert lists is not None
    generation, [(_, keyword), (_, vector)] = lists
    assert generation == store.generation
    for mapped, fetched in (
        (keyword, keyword_search(store, query, 100)),
        (vector, vector_search(store, minilm, query, 100)),
    ):
        assert [r["id"] for r in mapped] == [r["id"] for r in fetched]
        for row, full in zip(mapped, fetched, strict=True):
            assert "text" not in row and "signature" not in row  # read for the hits only
            assert {k: v for k, v in full.items() if k not in ("text", "signature")} == {
                k: v for k, v in row.items() if k != "_rowid"
            }
    stored = {r["id"]: r for r in store.chunks.to_arrow().to_pylist()}
    for row in keyword + vector:  # fields not read are derived as stored; the head is stored
        assert row["language"] == stored[row["id"]]["language"]
        assert row["head"] == definition_line(stored[row["id"]]["text"])


def test_a_write_re_reads_the_row_map_and_searches_step_aside_while_it_is_stale(
    sample_ws: Path, minilm: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _embedded_index(sample_ws, minilm)
    store = index.store
    query = "look a user up by email"
    rebuild = store.hash_rows._rebuild
    monkeypatch.setattr(store.hash_rows, "_rebuild", lambda: None)  # the re-read held back
    (sample_ws / "docs" / "notes.md").write_text("# Notes\n\nNothing about retries any more.\n")
    index.update_paths(["docs/notes.md"])
    assert store.hash_rows._building is not None  # the write started a re-read
    store.hash_rows._building.join()
    assert mapped_lists(store, minilm, query, 100, keyword=True, vector=True) is None  # ids may move
    fetched = index.search(query, 5)
    assert all(hit.text for hit in fetched)
    monkeypatch.setattr(store.hash_rows, "_rebuild", rebuild)
    store.hash_rows.rebuild_in_background().join()
    assert mapped_lists(store, minilm, query, 100, keyword=True, vector=True) is not None
    assert index.search(query, 5) == fetched


def test_a_write_between_ranking_and_reading_the_text_falls_back_to_lancedb(
    sample_ws: Path, minilm: OnnxEmbedder
) -> None:
    index = _embedded_index(sample_ws, minilm)
    store = index.store
    query = "look a user up by email"
    expected = index.search(query, 5)
    fetched = store.hash_rows.hit_columns
    calls = []

    def written_meanwhile(row_ids: Sequence[int], generation: int) -> dict[int, dict[str, Any]] | None:
        calls.append(generation)
        store.generation += 2  # a write started and ended
        return fetched(row_ids, generation)

    store.hash_rows.hit_columns = written_meanwhile  # type: ignore[method-assign]
    assert index.search(query, 5) == expected
    assert len(calls) == 1  # the map's answer was dropped, not retried


def test_a_single_hybrid_search_does_not_start_reading_the_row_map(
    sample_ws: Path, minilm: OnnxEmbedder
) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)
    index.refresh()
    index.embed_pending()
    fresh = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)  # a one-shot CLI search
    assert fresh.search("look a user up by email", 3)[0].symbol == "UserRepository.find_user_by_email"
    assert fresh.store.hash_rows._building is None
