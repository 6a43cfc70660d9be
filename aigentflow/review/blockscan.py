"""Where a single-line pattern matches in a text, found block by block as ranges are asked for.

The analyses ask "does this function mention a source?" or "how many decision keywords does
this function hold?" for a few ranges of a file. Scanning the whole text once per pattern
makes each answer a binary search, but while a coder types, each keystroke is a new text and
only the edited function is asked about: a whole scan per keystroke would cost more than the
analysis. Blocks of lines are scanned on first use instead, so a file opened whole costs one
scan, and a keystroke costs the blocks of the edited function.

Block bounds are line starts, so a match of a pattern that never spans a line end lies in
exactly one block (and `\\b` at a bound sees a line end, as in the whole text).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Protocol

__all__ = ["BlockMatches", "Finder"]


class Finder(Protocol):
    """What is searched: a compiled `re` pattern, or a `hintscan.HeadedPattern`."""

    def finditer(self, text: str, pos: int, endpos: int) -> Iterator[re.Match[str]]: ...


_LINES_PER_BLOCK = 64


Spans = tuple[list[int], list[int]]  # sorted, disjoint [start, end) offsets: their starts, their ends


class BlockMatches:
    """Start offsets of `pattern`'s matches in `text` (lines starting at `line_starts`), found
    per block of lines on demand; matches that start inside one of the `outside` spans (e.g.
    docstrings) are left out."""

    def __init__(
        self,
        text: str,
        pattern: Finder,
        line_starts: list[int],
        outside: Spans | None = None,
    ) -> None:
        self._text = text
        self._pattern = pattern
        self._outside = outside
        self._bounds = [*line_starts[::_LINES_PER_BLOCK], len(text)]
        self._blocks: dict[int, list[int]] = {}

    def _block(self, index: int) -> list[int]:
        found = self._blocks.get(index)
        if found is None:
            begin, end = self._bounds[index], self._bounds[index + 1]
            found = [m.start() for m in self._pattern.finditer(self._text, begin, end)]
            if self._outside is not None and found:
                found = _leave_out(found, self._outside, begin, end)
            self._blocks[index] = found
        return found

    def _blocks_of(self, begin: int, end: int) -> range:
        first = max(0, bisect.bisect_right(self._bounds, begin) - 1)
        last = min(len(self._bounds) - 2, bisect.bisect_left(self._bounds, end) - 1)
        return range(first, last + 1)

    def count(self, begin: int, end: int) -> int:
        """Matches starting in text[begin:end]."""
        total = 0
        for index in self._blocks_of(begin, end):
            found = self._block(index)
            total += bisect.bisect_left(found, end) - bisect.bisect_left(found, begin)
        return total

    def any(self, begin: int, end: int) -> bool:
        """Whether a match starts in text[begin:end]."""
        for index in self._blocks_of(begin, end):
            found = self._block(index)
            k = bisect.bisect_left(found, begin)
            if k < len(found) and found[k] < end:
                return True
        return False


def _leave_out(offsets: list[int], spans: Spans, begin: int, end: int) -> list[int]:
    """`offsets` (sorted, within [begin, end)) without those inside `spans`: a binary search
    per span of the block rather than a test per offset."""
    starts, ends = spans
    kept: list[int] = []
    done = 0  # offsets[:done] are decided
    for k in range(max(0, bisect.bisect_right(starts, begin) - 1), bisect.bisect_left(starts, end)):
        if ends[k] <= begin:
            continue
        first = bisect.bisect_left(offsets, starts[k], done)
        kept.extend(offsets[done:first])
        done = max(first, bisect.bisect_left(offsets, ends[k], first))
    kept.extend(offsets[done:])
    return kept
