from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa

from aigentflow.context.index import ChunkIndex
from aigentflow.context.settings import ContextSettings
from aigentflow.context.store import META_SCHEMA, IndexStore
from aigentflow.workspace import Workspace
from tests.helpers import AIGENTFLOW, wait_for_files

from .conftest import CountingEmbedder


def _index(root: Path, embedder: CountingEmbedder | None = None, **settings: object) -> ChunkIndex:
    return ChunkIndex(Workspace(root), ContextSettings.model_validate(settings), embedder)


def test_keyword_search_finds_a_function_by_split_identifier_words(sample_ws: Path) -> None:
    index = _index(sample_ws)
    stats = index.refresh()
    assert stats.files_indexed == 4
    hits = index.search("find user email", limit=3)
    assert hits[0].symbol == "UserRepository.find_user_by_email"
    assert hits[0].sources == ["keyword"]
    assert (hits[0].start_line, hits[0].end_line) == (7, 9)
    assert index.search("renderTemplate")[0].path == "web/render.ts"
    status = index.status()
    assert status.mode == "keyword-only" and status.model is None
    assert (status.files, status.embedded_percent) == (4, 0.0)
    assert (sample_ws / ".aigentflow" / "index").is_dir()


def test_restart_with_nothing_changed_reads_no_file_and_embeds_nothing(
    sample_ws: Path, counting: CountingEmbedder
) -> None:
    first = _index(sample_ws, counting)
    first.refresh()
    embedded = first.embed_pending()
    assert embedded == first.status().chunks > 0
    assert counting.calls > 0
    counting.calls = counting.texts = 0

    again = _index(sample_ws, counting)  # a new process would open the same directory
    stats = again.refresh()
    assert (stats.files_indexed, stats.files_touched, stats.chunks_added) == (0, 0, 0)
    assert again.pending == 0
    assert again.embed_pending() == 0
    assert counting.calls == 0
    assert again.status().embedded_percent == 100.0


def test_editing_one_function_re_embeds_only_that_chunk(sample_ws: Path, counting: CountingEmbedder) -> None:
    index = _index(sample_ws, counting)
    index.refresh()
    index.embed_pending()
    counting.texts = 0
    path = sample_ws / "app/users.py"
    path.write_text(path.read_text().replace("delete from users", "DELETE FROM users"))
    stats = index.update_paths(["app/users.py"])
    assert stats.files_indexed == 1
    assert index.embed_pending() == 1
    assert counting.texts == 1
    hits = index.search("DELETE FROM users", limit=1)
    assert hits[0].symbol == "UserRepository.delete_user" and "DELETE FROM" in hits[0].text


def test_a_touched_file_with_the_same_bytes_is_not_rechunked(sample_ws: Path) -> None:
    index = _index(sample_ws)
    index.refresh()
    target = sample_ws / "app/config.py"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    stats = index.refresh()
    assert (stats.files_touched, stats.files_indexed) == (1, 0)
    assert index.refresh().files_touched == 0  # the new mtime was recorded


def test_deleted_and_renamed_files_leave_the_index_and_renames_reuse_vectors(
    sample_ws: Path, counting: CountingEmbedder
) -> None:
    index = _index(sample_ws, counting)
    index.refresh()
    index.embed_pending()
    (sample_ws / "docs/notes.md").unlink()
    (sample_ws / "app/users.py").rename(sample_ws / "app/people.py")
    counting.calls = 0
    stats = index.refresh()
    assert stats.files_removed == 2
    paths = {h.path for h in index.search("users database email jitter", limit=50)}
    assert "app/people.py" in paths
    assert not paths & {"app/users.py", "docs/notes.md"}
    assert index.search("exponential backoff jitter", mode="keyword") == []
    # a rename changes the path in each chunk's header, so those chunks are embedded anew,
    # and nothing else is
    assert (
        index.embed_pending()
        == index.store.files.search().where("path = 'app/people.py'").to_list()[0]["chunks"]
    )


def test_restart_without_a_model_then_with_one_embeds_everything_once(
    sample_ws: Path, counting: CountingEmbedder
) -> None:
    _index(sample_ws).refresh()
    index = _index(sample_ws, counting)
    assert index.refresh().files_indexed == 0
    assert index.pending == index.status().chunks
    index.embed_pending()
    hits = index.search("read settings from a file", limit=3)
    assert "vector" in hits[0].sources or hits[0].symbol == "load_config"
    assert any(h.symbol == "load_config" for h in hits)


