from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

from aigentflow.context.embed import OnnxEmbedder
from aigentflow.context.index import ChunkIndex
from aigentflow.context.settings import ContextSettings
from aigentflow.context.store import MAINTENANCE_RETRY_S, IndexStore
from aigentflow.workspace import Workspace
from tests.context.conftest import clustered_vectors


def _isolated_store(uri: str, dim: int = 32) -> IndexStore:
    store = IndexStore(uri, dim, "test-model")
    store.isolate_from_rows = 1  # every job on a non-empty table goes to a child, however small
    return store


def _hashes(store: IndexStore) -> list[str]:
    return [str(h) for h in store.column(store.vectors, "content_hash")]


def test_the_ann_index_is_built_in_a_child_process_and_answers_like_exact_search(tmp_path: Path) -> None:
    store = _isolated_store(str(tmp_path / "index"))
    vectors = clustered_vectors(3_000, 32, seed=0)
    hashes = [f"h{i}" for i in range(len(vectors))]
    store.add_vectors(hashes, vectors)
    assert store.ensure_vector_index(min_rows=1_000)
    [job] = store.maintenance
    assert (job.job, job.table) == ("vector-index", "vectors")
    assert job.pid != os.getpid()
    assert store.vector_index_type == "IvfSq"  # this process sees the child's commit
    probes = clustered_vectors(20, 32, seed=1)
    recall = [
        len({hashes[i] for i in np.argsort(-(vectors @ p))[:10]} & set(store.nearest(p, 10))) / 10
        for p in probes
    ]
    assert np.mean(recall) >= 0.95
    store.add_vectors(["new"], vectors[:1])  # the store keeps writing after the child's version
    assert sorted(_hashes(store)) == sorted([*hashes, "new"])


def test_optimize_in_a_child_process_leaves_vector_results_identical_and_rows_unduplicated(
    tmp_path: Path,
) -> None:
    store = _isolated_store(str(tmp_path / "index"))
    vectors = clustered_vectors(1_200, 32, seed=2)
    for start in range(0, 1_200, 100):  # small appends, as embedding batches make them
        store.add_vectors([f"h{i}" for i in range(start, start + 100)], vectors[start : start + 100])
    probes = clustered_vectors(10, 32, seed=3)
    before = [store.nearest(p, 10) for p in probes]
    store.optimize(force=True)
    [job] = store.maintenance  # the empty chunks and files tables are optimized in-process
    assert (job.job, job.table) == ("optimize", "vectors") and job.pid != os.getpid()
    assert store.vectors.stats()["fragment_stats"]["num_fragments"] == 1
    assert [store.nearest(p, 10) for p in probes] == before
    assert sorted(_hashes(store)) == sorted(f"h{i}" for i in range(1_200))


def test_hybrid_search_answers_the_same_after_the_chunks_table_is_optimized_in_a_child(
    sample_ws: Path, minilm: OnnxEmbedder
) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)
    index.refresh()
    index.embed_pending()
    queries = ("look a user up by email", "exponential backoff", "render a template", "config error")
    before = {q: [h.chunk_id for h in index.search(q, 5)] for q in queries}
    index.store.isolate_from_rows = 1
    index.update_paths(["app/users.py"])  # nothing changed on disk: no new rows
    index.store.optimize(force=True)
    assert ("optimize", "chunks") in {(m.job, m.table) for m in index.store.maintenance}
    for _ in range(3):  # stale row-id map, then its re-read: both must find the same rows
        assert {q: [h.chunk_id for h in index.search(q, 5)] for q in queries} == before
    ids = index.store.column(index.store.chunks, "id")
    assert len(ids) == len(set(ids))


def test_a_failing_maintenance_child_is_logged_and_retried_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = _isolated_store(str(tmp_path / "index"))
    now = [1_000.0]
    store.clock = lambda: now[0]
    store.add_vectors([f"h{i}" for i in range(1_200)], clustered_vectors(1_200, 32, seed=4))
    store.maintenance_python = "/bin/false"  # a child that exits 1 and says nothing
    with caplog.at_level(logging.WARNING, logger="aigentflow.context.store"):
        assert not store.ensure_vector_index(min_rows=1_000)
    assert "vector-index of vectors) exited with 1" in caplog.text
    assert store.vectors.list_indices() == [] and store.maintenance == []
    store.maintenance_python = None  # the next child would succeed, but not before the delay
    assert not store.ensure_vector_index(min_rows=1_000)
    now[0] += MAINTENANCE_RETRY_S
    assert store.ensure_vector_index(min_rows=1_000)
    assert store.vector_index_type == "IvfSq"
    assert store.vectors.count_rows() == 1_200
