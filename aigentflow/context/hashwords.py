"""Content hashes (32 hex digits) as numbers: two uint64 words each, for maps and sets that
hold 100K of them in a few MB instead of Python strings (~80 bytes each, plus the set)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa

__all__ = ["ContentHashSet", "hash_keys", "hash_words"]

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


class ContentHashSet:
    """A set of content hashes, compact: those it starts with as sorted pairs of uint64 (16
    bytes a hash; a Python set of 100K hash strings is 12.4 MB), those added since in a set,
    merged into the arrays past `MERGE_AT`. Strings that are not 32-hex-digit hashes (tests'
    short names) are kept as strings."""

    MERGE_AT = 4096

    def __init__(self, hashes: pa.Array) -> None:
        self._high = self._low = np.zeros(0, np.uint64)
        self._strings: set[str] = set()
        self._add(hashes)

    def __len__(self) -> int:
        return len(self._high) + len(self._strings)

    def missing(self, hashes: pa.Array | Iterable[str]) -> list[str]:
        """Those of `hashes` not in the set, in order (repeats kept)."""
        array = hashes if isinstance(hashes, pa.Array) else pa.array(list(hashes), pa.string())
        strings: list[str] = array.to_pylist()
        words = hash_words(array)
        if words is None:  # some are not hashes: those cannot be in the arrays
            return [h for h in strings if h not in self._strings and not self._in_arrays(h)]
        found = self._found(*words).tolist()
        return [h for h, hit in zip(strings, found, strict=True) if not hit and h not in self._strings]

    def update(self, hashes: Iterable[str]) -> None:
        self._strings.update(hashes)
        if len(self._strings) > self.MERGE_AT:
            held, self._strings = self._strings, set()
            self._add(pa.array(list(held), pa.string()))

    def _in_arrays(self, content_hash: str) -> bool:
        words = hash_words(pa.array([content_hash], pa.string()))
        return words is not None and bool(self._found(*words)[0])

    def _found(self, high: np.ndarray, low: np.ndarray) -> np.ndarray:
        """Whether each (high, low) pair is in the arrays."""
        if not len(self._high):
            return np.zeros(len(high), dtype=bool)
        left = np.searchsorted(self._high, high, side="left")
        right = np.searchsorted(self._high, high, side="right")
        at = np.minimum(left, len(self._high) - 1)
        found: np.ndarray = (right > left) & (self._low[at] == low)
        for i in np.flatnonzero((right - left > 1) & ~found):  # a shared 64-bit prefix: rare
            found[i] = bool(np.any(self._low[left[i] : right[i]] == low[i]))
        return found

    def _add(self, hashes: pa.Array) -> None:
        """Into the arrays, or, if some are not hashes, into the strings."""
        words = hash_words(hashes)
        if words is None:
            self._strings.update(hashes.to_pylist())
            return
        high, low = np.concatenate([self._high, words[0]]), np.concatenate([self._low, words[1]])
        order = np.lexsort((low, high))
        self._high, self._low = high[order], low[order]