def test_a_corrupted_index_is_moved_aside_and_rebuilt_with_a_warning(sample_ws: Path) -> None:
    _index(sample_ws).refresh()
    store = sample_ws / ".aigentflow" / "index"
    for manifest in store.rglob("*.manifest"):
        manifest.write_bytes(b"garbage")
    index = _index(sample_ws)
    assert any("moved to" in e for e in index.status().errors)
    assert [p.name for p in store.parent.iterdir() if p.name.startswith("index.corrupt-")]
    assert index.refresh().files_indexed == 4
    assert index.search("find user email")[0].symbol == "UserRepository.find_user_by_email"


def test_two_writers_on_one_index_leave_no_duplicates(sample_ws: Path) -> None:
    a, b = _index(sample_ws), _index(sample_ws)
    threads = [threading.Thread(target=ix.refresh) for ix in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    fresh = _index(sample_ws)
    fresh.refresh()
    ids = fresh.store.column(fresh.store.chunks, "id")
    assert len(ids) == len(set(ids)) > 0


def test_language_and_path_filters_narrow_the_results(sample_ws: Path) -> None:
    index = _index(sample_ws)
    index.refresh()
    assert {h.language for h in index.search("render listen port", language="typescript")} == {"typescript"}
    assert {h.path for h in index.search("user config", path_glob="app/*")} <= {
        "app/users.py",
        "app/config.py",
    }
    assert index.search("user", path_glob="web") == []


def test_a_schema_version_change_re_chunks_the_workspace_and_keeps_the_vectors(
    sample_ws: Path, counting: CountingEmbedder
) -> None:
    index = _index(sample_ws, counting)
    index.refresh()
    index.embed_pending()
    embedded = index.store.vectors.count_rows()
    rows = pa.Table.from_pylist([{"key": "schema_version", "value": "1"}], META_SCHEMA)
    index.store.merge("meta", index.store.meta, "key", rows)
    counting.calls = 0
    reopened = _index(sample_ws, counting)
    assert reopened.status().chunks == 0
    assert reopened.refresh().files_indexed == 4
    assert reopened.embed_pending() == 0 and counting.calls == 0  # vectors are keyed by content
    assert reopened.store.vectors.count_rows() == embedded
    assert (
        reopened.search("find user email", 3, mode="vector")[0].symbol == "UserRepository.find_user_by_email"
    )


def test_an_ann_index_is_built_once_there_are_enough_vectors(tmp_path: Path) -> None:
    store = IndexStore(str(tmp_path / "index"), 32, "test-model")
    vectors = np.random.default_rng(0).standard_normal((1_200, 32)).astype(np.float32)
    store.add_vectors([f"h{i}" for i in range(1_200)], vectors)
    assert not store.ensure_vector_index(min_rows=5_000)
    assert store.ensure_vector_index(min_rows=1_000)
    [index] = store.vectors.list_indices()
    assert index.index_type == "IvfSq"


def test_sigkill_mid_indexing_leaves_an_index_that_completes_without_duplicates(workspace: Path) -> None:
    for package in range(12):
        for module in range(10):
            path = workspace / f"pkg{package}" / f"mod{module}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "".join(f"def f{package}_{module}_{i}(x):\n    return x + {i}\n\n" for i in range(20))
            )
    process = subprocess.Popen(
        [*AIGENTFLOW, "index", str(workspace), "--keyword-only"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # kill as soon as chunks are committed: the files rows and FTS index may not be yet
        data = workspace / ".aigentflow/index/chunks.lance/data"
        wait_for_files(workspace, lambda: data.is_dir() and any(data.iterdir()), timeout=60)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    index = _index(workspace)
    index.refresh()
    ids = index.store.column(index.store.chunks, "id")
    assert len(ids) == len(set(ids)) == 120 * 20
    assert index.status().files == 120


def test_hits_carry_the_ids_of_their_stored_chunks(sample_ws: Path, counting: CountingEmbedder) -> None:
    index = _index(sample_ws, counting)
    index.refresh()
    index.embed_pending()
    stored = set(index.store.column(index.store.chunks, "id"))
    for mode in ("keyword", "vector", "hybrid"):
        hits = index.search("look a user up by email", 5, mode=mode)  # type: ignore[arg-type]
        assert hits and {hit.chunk_id for hit in hits} <= stored
