from __future__ import annotations

from typing import Any

from aigentflow.context.ranking import (
    SearchWeights,
    definition_line,
    fuse,
    name_match,
    query_stems,
    signature_match,
)

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
