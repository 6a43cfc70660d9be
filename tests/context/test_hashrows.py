from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from aigentflow.context import hashrows
from aigentflow.context.embed import OnnxEmbedder
from aigentflow.context.hashrows import REBUILD_AFTER, HashRowMap
from aigentflow.context.hashwords import ContentHashSet, hash_keys, hash_words
from aigentflow.context.index import ChunkIndex
from aigentflow.context.lancequery import run_query
from aigentflow.context.search import _COLUMNS
from aigentflow.context.settings import ContextSettings
from aigentflow.context.store import IndexStore, sql_list
from aigentflow.workspace import Workspace

from .conftest import write_files

BLOCK = "\n".join(f"Line {i} of a block that repeats." for i in range(20))


def _by_in(store: IndexStore, hashes: list[str]) -> list[dict[str, object]]:
    where = f"content_hash IN {sql_list(hashes)}"
    rows = store.chunks.search().where(where).select(_COLUMNS).limit(None).to_arrow().to_pylist()
    return sorted(rows, key=lambda r: str(r["id"]))


def _sorted(rows: list[dict[str, object]] | None) -> list[dict[str, object]]:
    assert rows is not None
    return sorted(rows, key=lambda r: str(r["id"]))


def _index(root: Path) -> ChunkIndex:
    index = ChunkIndex(Workspace(root), ContextSettings(embedder="none"), None)
    index.refresh()
    return index


def test_hash_keys_are_the_first_64_bits_and_refuse_anything_but_32_hex_digits() -> None:
    digest = "0123456789abcdef" + "f" * 16
    keys = hash_keys(pa.array([digest, "f" * 32]))
    assert keys is not None and keys.tolist() == [0x0123456789ABCDEF, 0xFFFFFFFFFFFFFFFF]
    assert hash_keys(pa.array(["not-a-hash"])) is None
    assert hash_keys(pa.array(["g" * 32])) is None
    assert hash_keys(pa.array([digest]).slice(0, 1)) is not None


def test_rows_taken_by_id_equal_the_in_query_including_chunks_sharing_a_hash(sample_ws: Path) -> None:
    write_files(sample_ws, {"docs/repeat.md": f"{BLOCK}\n{BLOCK}\n"})  # two windows, one content hash
    store = _index(sample_ws).store
    hashes = store.column(store.chunks, "content_hash")
    assert len(hashes) > len(set(hashes))
    assert store.hash_rows.rows(hashes, _COLUMNS) is None  # not read yet: the caller uses IN
    store.hash_rows.rebuild_in_background().join()
    assert _sorted(store.hash_rows.rows(hashes, _COLUMNS)) == _by_in(store, hashes)
    assert _sorted(store.chunks_with_hashes(hashes[:3], _COLUMNS)) == _by_in(store, hashes[:3])


def test_a_save_re_reads_a_map_in_use_and_a_stale_map_is_never_used(sample_ws: Path) -> None:
    index = _index(sample_ws)
    store = index.store
    store.hash_rows.rebuild_in_background().join()
    old = store.column(store.chunks, "content_hash")
    (sample_ws / "app" / "config.py").write_text("def load_config(path):\n    return {}\n")
    index.update_paths(["app/config.py"])
    assert store.hash_rows._building is not None
    store.hash_rows._building.join()  # re-read by the save itself, no search needed
    assert store.hash_rows.is_current()
    new = store.column(store.chunks, "content_hash")
    assert _sorted(store.hash_rows.rows(old + new, _COLUMNS)) == _by_in(store, old + new)
    store.optimize()  # compaction moves rows: row ids read before are meaningless now
    assert store.hash_rows.rows(new, _COLUMNS) is None
    assert _sorted(store.chunks_with_hashes(new, _COLUMNS)) == _by_in(store, new)  # the IN path
    building = store.hash_rows._building  # the second miss re-read it
    assert building is not None
    building.join()
    assert _sorted(store.hash_rows.rows(new, _COLUMNS)) == _by_in(store, new)


def test_a_write_does_not_read_a_map_no_search_has_used(sample_ws: Path) -> None:
    index = _index(sample_ws)  # a one-shot CLI `index`, or a search that never needed the map
    (sample_ws / "app" / "config.py").write_text("def load_config(path):\n    return {}\n")
    index.update_paths(["app/config.py"])
    assert index.store.hash_rows._building is None


def _ranking_of_every_row(store: IndexStore) -> dict[int, dict[str, object]]:
    ids = run_query(store.chunks, lambda t: t.query().select(["path"]).with_row_id()).column("_rowid")
    ranking = store.hash_rows.ranking_rows([], ids.to_pylist(), store.generation)
    assert ranking is not None
    return ranking


@pytest.mark.parametrize("pieces", [16, 2])  # 2: the pieces added are merged from the third
def test_after_saves_the_map_reads_only_the_new_rows_and_equals_a_whole_read(
    sample_ws: Path, pieces: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hashrows, "_MAX_PIECES", pieces)
    modules = {
        f"lib/mod{m}.py": "".join(f"def f{m}_{i}(x):\n    return x + {i}\n\n" for i in range(10))
        for m in range(8)
    }
    write_files(sample_ws, modules)  # ~100 rows: a save's deleted rows stay below a tenth for a while
    index = _index(sample_ws)
    store = index.store
    store.hash_rows.rebuild_in_background().join()
    kept_deleted = 0
    for i in range(12):  # saves: rows deleted, new rows appended; the table is not compacted
        (sample_ws / "app" / "config.py").write_text(
            f"def load_config_{i}(path):\n    return {{{i}: path}}\n"
        )
        index.update_paths(["app/config.py"])
        store.hash_rows.rebuild_in_background().join()
        carried = store.hash_rows._snapshot
        assert carried is not None
        assert carried.ranking.column(0).num_chunks <= max(pieces, 2)
        deleted = carried.ranking.num_rows - len(carried.ranked_ids)  # carried, not read again
        assert 0 <= deleted <= len(carried.ranked_ids) // 10
        kept_deleted = max(kept_deleted, deleted)
        whole = HashRowMap(store.chunks, lambda: store.generation)
        whole.rebuild_in_background().join()
        assert whole._snapshot is not None and whole._snapshot.ranking.num_rows == len(carried.ranked_ids)
        mapped = _ranking_of_every_row(store)
        store.hash_rows, kept = whole, store.hash_rows
        assert _ranking_of_every_row(store) == mapped
        store.hash_rows = kept
    assert kept_deleted > 0
    assert any(row["symbol"] == "load_config_11" for row in mapped.values())
    assert not any(row["symbol"] == "load_config_10" for row in mapped.values())


