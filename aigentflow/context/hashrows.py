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

__all__ = ["REBUILD_AFTER", "HashRowMap", "hash_keys"]

logger = logging.getLogger(__name__)
# Lookups served by IN at one generation before the map is re-read: a one-shot CLI search
# never pays for reading it; a daemon pays once per quiet spell after writes.
REBUILD_AFTER = 2
_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.uint8)


def hash_keys(hashes: pa.Array) -> np.ndarray | None:
    """The first 64 bits of each 32-hex-digit content hash, as uint64; None if any is not
    such a hash (then the caller does without the map)."""
    if hashes.type != pa.string():
        hashes = hashes.cast(pa.string())
    if hashes.null_count or len(hashes) == 0:
        return None if hashes.null_count else np.zeros(0, dtype=np.uint64)
    offsets = np.frombuffer(hashes.buffers()[1], dtype=np.int32)[
        hashes.offset : hashes.offset + len(hashes) + 1
    ]
    if not np.all(np.diff(offsets) == 32):
        return None
    data = np.frombuffer(hashes.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    nibbles = _HEX[data.reshape(-1, 32)[:, :16]]
    if np.any(nibbles == 255):
        return None
    keys = np.zeros(len(hashes), dtype=np.uint64)
    for column in range(16):
        keys = (keys << np.uint64(4)) | nibbles[:, column].astype(np.uint64)
    return keys


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    keys: np.ndarray  # sorted uint64 hash prefixes
    row_ids: np.ndarray  # uint64, aligned with keys


class HashRowMap:
    """Content hash → row ids of one LanceDB table, valid for the write generation it was read
    at (`generation()`: even when no write runs, bumped by every write's start and end)."""

    def __init__(self, table: Any, generation: Callable[[], int]) -> None:
        self.table = table
        self.generation = generation
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()
        self._building: threading.Thread | None = None
        self._misses = (-1, 0)  # (generation, lookups it could not serve at that generation)

    def rows(self, hashes: Iterable[str], columns: Sequence[str]) -> list[dict[str, Any]] | None:
        """The rows whose content hash is in `hashes`, with `columns` (content_hash included),
        taken by row id; None when the map is stale or missing (the caller then uses IN; the
        `REBUILD_AFTER`-th such lookup without writes between starts re-reading the map)."""
        wanted = set(hashes)
        generation = self.generation()
        snapshot = self._snapshot
        if snapshot is None or snapshot.generation != generation or generation % 2:
            seen, misses = self._misses
            misses = misses + 1 if seen == generation else 1
            self._misses = (generation, misses)
            if misses >= REBUILD_AFTER and not generation % 2:
                self.rebuild_in_background()
            return None
        keys = hash_keys(pa.array(sorted(wanted), pa.string()))
        if keys is None:
            return None
        low = np.searchsorted(snapshot.keys, keys, side="left")
        high = np.searchsorted(snapshot.keys, keys, side="right")
        ids = sorted(int(i) for a, b in zip(low, high, strict=True) for i in snapshot.row_ids[a:b])
        if not ids:
            return []
        select = list(dict.fromkeys([*columns, "content_hash"]))
        table = run_query(self.table, lambda t: t.take_row_ids(ids).select(select))
        if self.generation() != generation:  # written meanwhile: the ids may point elsewhere now
            return None
        return [row for row in table.to_pylist() if row["content_hash"] in wanted]

    def rebuild_in_background(self) -> threading.Thread:
        """Start re-reading the map unless a rebuild is already running; returns its thread."""
        with self._lock:
            if self._building is None or not self._building.is_alive():
                self._building = threading.Thread(target=self._rebuild, name="hash-row-map", daemon=True)
                self._building.start()
            return self._building

    def _rebuild(self) -> None:
        try:
            generation = self.generation()
            if generation % 2:
                return  # a write is running: the next lookup retries
            data = run_query(self.table, lambda t: t.query().select(["content_hash"]).with_row_id())
            keys = hash_keys(data.column("content_hash").combine_chunks())
            if keys is None or self.generation() != generation:
                return  # not content hashes, or written while reading: the next lookup retries
            order = np.argsort(keys, kind="stable")
            row_ids = data.column("_rowid").to_numpy().astype(np.uint64)
            self._snapshot = _Snapshot(generation, keys[order], row_ids[order])
        except Exception:  # a background refresh must never fail a search: lookups use IN
            logger.debug("reading the content-hash map failed", exc_info=True)
