"""Versions of files under review: the last version seen of each path, whose parsed segments
the next version reuses, and where the lines of an older version are in a newer one."""

from __future__ import annotations

import threading
from collections import OrderedDict

from aigentflow.review.python.parsing import split_lines
from aigentflow.review.python.segments import SegmentedModule, line_offsets, multiline_spans, split_segments

__all__ = ["LineMap", "segmented"]

_MAX_PATHS = 32


class LineMap:
    """Where the lines of an older version of a file are in a newer one, by segment identity."""

    def __init__(self, old: SegmentedModule, new: SegmentedModule) -> None:
        self.old = old
        counts: dict[str, int] = {}
        for segment in new.segments:
            counts[segment.text] = counts.get(segment.text, 0) + 1
        self._new_start = {s.text: s.start for s in new.segments if counts[s.text] == 1}
        # When no surviving segment moved, every line that still exists is where it was.
        self.identity = old is new or all(
            self._new_start.get(s.text, s.start) == s.start for s in old.segments
        )

    def line(self, line: int) -> int | None:
        """The new line of an old one, or None when its segment changed (or is ambiguous)."""
        if self.identity:
            return line
        segment = self.old.segments[self.old.segment_at(line)]
        start = self._new_start.get(segment.text)
        return None if start is None else start + (line - segment.start)

    def has(self, text: str) -> bool:
        return text in self._new_start


_VERSIONS: OrderedDict[str, SegmentedModule] = OrderedDict()
_LOCK = threading.Lock()


def segmented(path: str, text: str) -> SegmentedModule:
    """This version of `path`, sharing parsed segments with the previous version reviewed."""
    with _LOCK:
        previous = _VERSIONS.get(path)
        if previous is not None and previous.text == text:
            _VERSIONS.move_to_end(path)
            return previous
    lines = split_lines(text)
    reuse = {s.text: s for s in previous.segments} if previous is not None else None
    spans = multiline_spans(text)
    starts = line_offsets(lines)
    module = SegmentedModule(
        path=path,
        text=text,
        lines=lines,
        line_starts=starts,  # computed once for the split, the module and its positions
        segments=split_segments(text, lines, reuse, spans, starts),
        string_spans=spans,
    )
    if previous is not None:
        module._previous = previous.remember()
    with _LOCK:
        _VERSIONS[path] = module
        _VERSIONS.move_to_end(path)
        while len(_VERSIONS) > _MAX_PATHS:
            _VERSIONS.popitem(last=False)
    return module
