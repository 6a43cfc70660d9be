from __future__ import annotations

from pathlib import Path

import numpy as np

from aigentflow.context.embed import OnnxEmbedder
from aigentflow.context.index import ChunkIndex
from aigentflow.context.search import _COLUMNS, vector_search
from aigentflow.context.settings import ContextSettings
from aigentflow.context.store import (
    LOOKUP_COLUMNS,
    OPTIMIZE_FRAGMENTS,
    OPTIMIZE_FULL_FROM,
    IndexStore,
    optimize_due,
)
from aigentflow.context.text import search_query
from aigentflow.workspace import Workspace
from tests.context.conftest import clustered_vectors


def _lookup_indexes(store: IndexStore) -> dict[str, str]:
    return {
        index.columns[0]: index.index_type
        for index in store.chunks.list_indices()
        if index.columns and index.columns[0] in LOOKUP_COLUMNS
    }


def _exact_vector_rows(index: ChunkIndex, query: str, limit: int) -> list[str]:
    """The pre-index reference: exact cosine over every vector, mapped to chunks by scanning."""
    vectors = index.store.vectors.to_arrow()
    matrix = np.stack(vectors.column("vector").to_numpy(zero_copy_only=False))
    assert index.embedder is not None
    order = np.argsort(-(matrix @ index.embedder.embed([query])[0]), kind="stable")[:limit]
    rank = {vectors.column("content_hash")[int(i)].as_py(): r for r, i in enumerate(order)}
    rows = [r for r in index.store.chunks.to_arrow().to_pylist() if r["content_hash"] in rank]
    rows.sort(key=lambda r: (rank[r["content_hash"]], r["path"], r["start_line"]))
    return [r["id"] for r in rows[:limit]]


def test_refresh_creates_btree_lookup_indexes_on_content_hash_and_path(sample_ws: Path) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(embedder="none"), None)
    assert _lookup_indexes(index.store) == {}  # an empty table has nothing to index
    index.refresh()
    assert _lookup_indexes(index.store) == {"content_hash": "BTree", "path": "BTree"}


def test_an_index_written_without_lookup_indexes_gets_them_when_opened(sample_ws: Path) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(embedder="none"), None)
    index.refresh()
    for column in LOOKUP_COLUMNS:
        index.store.chunks.drop_index(f"{column}_idx")
    assert _lookup_indexes(index.store) == {}
    reopened = ChunkIndex(Workspace(sample_ws), ContextSettings(embedder="none"), None)
    assert _lookup_indexes(reopened.store) == {"content_hash": "BTree", "path": "BTree"}
    assert reopened.search("find user email", 1)[0].symbol == "UserRepository.find_user_by_email"


def test_vector_search_returns_exactly_the_flat_reference_with_or_without_lookup_indexes(
    sample_ws: Path, minilm: OnnxEmbedder
) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)
    index.refresh()
    index.embed_pending()
    assert not index.store.vector_indexed  # a small index is searched flat
    queries = ("look a user up by email", "exponential backoff", "render a template", "config error")
    indexed = {q: [r["id"] for r in vector_search(index.store, minilm, q, 5)] for q in queries}
    for column in LOOKUP_COLUMNS:
        index.store.chunks.drop_index(f"{column}_idx")
    scanned = {q: [r["id"] for r in vector_search(index.store, minilm, q, 5)] for q in queries}
    assert indexed == scanned == {q: _exact_vector_rows(index, q, 5) for q in queries}


def test_chunks_with_hashes_applies_the_extra_filter(sample_ws: Path) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(embedder="none"), None)
    index.refresh()
    hashes = index.store.column(index.store.chunks, "content_hash")
    rows = index.store.chunks_with_hashes(hashes, _COLUMNS, "language = 'typescript'")
    assert rows and {r["path"] for r in rows} == {"web/render.ts"}
    assert set(rows[0]) == set(_COLUMNS)


def test_the_ann_index_is_ivf_sq_and_its_top_10_matches_exact_search(tmp_path: Path) -> None:
    store = IndexStore(str(tmp_path / "index"), 32, "test-model")
    vectors = clustered_vectors(3_000, 32, seed=0)
    hashes = [f"h{i}" for i in range(len(vectors))]
    store.add_vectors(hashes, vectors)
    assert store.ensure_vector_index(min_rows=1_000)
    assert store.vector_index_type == "IvfSq"
    probes = clustered_vectors(20, 32, seed=1)
    recall = [
        len({hashes[i] for i in np.argsort(-(vectors @ p))[:10]} & set(store.nearest(p, 10))) / 10
        for p in probes
    ]
    assert np.mean(recall) >= 0.95


