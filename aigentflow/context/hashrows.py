"""Row maps of the index's tables, read into memory for fast searches.

`HashRowMap`: chunk content hash → LanceDB row ids, and each chunk row's ranking fields (path,
symbol, kind, lines, definition line: `RANKING_COLUMNS`) by row id. A search fetches its
candidates' ranking fields from here, fuses, and reads from LanceDB only the text and
signature of the hits it returns (`hit_columns`): at 100K chunks taking ~100 candidate rows
with their text cost p50 5.0 / p95 10.3 ms, ten rows' text 1.4 / 1.6 (README, "Measured").
Paths and kinds are dictionary-encoded, content hashes held as two uint64: ~100 bytes a
chunk of unique code (~12 MB at 100K), read whole in ~0.1 s.

Row ids are addresses: valid for one table version (compaction moves rows). The map records
the store's write generation (bumped when a write starts and when it ends; this process's
table objects change version only by its own writes) and is used only while that is
unchanged and no write is running; a write makes it stale, a background thread re-reads it
(the rows the write added; the others are carried over, `HashRowMap._carried`), and until
then searches fetch rows from LanceDB (`content_hash IN (...)`). Rows taken by hash are
checked against the wanted hashes, so a 64-bit prefix collision can never return a wrong
row; ranking rows are matched by the whole hash.

`RowHashMap`: vector row id → content hash (below).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aigentflow.context.hashwords import hash_keys, hash_words
from aigentflow.context.heap import trim_heap
from aigentflow.context.lancequery import run_query, scan_batches

__all__ = [
    "HIT_COLUMNS",
    "RANKING_COLUMNS",
    "REBUILD_AFTER",
    "HashRowMap",
    "RowHashMap",
]

logger = logging.getLogger(__name__)
# Lookups served by IN at one generation before the map is re-read: a one-shot CLI search
# never pays for reading it; a daemon pays once per quiet spell after writes.
REBUILD_AFTER = 2
# What ranking reads of a chunk row besides its content hash (`ranking.fuse`; `id` and
# `language` are derived): held in memory by `HashRowMap`, the hits' other columns are read
# per search (`HIT_COLUMNS`).
RANKING_COLUMNS = ("path", "symbol", "kind", "start_line", "end_line", "head")
HIT_COLUMNS = ("signature", "text")
_DICTIONARY = ("path", "kind")  # few distinct values: a path has ~25 chunks, there are 4 kinds
_REREAD_LOCK = threading.Lock()  # see _TableMap._reread
_SCAN_BATCH = 16_384  # rows per batch of a map's read (see _Parts)
_MAX_PIECES = 16  # pieces of HashRowMap's ranking table before those added are merged (a


# take from ~100 pieces cost ~20x one from one)
@dataclass(frozen=True)
class _Snapshot:
    generation: int
    keys: np.ndarray  # sorted uint64 hash prefixes
    row_ids: np.ndarray  # uint64, aligned with keys
    ranked_ids: np.ndarray  # sorted uint64 row ids
    ranking: pa.Table  # RANKING_COLUMNS, hash_high, hash_low (and rows deleted since read)
    positions: np.ndarray  # int64, aligned with ranked_ids: each row's row in `ranking`


class _TableMap:
    """A map read from one LanceDB table for a write generation, re-read on a thread."""

    _thread_name = "table-map"

    def __init__(self, table: Any, generation: Callable[[], int]) -> None:
        self.table = table
        self.generation = generation
        self._lock = threading.Lock()
        self._building: threading.Thread | None = None
        self._misses = (-1, 0)  # (generation, lookups it could not serve at that generation)

    def rebuild_in_background(self) -> threading.Thread:
        """Start re-reading the map unless a rebuild is already running; returns its thread."""
        with self._lock:
            if self._building is None or not self._building.is_alive():
                self._building = threading.Thread(target=self._reread, name=self._thread_name, daemon=True)
                self._building.start()
            return self._building

    def _reread(self) -> None:
        """`_rebuild`, one map at a time in the process, its freed buffers then returned to
        the OS: a read's transient is ~2x the map (scan buffers, copies), and both maps are
        re-read after the same write. Measured at 100K, a save: each +20-38 MB for ~0.1 s,
        together +50 MB over the daemon's resident size (README)."""
        with _REREAD_LOCK:
            self._rebuild()
            trim_heap()

    def _missed(self, generation: int) -> None:
        """Count a lookup the map could not serve; `REBUILD_AFTER` of them at one unchanged
        generation (no write running) re-read the map in the background."""
        seen, misses = self._misses
        misses = misses + 1 if seen == generation else 1
        self._misses = (generation, misses)
        if misses >= REBUILD_AFTER and not generation % 2:
            self.rebuild_in_background()

    def _rebuild(self) -> None:
        raise NotImplementedError


