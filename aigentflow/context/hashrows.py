"""`HashRowMap`: chunk content hash → LanceDB row ids, for fetching vector hits by `take`.

Vector search yields content hashes; their chunk rows were fetched with `content_hash IN
(...100 literals...)`, which costs ~12 ms at 100K chunks even with a BTREE index (SQL
planning of the list plus the take). Taking the rows by id costs about half (README,
"Measured"). The map is two sorted numpy arrays (the hash's first 64 bits, the row id):
~16 bytes a chunk, 1.6 MB at 100K.

Row ids are addresses: valid for one table version (compaction moves rows). The map records
the store's write generation (bumped when a write starts and when it ends; this process's
table objects change version only by its own writes) and is used only while that is
unchanged and no write is running; a write makes it stale, a background thread re-reads it
(~40-140 ms at 100K), and until then lookups take the `IN` path. Rows taken are checked
against the wanted hashes, so a 64-bit prefix collision can never return a wrong row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from aigentflow.context.lancequery import run_query

__all__ = ["REBUILD_AFTER", "HashRowMap", "RowHashMap", "hash_keys", "hash_words"]

logger = logging.getLogger(__name__)
# Lookups served by IN at one generation before the map is re-read: a one-shot CLI search
# never pays for reading it; a daemon pays once per quiet spell after writes.
REBUILD_AFTER = 2
_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.uint8)


def _nibbles(hashes: pa.Array) -> np.ndarray | None:
    """Each 32-hex-digit (lower-case) hash as 32 values 0-15; None if any is not such a hash."""
    if hashes.type != pa.string():
        hashes = hashes.cast(pa.string())
    if hashes.null_count:
        return None
    if len(hashes) == 0:
        return np.zeros((0, 32), dtype=np.uint8)
    offsets = np.frombuffer(hashes.buffers()[1], dtype=np.int32)[
        hashes.offset : hashes.offset + len(hashes) + 1
    ]
    if not np.all(np.diff(offsets) == 32):
        return None
    data = np.frombuffer(hashes.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    nibbles = _HEX[data.reshape(-1, 32)]
    return None if np.any(nibbles == 255) else nibbles


def _word(nibbles: np.ndarray) -> np.ndarray:
    """16 columns of nibbles as one uint64 per row (the first column most significant)."""
    words = np.zeros(len(nibbles), dtype=np.uint64)
    for column in range(16):
        words = (words << np.uint64(4)) | nibbles[:, column].astype(np.uint64)
    return words


def hash_keys(hashes: pa.Array) -> np.ndarray | None:
    """The first 64 bits of each 32-hex-digit content hash, as uint64; None if any is not
    such a hash (then the caller does without the map)."""
    nibbles = _nibbles(hashes)
    return None if nibbles is None else _word(nibbles[:, :16])


def hash_words(hashes: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Each 32-hex-digit content hash as two uint64 (its first and last 64 bits): the whole
    hash, which `f"{hi:016x}{lo:016x}"` restores; None if any is not such a hash."""
    nibbles = _nibbles(hashes)
    return None if nibbles is None else (_word(nibbles[:, :16]), _word(nibbles[:, 16:]))


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    keys: np.ndarray  # sorted uint64 hash prefixes
    row_ids: np.ndarray  # uint64, aligned with keys


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
                self._building = threading.Thread(target=self._rebuild, name=self._thread_name, daemon=True)
                self._building.start()
            return self._building

    def _missed(self, generation: int) -> None:
        """Count a lookup the map could not serve; `REBUILD_AFTER` of them at one unchanged
        generation (no write running) re-read the map in the background."""
        seen, misses = self._misses
        misses = misses + 1 if seen == generation else 1
        self._misses = (generation, misses)
        if misses >= REBUILD_AFTER and not generation % 2:
            self.rebuild_in_background()

    def _read(self) -> tuple[pa.Array, np.ndarray]:
        """Every row's content hash and row id, as the table is now."""
        data = run_query(self.table, lambda t: t.query().select(["content_hash"]).with_row_id())
        row_ids = data.column("_rowid").to_numpy().astype(np.uint64)
        return data.column("content_hash").combine_chunks(), row_ids

    def _rebuild(self) -> None:
        raise NotImplementedError


