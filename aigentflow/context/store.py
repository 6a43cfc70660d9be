"""The index's LanceDB tables: chunks, files, vectors, meta.

- `chunks`: one row per chunk, with a pre-split `search_text` column under a native FTS index.
- `files`: one row per indexed file (path, size, mtime, content hash) — what makes refresh
  incremental across restarts.
- `vectors`: one row per distinct chunk content hash (not per chunk), so a renamed file, a
  branch switch or an unchanged function in an edited file never needs a new embedding.
- `meta`: schema version and embedding model; a mismatch rebuilds what depends on it (a new
  schema rebuilds `chunks` and `files` from the workspace and keeps `vectors`, whose rows are
  keyed by content hash: nothing is embedded again).

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

from aigentflow.context.hashrows import HashRowMap, RowHashMap
from aigentflow.context.heap import limit_malloc_arenas
from aigentflow.context.lancequery import run_query
from aigentflow.context.maintenance import Job, MaintenanceResult, run_in_child, run_job
from aigentflow.errors import IndexError_

__all__ = [
    "LOOKUP_COLUMNS",
    "SCHEMA_VERSION",
    "IndexStore",
    "chunk_schema",
    "optimize_due",
    "sql_list",
    "sql_str",
]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: chunks carry `head`, their definition line (ranking.definition_line)
LOOKUP_COLUMNS = ("content_hash", "path")  # chunk columns with a BTREE index
# ANN query parameters per index type: (partitions probed, refine factor). Measured at 100K
# (README): IVF_SQ at 40 probes has recall@10 0.99 against exact search without re-ranking;
# IVF_PQ indexes of earlier versions keep their 20 probes with exact re-ranking of 5xk.
ANN_QUERY = {"IvfSq": (40, 0), "IvfPq": (20, 5)}
# k-means training vectors per IVF partition (LanceDB's default is 256). Measured at 100K
# vectors (README): 64 built in 4.9 s with a peak of +166 MB and recall@10 0.973; 256 took
# 22.8 s, +246 MB, 0.980 (one build each; 32: 0.960).
ANN_SAMPLE_RATE = 64
# LanceDB's caches of opened indexes and file metadata are unbounded by default (GBs) and
# grow with every distinct query. At 100K chunks the indexes searched are ~52 MB on disk
# (IVF_SQ 39, FTS 8.5, BTREEs 3); these bounds keep them cached while capping the daemon's
# resident memory (README, "Measured").
INDEX_CACHE_BYTES = 40 << 20  # 32 MB: +0.7-1.5 ms p50, +2-3 ms p95 at 100K; 24 MB: +3-4 / +6
METADATA_CACHE_BYTES = 4 << 20  # 8 MB: as fast (interleaved at 100K), and it fills while editing
OPTIMIZE_FULL_FROM = 20_000  # rows; below, every optimize() runs (see optimize_due)
# Maintenance of a table this large (ANN build, optimize) runs in a child process
# (`aigentflow.context.maintenance`): at 100K vectors it peaks +108-190 MB, past the daemon's
# budget. Below, it is cheap in-process, and a child's start (~1.5 s CPU: Python, lancedb)
# would cost more than the job itself, after every drained embedding queue.
ISOLATE_FROM_ROWS = OPTIMIZE_FULL_FROM
MAINTENANCE_RETRY_S = 300.0  # after a failed maintenance child, wait this long before the next
OPTIMIZE_FRAGMENTS = 32  # small fragments (appends) that make a large table's optimize due
T = TypeVar("T")
_RETRIES = 6
_session: Any = None


def optimize_due(table: Any) -> bool:
    """Whether `table` should be optimized now. Small tables always (it is cheap). From
    `OPTIMIZE_FULL_FROM` rows on, LanceDB's optimize rewrites whole fragments and indexes:
    measured at 100K vectors, +190 MB peak memory and ~2 s CPU, which the daemon paid every
    time its embedding queue drained (each save). So large tables wait until appends pile
    up: `OPTIMIZE_FRAGMENTS` small fragments, or unindexed rows over 5% of the table."""
    stats = table.stats()
    rows = int(stats.get("num_rows", 0))
    if rows < OPTIMIZE_FULL_FROM:
        return True
    if int(stats.get("fragment_stats", {}).get("num_small_fragments", 0)) >= OPTIMIZE_FRAGMENTS:
        return True
    unindexed = max((int(getattr(i, "num_unindexed_rows", 0) or 0) for i in table.list_indices()), default=0)
    return unindexed > rows // 20


def _lancedb_session() -> Any:
    """One bounded cache session per process, shared by every store opened in it."""
    global _session
    if _session is None:
        import lancedb

        _session = lancedb.Session(
            index_cache_size_bytes=INDEX_CACHE_BYTES, metadata_cache_size_bytes=METADATA_CACHE_BYTES
        )
    return _session


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
            ("head", pa.string()),
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

    def __init__(self, uri: str, dim: int | None, model: str, *, isolate_maintenance: bool = True) -> None:
        self.uri = uri
        self.dim = dim
        self.model = model
        self.write_lock = threading.RLock()
        self._write_depth = 0
        self.chunks: Any = None
        self.generation = 0  # odd while a write to `chunks` runs; see HashRowMap
        self.hash_rows = HashRowMap(None, lambda: self.generation)  # replaced once `chunks` is open
        self.files: Any = None
        self.vectors: Any = None
        self.vector_generation = 0  # bumped by each write to `vectors`; see RowHashMap
        self.row_hashes = RowHashMap(None, lambda: self.vector_generation)  # replaced when opened
        self.vector_indexed = False  # an ANN index exists: queries then probe it
        self.vector_index_type = ""  # IvfSq (built here), or IvfPq (built by earlier versions)
        self._vectors_seen = -1  # the vectors table's version after this store's last write
        self.warnings: list[str] = []
        # maintenance of tables from this many rows on runs in a child process (None: never)
        self.isolate_from_rows: int | None = ISOLATE_FROM_ROWS if isolate_maintenance else None
        self.maintenance_python: str | None = None  # the child's interpreter (None: this one)
        self.maintenance: list[MaintenanceResult] = []  # what children did, newest last
        self.clock: Callable[[], float] = time.monotonic  # when a failed child may be retried
        self._retry_at: dict[str, float] = {}
        limit_malloc_arenas()
        try:
            self._open()
        except Exception as exc:  # any failure to open or read means corruption: rebuild
            self._rebuild(exc)

    # -- opening --------------------------------------------------------------------------

    def _open(self) -> None:
        import lancedb

        self.db = lancedb.connect(self.uri, session=_lancedb_session())
        existing = set(self.db.list_tables().tables)
        meta = self._meta(existing)
        version = meta.get("schema_version")
        if version is not None and version != str(SCHEMA_VERSION):
            logger.warning("index schema %s is not %s: re-chunking the workspace", version, SCHEMA_VERSION)
            for name in ("chunks", "files"):  # vectors are keyed by content hash: still valid
                if name in existing:
                    self.db.drop_table(name)
            existing -= {"chunks", "files"}
        self.chunks = self._table("chunks", chunk_schema(), existing)
        self.hash_rows = HashRowMap(self.chunks, lambda: self.generation)
        self.files = self._table("files", FILE_SCHEMA, existing)
        if "vectors" in existing and meta.get("model") != self.model:
            self.db.drop_table("vectors")  # vectors of another model are meaningless
            existing.discard("vectors")
        self.vectors = None
        if self.dim is not None:
            schema = pa.schema([("content_hash", pa.string()), ("vector", pa.list_(pa.float32(), self.dim))])
            self.vectors = self._table("vectors", schema, existing)
            self.row_hashes = RowHashMap(self.vectors, lambda: self.vector_generation)
            self._vectors_seen = self.vectors.version  # add_vectors: appends while it is current
        # reading every table once is what detects a damaged dataset early
        for table in (self.chunks, self.files, self.vectors):
            if table is not None:
                table.count_rows()
                table.head(1)
        self._write_meta({"schema_version": str(SCHEMA_VERSION), "model": self.model})
        try:  # an index written before the lookup indexes existed gets them now (once, ~0.2 s)
            self.ensure_lookup_indexes()
        except Exception as exc:  # never a reason to rebuild: lookups still work, by scanning
            logger.warning("index: cannot create the lookup indexes: %s", exc)

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
    def writing(self, *tables: Any) -> Iterator[None]:
        """Exclusive write access: across threads (a lock) and, for a local index, across
        processes (flock on a file beside the tables), starting from the latest version of
        `tables` (default: chunks, files, vectors) so a delete sees rows another writer just
        added. Remote URIs rely on commit retries only.

        Only a write that includes `chunks` bumps `generation` (row ids may move): adding
        vectors, every embedding batch, leaves `HashRowMap` valid, so searches keep taking
        vector hits by row id while the daemon embeds (re-reading the map after each batch
        cost ~40-140 ms of CPU and ~10 MB transient at 100K chunks)."""
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
            refreshed = tables or (self.chunks, self.files, self.vectors)
            moves_rows = any(table is self.chunks for table in refreshed)
            vectors = self.vectors is not None and any(table is self.vectors for table in refreshed)
            self._write_depth += 1
            if moves_rows:
                self.generation += 1  # odd: row ids may move from here on
            if vectors:
                self.vector_generation += 1
            try:
                for table in refreshed:
                    if table is not None:
                        table.checkout_latest()
                yield
            finally:
                if moves_rows:
                    self.generation += 1
                if vectors:
                    self.vector_generation += 1
                self._write_depth -= 1
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()

    def merge(self, what: str, table: Any, key: str, rows: pa.Table) -> None:
        def run() -> None:
            table.merge_insert(key).when_matched_update_all().when_not_matched_insert_all().execute(rows)

        with self.writing(table):
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
        """Store `vectors` (rows aligned with `hashes`, which the caller knows are not stored).

        Appended when the table is at the version this store last saw (no other writer since,
        checked under the writer lock; local indexes only), else merged on `content_hash` so
        a vector another process added meanwhile is not duplicated. Measured at 100K vectors:
        each merge reads the key column and left the process ~0.8 MB larger, +24 MB over 30
        embedding batches, where appends left +5 MB (README, "Measured")."""
        if self.vectors is None or not hashes:
            return
        flat = pa.array(vectors.astype(np.float32).ravel(), type=pa.float32())
        column = pa.FixedSizeListArray.from_arrays(flat, vectors.shape[1])
        rows = pa.Table.from_arrays(
            [pa.array(list(hashes), pa.string()), column], names=["content_hash", "vector"]
        )
        with self.writing(self.vectors):
            if _local_path(self.uri) is not None and self.vectors.version == self._vectors_seen:
                with_retries(lambda: self.vectors.add(rows), "add vectors")
            else:
                self.merge("vectors", self.vectors, "content_hash", rows)
            self._vectors_seen = self.vectors.version

    def rebuild_fts(self) -> None:
        """(Re)build the full-text index over `search_text`; rows added later are still searched.
        Also creates the lookup indexes if they are missing."""
        from lancedb.index import FTS

        with self.writing():
            if self.chunks.count_rows():
                with_retries(
                    lambda: self.chunks.create_index("search_text", config=FTS(), replace=True), "fts index"
                )
                self.ensure_lookup_indexes()

    def ensure_lookup_indexes(self) -> None:
        """BTREE indexes on `chunks.content_hash` (vector hits → their chunks, texts to embed)
        and `chunks.path` (replacing a file's chunks). Without them each such `IN (...)` filter
        scans the whole table. `optimize()` folds rows added later into them; until then those
        rows are scanned, so results never depend on whether the indexes are up to date."""
        from lancedb.index import BTree

        if self.chunks is None or not self.chunks.count_rows():
            return
        indexed = {tuple(getattr(i, "columns", ())) for i in self.chunks.list_indices()}
        missing = [c for c in LOOKUP_COLUMNS if (c,) not in indexed]
        if not missing:
            return
        with self.writing():
            for column in missing:

                def create(column: str = column) -> None:
                    self.chunks.create_index(column, config=BTree(), replace=True)

                with_retries(create, f"{column} index")

    def detect_vector_index(self) -> bool:
        """Note whether an ANN index exists, and its type (queries probe it); builds nothing."""
        if self.vectors is not None and not self.vector_indexed:
            for index in self.vectors.list_indices():
                if "vector" in getattr(index, "columns", []):
                    self.vector_indexed = True
                    self.vector_index_type = str(getattr(index, "index_type", ""))
        return self.vector_indexed

    def ensure_vector_index(self, min_rows: int) -> bool:
        """Build an IVF_SQ index over the vectors once there are `min_rows` of them (flat search
        grows linearly: ~6 ms at 6K rows, ~150 ms at 100K here). Returns whether one exists.

        IVF_SQ (int8 per dimension, √n partitions) rather than IVF_PQ, measured at 100K
        (benchmarks/index.py, README): recall@10 0.99 vs exact at 40 probes with no re-ranking,
        where IVF_PQ (48 sub-vectors) needs refine_factor 5 — reading 5xk full vectors per
        query — to get there; and it builds ~7x faster. k-means trains on `ANN_SAMPLE_RATE`
        vectors per partition. The build is the index's memory peak (+166 MB at 100K vectors),
        once, when the daemon's embedding queue first drains past `min_rows`."""
        if self.vectors is None:
            return False
        if self.detect_vector_index():
            return True
        rows = self.vectors.count_rows()
        if rows < min_rows:
            return False
        # √n partitions, given as their target size: LanceDB's optimize() keeps an IVF index's
        # partitions near the target it was built with (splitting and joining as rows come and
        # go), and for an index built by `num_partitions` it assumes thousands of rows: measured
        # at 100K vectors, the first optimize() joined 318 partitions into 4 (queries then scan
        # every code; 2.2 s CPU). Built by target size they stay ~318 (README, "Measured").
        target = rows // max(16, int(rows**0.5))
        options = {"target_partition_size": target, "sample_rate": ANN_SAMPLE_RATE}
        if not self._maintain("vector-index", "vectors", self.vectors, rows, options):
            return False
        self.vector_indexed = False
        return self.detect_vector_index()

    def optimize(self, *, force: bool = False) -> None:
        """Compact small appends and fold new rows into the indexes, for each table where that
        is due (`optimize_due`) or `force`. Rows not yet in an index are still searched,
        exactly (flat), so deferring only costs a little speed, never results."""
        tables = {"chunks": self.chunks, "files": self.files, "vectors": self.vectors}
        for name, table in tables.items():
            if table is not None and (force or optimize_due(table)):
                self._maintain("optimize", name, table, table.count_rows())

    def _maintain(
        self, job: Job, name: str, table: Any, rows: int, options: dict[str, Any] | None = None
    ) -> bool:
        """Run maintenance `job` on table `name` of `rows` rows: in a child process from
        `isolate_from_rows` rows on (the job's memory peak is then the child's), else here
        under the writer lock (only optimizing `chunks` moves chunk rows, see `writing`).
        Returns whether it ran."""
        if self.isolate_from_rows is not None and rows >= self.isolate_from_rows:
            return self._maintain_in_child(job, name, table, options)
        with self.writing(table):
            run_job(table, job, options or {})
        return True

    def _maintain_in_child(
        self, job: Job, name: str, table: Any, options: dict[str, Any] | None = None
    ) -> bool:
        """Run `job` on table `name` in a child process (`maintenance.run_in_child`) while
        holding the writer lock for it, then check out the version it committed. A failure
        is logged, never raised: the job is retried when next due, `MAINTENANCE_RETRY_S`
        later at the earliest. Returns whether it succeeded."""
        key = f"{job}:{name}"
        if self.clock() < self._retry_at.get(key, float("-inf")):
            return False
        with self.writing(table):
            current = table is self.vectors and table.version == self._vectors_seen
            try:
                result = run_in_child(self.uri, job, name, options=options, python=self.maintenance_python)
            except IndexError_ as exc:
                self._retry_at[key] = self.clock() + MAINTENANCE_RETRY_S
                logger.warning("%s; retrying in %.0f s at the earliest", exc, MAINTENANCE_RETRY_S)
                return False
            table.checkout_latest()
            if current:  # only the child wrote since our last append: appends stay appends
                self._vectors_seen = table.version
        self._retry_at.pop(key, None)
        self.maintenance.append(result)
        del self.maintenance[:-16]
        logger.info(
            "index maintenance: %s of %s in child %d, %.1f s, its peak RSS %.0f MB",
            job, name, result.pid, result.seconds, result.peak_rss_mb,
        )  # fmt: skip
        return True

    # -- reading --------------------------------------------------------------------------

    def file_rows(self) -> dict[str, dict[str, Any]]:
        rows = self.files.to_arrow().to_pylist()
        return {row["path"]: row for row in rows}

    def column(self, table: Any, name: str) -> list[Any]:
        return list(self.column_array(table, name).to_pylist())

    def column_array(self, table: Any, name: str) -> pa.Array:
        """Column `name` of every row of `table` (an empty string array without a table)."""
        if table is None:
            return pa.array([], pa.string())
        data = run_query(table, lambda t: t.query().select([name]))
        return data.column(name).combine_chunks()

    def nearest(self, vector: np.ndarray, k: int, distances: dict[str, float] | None = None) -> list[str]:
        """Content hashes of the `k` vectors nearest to `vector` by cosine, nearest first:
        exact (flat) below the ANN threshold, else the ANN index probed (and re-ranked for PQ).
        `distances`, if given, receives each hash's cosine distance (score fusion uses it;
        approximate, from the int8 codes, when IVF_SQ answered)."""
        if self.vectors is None:
            return []
        probes, refine = ANN_QUERY.get(self.vector_index_type, ANN_QUERY["IvfPq"])
        indexed = self.vector_indexed
        query = np.asarray(vector, dtype=np.float32)

        def build(table: Any) -> Any:
            builder = table.query().nearest_to(query).column("vector").distance_type("cosine")
            if indexed:
                builder = builder.nprobes(probes)
                if refine:
                    builder = builder.refine_factor(refine)
            return builder.limit(k).select(["_distance"]).with_row_id()

        found = run_query(self.vectors, build)  # row ids, not hashes: reading those cost ~1.8 ms
        row_ids = found.column("_rowid").to_numpy()
        hashes = self.row_hashes.hashes(row_ids)
        if hashes is None:  # rows the map lacks (added or compacted since it was read)
            ids = [int(i) for i in row_ids]
            taken = run_query(
                self.vectors, lambda t: t.take_row_ids(ids).select(["content_hash"]).with_row_id()
            )  # in row-id order, not the ids' order
            columns = (taken.column("_rowid").to_pylist(), taken.column("content_hash").to_pylist())
            by_id = dict(zip(*columns, strict=True))
            hashes = [by_id[i] for i in ids]
        if distances is not None:
            distances.update(zip(hashes, found.column("_distance").to_pylist(), strict=True))
        return hashes

    def full_text(
        self, text: str, k: int, columns: Sequence[str], where: str | None = None, *, row_ids: bool = False
    ) -> list[dict[str, Any]]:
        """The `k` best chunk rows by BM25 of `text` over `search_text` (with `_score`, and
        `_rowid` if `row_ids`), `where` applied before ranking."""

        def build(table: Any) -> Any:
            builder = table.query().nearest_to_text(text, columns="search_text")
            if where:
                builder = builder.where(where)  # a prefilter: ranks only matching rows
            builder = builder.limit(k).select([*columns, "_score"])
            return builder.with_row_id() if row_ids else builder

        return list(run_query(self.chunks, build).to_pylist())

    def chunks_with_hashes(
        self, hashes: Iterable[str], columns: Sequence[str], where: str | None = None
    ) -> list[dict[str, Any]]:
        """The chunk rows whose content hash is in `hashes` (any order), optionally filtered by
        `where`; by row id (`HashRowMap`), else an indexed lookup (`ensure_lookup_indexes`).
        Rows may carry `content_hash` even if `columns` lacks it."""
        if where is None:  # by row id while the content-hash map is current (~2x faster)
            taken = self.hash_rows.rows(hashes, columns)
            if taken is not None:
                return taken
        predicate = f"content_hash IN {sql_list(hashes)}"
        if where:
            predicate += f" AND {where}"
        rows = run_query(self.chunks, lambda table: table.query().where(predicate).select(list(columns)))
        return list(rows.to_pylist())

    def has_fts(self) -> bool:
        return any(getattr(i, "index_type", "") == "FTS" for i in self.chunks.list_indices())


def _local_path(uri: str) -> Path | None:
    if "://" in uri and not uri.startswith("file://"):
        return None
    return Path(uri.removeprefix("file://"))
