"""The index's LanceDB tables: chunks, files, vectors, meta.

- `chunks`: one row per chunk, with a pre-split `search_text` column under a native FTS index.
- `files`: one row per indexed file (path, size, mtime, content hash) — what makes refresh
  incremental across restarts.
- `vectors`: one row per distinct chunk content hash (not per chunk), so a renamed file, a
  branch switch or an unchanged function in an edited file never needs a new embedding.
- `meta`: schema version and embedding model; a mismatch rebuilds what depends on it.

Writes are serialised by a lock and retried on LanceDB's retryable commit conflicts (several
processes may write one index). A directory that cannot be opened or read is moved aside
and rebuilt, with a warning: the index is never the only copy of anything.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from aigentflow.errors import IndexError_

__all__ = ["SCHEMA_VERSION", "IndexStore", "chunk_schema", "sql_list", "sql_str"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
T = TypeVar("T")
_RETRIES = 6


def chunk_schema() -> pa.Schema:
    return pa.schema(
        [
            ("id", pa.string()),
            ("path", pa.string()),
            ("language", pa.string()),
            ("symbol", pa.string()),
            ("kind", pa.string()),
            ("start_line", pa.int32()),
            ("end_line", pa.int32()),
            ("signature", pa.string()),
            ("text", pa.string()),
            ("content_hash", pa.string()),
            ("search_text", pa.string()),
        ]
    )


FILE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("file_hash", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("chunks", pa.int32()),
        ("indexed_at", pa.float64()),
    ]
)
META_SCHEMA = pa.schema([("key", pa.string()), ("value", pa.string())])


def sql_str(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(sql_str(v) for v in values) + ")"


def with_retries(action: Callable[[], T], what: str) -> T:
    """Run a LanceDB write, retrying commit conflicts with exponential backoff."""
    for attempt in range(_RETRIES):
        try:
            return action()
        except (OSError, RuntimeError, ValueError) as exc:
            message = str(exc).lower()
            if attempt + 1 == _RETRIES or not ("conflict" in message or "retryable" in message):
                raise
            logger.info("index %s: commit conflict, retrying (%s)", what, exc)
            time.sleep(0.01 * 2**attempt)  # back off from a concurrent writer, not a test wait
    raise AssertionError("unreachable")


class IndexStore:
    """Open (or create, or rebuild) the tables at `uri`; all LanceDB access goes through here."""

    def __init__(self, uri: str, dim: int | None, model: str) -> None:
        self.uri = uri
        self.dim = dim
        self.model = model
        self.write_lock = threading.RLock()
        self._write_depth = 0
        self.chunks: Any = None
        self.files: Any = None
        self.vectors: Any = None
        self.vector_indexed = False  # an ANN index exists: queries then probe and refine
        self.warnings: list[str] = []
        try:
            self._open()
        except Exception as exc:  # any failure to open or read means corruption: rebuild
            self._rebuild(exc)

    # -- opening --------------------------------------------------------------------------

    def _open(self) -> None:
        import lancedb

        self.db = lancedb.connect(self.uri)
        existing = set(self.db.list_tables().tables)
        meta = self._meta(existing)
        version = meta.get("schema_version")
        if version is not None and version != str(SCHEMA_VERSION):
            logger.warning("index schema %s is not %s: rebuilding", version, SCHEMA_VERSION)
            for name in ("chunks", "files", "vectors"):
                if name in existing:
                    self.db.drop_table(name)
            existing -= {"chunks", "files", "vectors"}
        self.chunks = self._table("chunks", chunk_schema(), existing)
        self.files = self._table("files", FILE_SCHEMA, existing)
        if "vectors" in existing and meta.get("model") != self.model:
            self.db.drop_table("vectors")  # vectors of another model are meaningless
            existing.discard("vectors")
        self.vectors = None
        if self.dim is not None:
            schema = pa.schema([("content_hash", pa.string()), ("vector", pa.list_(pa.float32(), self.dim))])
            self.vectors = self._table("vectors", schema, existing)
        # reading every table once is what detects a damaged dataset early
        for table in (self.chunks, self.files, self.vectors):
            if table is not None:
                table.count_rows()
                table.head(1)
        self._write_meta({"schema_version": str(SCHEMA_VERSION), "model": self.model})

    def _table(self, name: str, schema: pa.Schema, existing: set[str]) -> Any:
        if name in existing:
            table = self.db.open_table(name)
            if table.schema != schema:
                raise IndexError_(f"table {name} has schema {table.schema}, expected {schema}")
            return table
        return with_retries(
            lambda: self.db.create_table(name, schema=schema, exist_ok=True), f"create {name}"
        )

    def _meta(self, existing: set[str]) -> dict[str, str]:
        if "meta" not in existing:
            self.meta = with_retries(
                lambda: self.db.create_table("meta", schema=META_SCHEMA, exist_ok=True), "create meta"
            )
            return {}
        self.meta = self.db.open_table("meta")
        rows = self.meta.to_arrow().to_pylist()
        return {row["key"]: row["value"] for row in rows}

    def _write_meta(self, values: dict[str, str]) -> None:
        rows = pa.Table.from_pylist([{"key": k, "value": v} for k, v in values.items()], META_SCHEMA)
        self.merge("meta", self.meta, "key", rows)

    def _rebuild(self, cause: Exception) -> None:
        local = _local_path(self.uri)
        if local is None or not local.exists():
            raise IndexError_(f"cannot open the index at {self.uri}: {cause}") from cause
        aside = local.with_name(f"{local.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        shutil.move(str(local), str(aside))
        message = f"the index at {local} could not be opened ({cause}); moved to {aside.name} and rebuilt"
        logger.warning(message)
        self.warnings.append(message)
        self._open()

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive write access: across threads (a lock) and, for a local index, across
        processes (flock on a file beside the tables), starting from the latest version so a
        delete sees rows another writer just added. Remote URIs rely on commit retries only."""
        with self.write_lock:
            if self._write_depth:  # re-entered by the same thread: it holds everything already
                yield
                return
            local = _local_path(self.uri)
            handle = None
            if local is not None:
                local.mkdir(parents=True, exist_ok=True)
                handle = open(local / ".writer.lock", "a+b")  # noqa: SIM115 - held across the yield
                fcntl.flock(handle, fcntl.LOCK_EX)
            self._write_depth += 1
            try:
                for table in (self.chunks, self.files, self.vectors):
                    if table is not None:
                        table.checkout_latest()
                yield
            finally:
                self._write_depth -= 1
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()

    def merge(self, what: str, table: Any, key: str, rows: pa.Table) -> None:
        def run() -> None:
            table.merge_insert(key).when_matched_update_all().when_not_matched_insert_all().execute(rows)

        with self.writing():
            with_retries(run, f"merge {what}")

    def replace_files(self, paths: Sequence[str], chunk_rows: pa.Table, file_rows: pa.Table) -> None:
        """Drop the chunks of `paths`, add `chunk_rows`, then record `file_rows` (in that order,
        so a crash in between leaves files whose recorded hash is stale: they are redone)."""
        with self.writing():
            self._delete_paths(self.chunks, paths)
            if chunk_rows.num_rows:
                with_retries(lambda: self.chunks.add(chunk_rows), "add chunks")
            if file_rows.num_rows:
                self.merge("files", self.files, "path", file_rows)

    def forget_files(self, paths: Sequence[str]) -> None:
        """Remove deleted files: their chunks first, then their file rows."""
        with self.writing():
            self._delete_paths(self.chunks, paths)
            self._delete_paths(self.files, paths)

    def _delete_paths(self, table: Any, paths: Sequence[str]) -> None:
        for start in range(0, len(paths), 500):  # bounded SQL: 500 paths per predicate
            where = f"path IN {sql_list(paths[start : start + 500])}"

            def delete(where: str = where) -> None:
                table.delete(where)

            with_retries(delete, "delete")

    def add_vectors(self, hashes: Sequence[str], vectors: np.ndarray) -> None:
        if self.vectors is None or not hashes:
            return
        flat = pa.array(vectors.astype(np.float32).ravel(), type=pa.float32())
        column = pa.FixedSizeListArray.from_arrays(flat, vectors.shape[1])
        rows = pa.Table.from_arrays(
            [pa.array(list(hashes), pa.string()), column], names=["content_hash", "vector"]
        )
        self.merge("vectors", self.vectors, "content_hash", rows)

    def rebuild_fts(self) -> None:
        """(Re)build the full-text index over `search_text`; rows added later are still searched."""
        from lancedb.index import FTS

        with self.writing():
            if self.chunks.count_rows():
                with_retries(
                    lambda: self.chunks.create_index("search_text", config=FTS(), replace=True), "fts index"
                )

    def detect_vector_index(self) -> bool:
        """Note whether an ANN index exists (queries then probe and refine); builds nothing."""
        if self.vectors is not None and not self.vector_indexed:
            indices = self.vectors.list_indices()
            self.vector_indexed = any("vector" in getattr(i, "columns", []) for i in indices)
        return self.vector_indexed

    def ensure_vector_index(self, min_rows: int) -> bool:
        """Build an IVF_PQ index over the vectors once there are `min_rows` of them (flat search
        grows linearly: ~6 ms at 6K rows, ~136 ms at 100K here). Returns whether one exists."""
        if self.vectors is None:
            return False
        if self.detect_vector_index():
            return True
        rows = self.vectors.count_rows()
        if rows < min_rows:
            return False
        from lancedb.index import IvfPq

        config = IvfPq(
            distance_type="cosine",
            num_partitions=max(16, int(rows**0.5)),
            num_sub_vectors=(self.dim or 384) // 8,
        )
        with self.writing():
            with_retries(lambda: self.vectors.create_index("vector", config=config), "vector index")
        self.vector_indexed = True
        return True

    def optimize(self) -> None:
        """Compact small appends and fold new rows into the indexes (cheap; keeps search fast)."""
        with self.writing():
            for table in (self.chunks, self.files, self.vectors):
                if table is not None:
                    with_retries(table.optimize, "optimize")

    # -- reading --------------------------------------------------------------------------

    def file_rows(self) -> dict[str, dict[str, Any]]:
        rows = self.files.to_arrow().to_pylist()
        return {row["path"]: row for row in rows}

    def column(self, table: Any, name: str) -> list[Any]:
        if table is None:
            return []
        data = table.search().select([name]).limit(None).to_arrow()
        return list(data.column(name).to_pylist())

    def has_fts(self) -> bool:
        return any(getattr(i, "index_type", "") == "FTS" for i in self.chunks.list_indices())


def _local_path(uri: str) -> Path | None:
    if "://" in uri and not uri.startswith("file://"):
        return None
    return Path(uri.removeprefix("file://"))