class HashRowMap(_TableMap):
    """Content hash → row ids of one LanceDB table, valid for the write generation it was read
    at (`generation()`: even when no write runs, bumped by every write's start and end)."""

    _thread_name = "hash-row-map"

    def __init__(self, table: Any, generation: Callable[[], int]) -> None:
        super().__init__(table, generation)
        self._snapshot: _Snapshot | None = None

    def rows(self, hashes: Iterable[str], columns: Sequence[str]) -> list[dict[str, Any]] | None:
        """The rows whose content hash is in `hashes`, with `columns` (content_hash included),
        taken by row id; None when the map is stale or missing (the caller then uses IN; the
        `REBUILD_AFTER`-th such lookup without writes between starts re-reading the map)."""
        taken = self.take(hashes, (), columns, self.generation())
        return None if taken is None else list(taken.values())

    def take(
        self, hashes: Iterable[str], row_ids: Iterable[int], columns: Sequence[str], generation: int
    ) -> dict[int, dict[str, Any]] | None:
        """In one LanceDB take: every row whose content hash is in `hashes`, and the rows
        `row_ids` (ids read at write generation `generation`, e.g. full-text hits), with
        `columns` (content_hash included), by row id. None when the map is stale or missing,
        or `generation` is not the current one (see `rows`)."""
        wanted = set(hashes)
        current = self.generation()
        snapshot = self._snapshot
        if snapshot is None or snapshot.generation != current or current % 2:
            self._missed(current)
            return None
        if generation != current:
            return None
        keys = hash_keys(pa.array(sorted(wanted), pa.string()))
        if keys is None:
            return None
        low = np.searchsorted(snapshot.keys, keys, side="left")
        high = np.searchsorted(snapshot.keys, keys, side="right")
        found = {int(i) for a, b in zip(low, high, strict=True) for i in snapshot.row_ids[a:b]}
        extra = set(row_ids)
        ids = sorted(found | extra)
        if not ids:
            return {}
        select = list(dict.fromkeys([*columns, "content_hash"]))
        table = run_query(self.table, lambda t: t.take_row_ids(ids).select(select).with_row_id())
        if self.generation() != current:  # written meanwhile: the ids may point elsewhere now
            return None
        rows = {int(row.pop("_rowid")): row for row in table.to_pylist()}
        # a 64-bit prefix shared by another hash must not bring its rows along
        return {i: row for i, row in rows.items() if i in extra or row["content_hash"] in wanted}

    def is_current(self) -> bool:
        """Whether lookups would be answered now (without counting a miss, as `rows` does)."""
        snapshot, generation = self._snapshot, self.generation()
        return snapshot is not None and snapshot.generation == generation and not generation % 2

    def present(self, hashes: Sequence[str]) -> set[str]:
        """Those of `hashes` that have chunk rows, per the map as last read (by their first 64
        bits; empty if it was never read): vectors of deleted chunks stay until a rebuild."""
        snapshot = self._snapshot
        keys = hash_keys(pa.array(list(hashes), pa.string())) if snapshot is not None else None
        if snapshot is None or keys is None or not len(snapshot.keys):
            return set()
        where = np.minimum(np.searchsorted(snapshot.keys, keys), len(snapshot.keys) - 1)
        return {h for h, hit in zip(hashes, snapshot.keys[where] == keys, strict=True) if hit}

    def _rebuild(self) -> None:
        try:
            generation = self.generation()
            if generation % 2:
                return  # a write is running: the next lookup retries
            hashes, row_ids = self._read()
            keys = hash_keys(hashes)
            if keys is None or self.generation() != generation:
                return  # not content hashes, or written while reading: the next lookup retries
            order = np.argsort(keys, kind="stable")
            self._snapshot = _Snapshot(generation, keys[order], row_ids[order])
        except Exception:  # a background refresh must never fail a search: lookups use IN
            logger.debug("reading the content-hash map failed", exc_info=True)


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
            hashes, row_ids = self._read()
            words = hash_words(hashes)
            if words is None:
                return  # not content hashes (tests' short names): lookups read them instead
            order = np.argsort(row_ids, kind="stable")
            self._snapshot = _RowSnapshot(generation, row_ids[order], words[0][order], words[1][order])
        except Exception:  # a background refresh must never fail a search: lookups read hashes
            logger.debug("reading the row-hash map failed", exc_info=True)