class HashRowMap(_TableMap):
    """Content hash → row ids of one LanceDB table, and each row's `RANKING_COLUMNS` by row
    id, valid for the write generation it was read at (`generation()`: even when no write
    runs, bumped by every write's start and end)."""

    _thread_name = "hash-row-map"

    def __init__(self, table: Any, generation: Callable[[], int]) -> None:
        super().__init__(table, generation)
        self._snapshot: _Snapshot | None = None

    def rows(self, hashes: Iterable[str], columns: Sequence[str]) -> list[dict[str, Any]] | None:
        """The rows whose content hash is in `hashes`, with `columns` (content_hash included),
        taken by row id; None when the map is stale or missing (the caller then uses IN; the
        `REBUILD_AFTER`-th such lookup without writes between starts re-reading the map)."""
        snapshot = self._current()
        if snapshot is None:
            return None
        wanted = set(hashes)
        ids = {i for found in self._ids_by_hash(snapshot, sorted(wanted)) for i in found}
        taken = self._take(ids, list(dict.fromkeys([*columns, "content_hash"])), snapshot.generation)
        if taken is None:
            return None
        # a 64-bit prefix shared by another hash must not bring its rows along
        return [row for row in taken.values() if row["content_hash"] in wanted]

    def ranking_rows(
        self, hashes: Sequence[str], row_ids: Iterable[int], generation: int, *, limit: int | None = None
    ) -> dict[int, dict[str, Any]] | None:
        """From memory, by row id (with `_rowid`): the `RANKING_COLUMNS` of the rows whose
        content hash is in `hashes` (taken in order, hash by hash, until `limit` rows) and of
        the rows `row_ids` (ids read at write generation `generation`, e.g. full-text hits).
        None when the map is stale, or `generation` is not the one it was read at."""
        snapshot = self._current()
        if snapshot is None or generation != snapshot.generation:
            return None
        wanted: set[str] = set()
        extra = set(row_ids)
        ids = set(extra)
        taken = 0
        for content_hash, found in zip(hashes, self._ids_by_hash(snapshot, hashes), strict=True):
            if limit is not None and taken >= limit:
                break
            wanted.add(content_hash)
            ids.update(found)
            taken += len(found)
        ordered = np.array(sorted(ids), dtype=np.uint64)
        where = np.searchsorted(snapshot.ranked_ids, ordered)
        if len(ordered) and (
            where.max() >= len(snapshot.ranked_ids) or np.any(snapshot.ranked_ids[where] != ordered)
        ):
            return None  # an id the map does not hold: not read at this generation after all
        rows = snapshot.ranking.take(pa.array(snapshot.positions[where])).to_pylist()
        found_rows = {}
        for row_id, row in zip(ordered.tolist(), rows, strict=True):
            row["content_hash"] = f"{row.pop('hash_high'):016x}{row.pop('hash_low'):016x}"
            if row_id in extra or row["content_hash"] in wanted:
                row["_rowid"] = row_id
                found_rows[row_id] = row
        return found_rows

    def hit_columns(self, row_ids: Sequence[int], generation: int) -> dict[int, dict[str, Any]] | None:
        """The `HIT_COLUMNS` of rows `row_ids` (read at write generation `generation`), taken
        from LanceDB by row id; None if the table was written since (the ids may point
        elsewhere now)."""
        return self._take(set(row_ids), list(HIT_COLUMNS), generation)

    def was_read(self) -> bool:
        """Whether the map has been read (searches use it), current or not."""
        return self._snapshot is not None

    def is_current(self) -> bool:
        """Whether lookups would be answered now (without counting a miss, as `rows` does)."""
        snapshot, generation = self._snapshot, self.generation()
        return snapshot is not None and snapshot.generation == generation and not generation % 2

    def _current(self) -> _Snapshot | None:
        """The snapshot if it is of the current generation and no write runs; else None, the
        miss counted (see `_missed`)."""
        current = self.generation()
        snapshot = self._snapshot
        if snapshot is None or snapshot.generation != current or current % 2:
            self._missed(current)
            return None
        return snapshot

    @staticmethod
    def _ids_by_hash(snapshot: _Snapshot, hashes: Sequence[str]) -> list[list[int]]:
        """Per hash (aligned), the row ids of the rows whose hash shares its first 64 bits."""
        keys = hash_keys(pa.array(list(hashes), pa.string()))
        if keys is None:
            return [[] for _ in hashes]
        low = np.searchsorted(snapshot.keys, keys, side="left")
        high = np.searchsorted(snapshot.keys, keys, side="right")
        return [snapshot.row_ids[a:b].tolist() for a, b in zip(low, high, strict=True)]

    def _take(
        self, ids: Sequence[int] | set[int], columns: list[str], generation: int
    ) -> dict[int, dict[str, Any]] | None:
        """Rows `ids` with `columns`, by row id, if the table is still at `generation`."""
        if self.generation() != generation:
            return None
        ordered = sorted(ids)
        if not ordered:
            return {}
        table = run_query(self.table, lambda t: t.take_row_ids(ordered).select(columns).with_row_id())
        if self.generation() != generation:  # written meanwhile: the ids may point elsewhere now
            return None
        return {int(row.pop("_rowid")): row for row in table.to_pylist()}

    def _rebuild(self) -> None:
        try:
            generation = self.generation()
            if generation % 2:
                return  # a write is running: the next lookup retries
            parts = _Parts.scan(self.table, ())
            if parts.invalid or self.generation() != generation:
                return  # not content hashes, or written while reading: the next lookup retries
            row_ids, high, low, _ = parts.finish()
            del parts
            old = self._snapshot  # stale (searches ignore it), and the source of most rows
            fields = self._carried(old, row_ids, high, low) if old is not None else None
            del old
            if fields is not None and fields[0].num_rows - len(row_ids) > len(row_ids) // 10:
                self._snapshot = None  # stale: freed column by column as the copy is made
                fields = (_compacted(*fields), np.arange(len(row_ids)))  # live rows, one piece
            elif fields is not None and fields[0].column(0).num_chunks > _MAX_PIECES:
                fields = (_merged_pieces(fields[0]), fields[1])
            if fields is None:  # a whole read: the first, or after compaction moved every row
                self._snapshot = None  # its memory is free for the read
                parts = _Parts.scan(self.table, RANKING_COLUMNS)
                if parts.invalid or self.generation() != generation:
                    return
                row_ids, high, low, ranking = parts.finish()
                fields = (_with_hashes(ranking, high, low), np.arange(len(row_ids)))
            if self.generation() != generation:
                return
            order = np.argsort(high, kind="stable")
            self._snapshot = _Snapshot(generation, high[order], row_ids[order], row_ids, *fields)
        except Exception:  # a background refresh must never fail a search: lookups use IN
            logger.debug("reading the content-hash map failed", exc_info=True)

    def _carried(
        self, old: _Snapshot, row_ids: np.ndarray, high: np.ndarray, low: np.ndarray
    ) -> tuple[pa.Table, np.ndarray] | None:
        """The ranking table and positions for `row_ids` (sorted) from the `old` map plus the
        rows it lacks, taken by row id; None if that is most rows (after compaction). A write
        deletes rows and appends new ones at new row ids: a save re-reads only its own rows
        (measured at 100K: +8-11 MB for ~0.03 s, where a whole read took +20-25 MB and
        ~0.08 s; README). Rows deleted since stay in the table until they are a tenth of it
        (the caller then copies the live rows, `_compacted`); the pieces added are merged
        into one past `_MAX_PIECES` (`_merged_pieces`)."""
        where = np.minimum(np.searchsorted(old.ranked_ids, row_ids), max(len(old.ranked_ids) - 1, 0))
        known = old.ranked_ids[where] == row_ids if len(old.ranked_ids) else np.zeros(len(row_ids), bool)
        fresh = row_ids[~known]
        if len(fresh) > max(1_000, len(row_ids) // 20):
            return None
        positions = np.empty(len(row_ids), dtype=np.int64)
        positions[known] = old.positions[where[known]]
        ranking = old.ranking
        if len(fresh):
            ids = fresh.tolist()
            taken = run_query(
                self.table, lambda t: t.take_row_ids(ids).select(list(RANKING_COLUMNS)).with_row_id()
            )
            taken = taken.sort_by("_rowid")
            if not np.array_equal(taken.column("_rowid").to_numpy().astype(np.uint64), fresh):
                return None  # rows gone meanwhile: a whole read sorts it out
            columns = {name: _held(name, taken.column(name).combine_chunks()) for name in RANKING_COLUMNS}
            added = _with_hashes(pa.table(columns), high[~known], low[~known])
            positions[~known] = ranking.num_rows + np.arange(len(fresh))
            ranking = pa.concat_tables([ranking, added.cast(ranking.schema)])
        return ranking, positions


def _merged_pieces(ranking: pa.Table) -> pa.Table:
    """`ranking` in two pieces: its first (the last whole read) as it is, and every piece
    added since merged into one. Rows keep their positions; only the small pieces are copied."""
    columns = {}
    for name in ranking.column_names:
        column = ranking.column(name)
        columns[name] = pa.chunked_array([column.chunk(0), pa.concat_arrays(column.chunks[1:])])
    return pa.table(columns)


def _compacted(ranking: pa.Table, positions: np.ndarray) -> pa.Table:
    """`ranking`'s rows at `positions`, one chunk a column, built column by column, each
    source column freed once copied if nothing else holds it (the whole table taken at once,
    the old map kept meanwhile, peaked +15-17 MB at 100K and left the heap ~6 MB larger)."""
    where = pa.array(positions)
    columns = {}
    for name in ranking.column_names:
        columns[name] = ranking.column(name).combine_chunks().take(where)
        ranking = ranking.drop_columns([name])
    return pa.table(columns)


def _held(name: str, column: pa.Array) -> pa.Array:
    """A ranking column as the map holds it: `_DICTIONARY` ones dictionary-encoded."""
    return pc.dictionary_encode(column) if name in _DICTIONARY else column


def _with_hashes(ranking: pa.Table, high: np.ndarray, low: np.ndarray) -> pa.Table:
    ranking = ranking.append_column("hash_high", pa.array(high, pa.uint64()))
    return ranking.append_column("hash_low", pa.array(low, pa.uint64()))


class _Parts:
    """A map's columns gathered batch by batch from a scan of its table, as the map holds
    them: each row's id, its content hash as two uint64, `columns` (`_DICTIONARY` ones
    dictionary-encoded). Measured at 100K (README): a map read whole peaked ~+40 MB over the
    resident size, in scan batches of `_SCAN_BATCH` rows ~+25."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.invalid = False
        self.row_ids: list[np.ndarray] = []
        self.high: list[np.ndarray] = []
        self.low: list[np.ndarray] = []
        self.columns: dict[str, list[pa.Array]] = {name: [] for name in columns}

    @classmethod
    def scan(cls, table: Any, columns: Sequence[str]) -> _Parts:
        """Every row of `table`, as the table is now."""
        parts = cls(columns)
        select = [*columns, "content_hash"]
        scan_batches(table, lambda t: t.query().select(select).with_row_id(), parts.add, _SCAN_BATCH)
        return parts

    def add(self, batch: pa.RecordBatch) -> None:
        words = None if self.invalid else hash_words(batch.column("content_hash"))
        if words is None:
            self.invalid = True  # not content hashes (tests' short names): lookups use IN
            return
        self.high.append(words[0])
        self.low.append(words[1])
        self.row_ids.append(batch.column("_rowid").to_numpy().astype(np.uint64))
        for name, chunks in self.columns.items():
            chunks.append(batch.column(name))

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Table]:
        """Row ids (sorted), each row's hash high and low words, and `columns`, aligned."""
        empty = np.zeros(0, np.uint64)
        row_ids = np.concatenate(self.row_ids) if self.row_ids else empty
        high = np.concatenate(self.high) if self.high else empty
        low = np.concatenate(self.low) if self.low else empty
        order = np.argsort(row_ids, kind="stable")  # a scan reads in row-id order: then a no-op
        in_order = bool(np.all(order == np.arange(len(order))))
        columns: dict[str, pa.Array] = {}
        for name in list(self.columns):  # one chunk a column: a take from ~100 cost ~20x more
            chunks = self.columns.pop(name)
            column = _held(name, pa.concat_arrays(chunks) if chunks else pa.array([], pa.string()))
            del chunks
            columns[name] = column if in_order else column.take(pa.array(order))
        return row_ids[order], high[order], low[order], pa.table(columns)


@dataclass(frozen=True)
class _RowSnapshot:
    generation: int
    row_ids: np.ndarray  # sorted uint64
    high: np.ndarray  # uint64: each row's content hash, first 64 bits
    low: np.ndarray  # and last 64 bits


class RowHashMap(_TableMap):
    """Row id → content hash of the `vectors` table: ANN hits come back as row ids and
    distances, and their hashes are looked up here instead of being read from LanceDB
    (measured at 100K vectors: the ANN query took p50 4.8 ms reading `content_hash` for 100
    hits, 3.0 without; README). 24 bytes a vector, 2.4 MB at 100K.

    Never wrong, only incomplete: a row id is a (fragment, offset) address and Lance never
    reuses fragment ids within a table, so an id the map holds names the same row in every
    later version (until compaction retires it). Ids it lacks (rows added or compacted since
    it was read) make `hashes` answer None; the caller then reads the hashes. Such a miss at
    an unchanged write generation, `REBUILD_AFTER` times, re-reads the map in the background.
    The map is dropped with the store (a table recreated from scratch restarts its ids)."""

    _thread_name = "row-hash-map"

    def __init__(self, table: Any, generation: Callable[[], int]) -> None:
        super().__init__(table, generation)
        self._snapshot: _RowSnapshot | None = None

    def hashes(self, row_ids: np.ndarray) -> list[str] | None:
        """The content hashes of `row_ids` (aligned); None unless the map holds them all."""
        snapshot = self._snapshot
        if snapshot is not None and len(snapshot.row_ids):
            ids = np.asarray(row_ids, dtype=np.uint64)
            where = np.minimum(np.searchsorted(snapshot.row_ids, ids), len(snapshot.row_ids) - 1)
            if np.array_equal(snapshot.row_ids[where], ids):
                high, low = snapshot.high[where].tolist(), snapshot.low[where].tolist()
                return [f"{h:016x}{lo:016x}" for h, lo in zip(high, low, strict=True)]
        self._missed(self.generation())
        return None

    def _rebuild(self) -> None:
        try:
            generation = self.generation()
            parts = _Parts.scan(self.table, ())
            if parts.invalid:
                return  # not content hashes (tests' short names): lookups read them instead
            row_ids, high, low, _ = parts.finish()
            self._snapshot = _RowSnapshot(generation, row_ids, high, low)
        except Exception:  # a background refresh must never fail a search: lookups read hashes
            logger.debug("reading the row-hash map failed", exc_info=True)