def test_the_map_is_read_only_after_repeated_lookups_without_writes(sample_ws: Path) -> None:
    store = _index(sample_ws).store
    hashes = store.column(store.chunks, "content_hash")
    assert store.chunks_with_hashes(hashes, _COLUMNS)  # one lookup (a one-shot CLI search)
    assert store.hash_rows._building is None
    for _ in range(REBUILD_AFTER - 1):
        store.chunks_with_hashes(hashes, _COLUMNS)
    building = store.hash_rows._building
    assert building is not None
    building.join()
    assert _sorted(store.hash_rows.rows(hashes, _COLUMNS)) == _by_in(store, hashes)


def test_adding_vectors_keeps_the_map_valid(sample_ws: Path, minilm: OnnxEmbedder) -> None:
    index = ChunkIndex(Workspace(sample_ws), ContextSettings(), minilm)
    index.refresh()
    index.embed_pending()
    store = index.store
    store.hash_rows.rebuild_in_background().join()
    hashes = store.column(store.chunks, "content_hash")
    generation = store.generation
    store.add_vectors(["0" * 32], np.zeros((1, minilm.dim), dtype=np.float32))  # an embedding batch
    assert store.generation == generation  # vectors moved no chunk row
    assert _sorted(store.hash_rows.rows(hashes, _COLUMNS)) == _by_in(store, hashes)


def _hex_vectors(store: IndexStore, n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, 8)).astype(np.float32)
    hashes = [f"{int(x):032x}" for x in rng.integers(0, 2**62, n)]  # content-hash shaped
    store.add_vectors(hashes, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    return hashes, vectors


def test_hash_words_restore_the_whole_hash() -> None:
    digest = "0123456789abcdef" + "fedcba9876543210"
    words = hash_words(pa.array([digest]))
    assert words is not None
    assert f"{words[0][0]:016x}{words[1][0]:016x}" == digest
    assert hash_words(pa.array(["h1"])) is None


def test_ann_hits_map_to_the_same_hashes_through_the_row_map_as_when_read(tmp_path: Path) -> None:
    store = IndexStore(str(tmp_path / "index"), 8, "m")
    hashes, vectors = _hex_vectors(store, 300, seed=1)
    read = [store.nearest(v, 20) for v in vectors[:10]]  # the map is not read yet: hashes are read
    assert store.row_hashes.rebuild_in_background().join() is None
    mapped_ids = run_query(store.vectors, lambda t: t.query().select(["content_hash"]).with_row_id())
    assert (
        store.row_hashes.hashes(mapped_ids.column("_rowid").to_numpy())
        == mapped_ids.column("content_hash").to_pylist()
    )
    assert [store.nearest(v, 20) for v in vectors[:10]] == read
    assert read[3][0] == hashes[3]


def test_rows_added_after_the_row_map_was_read_are_still_found(tmp_path: Path) -> None:
    store = IndexStore(str(tmp_path / "index"), 8, "m")
    _hex_vectors(store, 100, seed=2)
    store.row_hashes.rebuild_in_background().join()
    added, vectors = _hex_vectors(store, 5, seed=3)  # new row ids the map does not hold
    assert [store.nearest(v, 1)[0] for v in vectors] == added
    store.optimize(force=True)  # compaction retires every row id the map holds
    assert [store.nearest(v, 1)[0] for v in vectors] == added
    for _ in range(REBUILD_AFTER):  # misses without writes between re-read the map
        store.nearest(vectors[0], 1)
    thread = store.row_hashes._building
    assert thread is not None
    thread.join()
    ids = run_query(store.vectors, lambda t: t.query().select(["content_hash"]).with_row_id())
    assert store.row_hashes.hashes(ids.column("_rowid").to_numpy()) is not None


def test_a_content_hash_set_answers_like_a_python_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ContentHashSet, "MERGE_AT", 3)
    rng = np.random.default_rng(5)
    held = [f"{int(x):032x}" for x in rng.integers(0, 2**62, 50)]
    twin = "0123456789abcdef" + "0" * 16  # shares its first 64 bits with the next
    held += [twin, "0123456789abcdef" + "f" * 16, "h1"]
    hashes = ContentHashSet(pa.array(held))
    assert len(hashes) == len(held)
    other = [f"{int(x):032x}" for x in rng.integers(2**62, 2**63, 20)] + ["0123456789abcdef" + "1" * 16, "h2"]
    asked = held + other + held[:3]
    assert hashes.missing(asked) == [h for h in asked if h not in set(held)]
    assert hashes.missing(pa.array(asked)) == hashes.missing(asked)
    hashes.update(other[:5])  # past MERGE_AT: merged into the arrays
    assert hashes.missing(asked) == [h for h in asked if h not in set(held) | set(other[:5])]
    assert ContentHashSet(pa.array([], pa.string())).missing(held[:2]) == held[:2]