def test_an_ivf_pq_index_from_an_earlier_version_is_still_queried(tmp_path: Path) -> None:
    from lancedb.index import IvfPq

    store = IndexStore(str(tmp_path / "index"), 32, "test-model")
    vectors = clustered_vectors(1_200, 32, seed=2)
    store.add_vectors([f"h{i}" for i in range(len(vectors))], vectors)
    store.vectors.create_index(
        "vector", config=IvfPq(distance_type="cosine", num_partitions=16, num_sub_vectors=4)
    )
    reopened = IndexStore(str(tmp_path / "index"), 32, "test-model")
    assert reopened.detect_vector_index() and reopened.vector_index_type == "IvfPq"
    assert reopened.nearest(vectors[7], 5)[0] == "h7"  # refined on exact distances


def test_one_hop_queries_answer_exactly_like_lancedbs_sync_api(sample_ws: Path, minilm: OnnxEmbedder) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)
    index.refresh()
    index.embed_pending()
    store = index.store
    for words, language in (("find user email", None), ("render template", "typescript"), ("config", None)):
        text = search_query(words)
        builder = store.chunks.search(text, query_type="fts", fts_columns="search_text")
        if language:
            builder = builder.where(f"language = '{language}'", prefilter=True)
        sync = builder.limit(20).select([*_COLUMNS, "_score"]).to_list()
        where = f"language = '{language}'" if language else None
        assert store.full_text(text, 20, _COLUMNS, where) == sync
    vector = minilm.embed(["look a user up by email"])[0]
    sync_hashes = [
        r["content_hash"]
        for r in store.vectors.search(vector)
        .distance_type("cosine")
        .limit(5)
        .select(["content_hash", "_distance"])
        .to_list()
    ]
    assert store.nearest(vector, 5) == sync_hashes


def test_a_large_table_is_optimized_only_once_appends_pile_up(tmp_path: Path) -> None:
    store = IndexStore(str(tmp_path / "index"), 4, "test-model")
    rng = np.random.default_rng(3)
    store.add_vectors([f"s{i}" for i in range(50)], rng.standard_normal((50, 4)).astype(np.float32))
    assert optimize_due(store.vectors)  # small: always
    big = OPTIMIZE_FULL_FROM
    store.add_vectors([f"b{i}" for i in range(big)], rng.standard_normal((big, 4)).astype(np.float32))
    store.optimize(force=True)
    assert not optimize_due(store.vectors)
    for batch in range(OPTIMIZE_FRAGMENTS):
        store.add_vectors([f"a{batch}"], rng.standard_normal((1, 4)).astype(np.float32))
    assert optimize_due(store.vectors)
    store.optimize()
    assert not optimize_due(store.vectors)
    assert store.vectors.count_rows() == 50 + big + OPTIMIZE_FRAGMENTS


def test_vectors_another_store_added_meanwhile_are_merged_not_duplicated(tmp_path: Path) -> None:
    uri = str(tmp_path / "index")
    first, second = IndexStore(uri, 3, "m"), IndexStore(uri, 3, "m")  # two processes' views
    unit = np.eye(3, dtype=np.float32)
    first.add_vectors(["h1", "h2"], unit[:2])
    second.add_vectors(["h2", "h3"], unit[1:])  # h2 arrived meanwhile: merged, not appended
    second.add_vectors(["h4"], unit[:1])  # nothing new from others since: appended
    first.add_vectors(["h5"], unit[2:])
    fresh = IndexStore(uri, 3, "m")
    hashes = fresh.column(fresh.vectors, "content_hash")
    assert sorted(hashes) == ["h1", "h2", "h3", "h4", "h5"]


def _partitions(store: IndexStore) -> list[int]:
    """Partitions of each segment of the ANN index (the first is the trained one), read through
    pylance (a dev dependency: lancedb has no public call for them)."""
    stats = store.vectors.to_lance().stats.index_stats("vector_idx")
    return [int(segment["num_partitions"]) for segment in stats["segments"]]


def test_optimizing_keeps_the_trained_ann_partitions_and_indexes_new_rows(tmp_path: Path) -> None:
    store = IndexStore(str(tmp_path / "index"), 32, "test-model")
    vectors = clustered_vectors(3_000, 32, seed=4)
    store.add_vectors([f"h{i}" for i in range(len(vectors))], vectors)
    assert store.ensure_vector_index(min_rows=1_000)
    trained = _partitions(store)[0]
    assert trained >= 40  # about sqrt(n)
    extra = clustered_vectors(40, 32, seed=5)
    for start in range(0, 40, 4):  # small appends, as embedding batches make them
        store.add_vectors([f"x{i}" for i in range(start, start + 4)], extra[start : start + 4])
    store.optimize(force=True)
    assert _partitions(store)[0] >= 0.8 * trained  # an index built by partition count: 1 or 2
    assert store.vectors.index_stats("vector_idx").num_unindexed_rows == 0
    assert store.vectors.stats()["fragment_stats"]["num_small_fragments"] <= 2  # was 11
    assert store.nearest(extra[7], 1) == ["x7"]
