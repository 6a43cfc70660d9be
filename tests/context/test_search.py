from __future__ import annotations

from typing import Any

from aigentflow.context.search import SearchWeights, fuse, name_match, query_stems


def _row(
    key: str, symbol: str, kind: str = "function", path: str = "pkg/mod.py", line: int = 1
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
        "text": "",
    }


def test_rrf_ranks_a_row_found_by_both_lists_first() -> None:
    keyword = [_row("a", "alpha"), _row("b", "beta")]
    vector = [_row("c", "gamma"), _row("b", "beta")]
    plain = SearchWeights(symbol_boost=0, path_boost=0)
    hits = fuse([("keyword", 1.0, keyword), ("vector", 1.0, vector)], "q", 3, plain)
    assert [h.symbol for h in hits] == ["beta", "alpha", "gamma"]
    assert hits[0].sources == ["keyword", "vector"]


def test_name_match_is_graded_and_stem_insensitive() -> None:
    stems = query_stems("Return the parsed version string")
    assert name_match("Version.parse_version", stems) == 1.0
    assert name_match("parse_header", stems) == 0.5
    assert name_match("render", stems) == 0.0


def test_the_name_boost_lifts_the_function_the_query_names() -> None:
    keyword = [_row("a", "render_table"), _row("b", "load_config")]
    hits = fuse([("keyword", 1.0, keyword)], "load the config", 2, SearchWeights())
    assert hits[0].symbol == "load_config"


def test_windows_of_one_long_function_collapse_into_one_hit() -> None:
    keyword = [
        _row("a1", "big", line=1),
        _row("a2", "big", line=61),
        _row("b", "small"),
        _row("m", "mod", "module"),
    ]
    hits = fuse([("keyword", 1.0, keyword)], "q", 10, SearchWeights(symbol_boost=0, path_boost=0))
    assert [(h.symbol, h.start_line) for h in hits] == [("big", 1), ("small", 1), ("mod", 1)]
    kept = fuse([("keyword", 1.0, keyword)], "q", 10, SearchWeights(collapse=False))
    assert len(kept) == 4
