"""A cheap "shape" of a text for prefilters: every digit becomes 0, upper-case letter A,
lower-case letter a (ASCII; other bytes kept). Python's `re` scans at ~20-60 MB/s when a
pattern starts with a character class, but `bytes.__contains__` runs at GB/s: detectors test
a few literal shapes ("000-00-0000") first and run their exact regex only when one occurs.
"""

from __future__ import annotations

from functools import cached_property

__all__ = ["TextShape"]

_SHAPE = bytes(
    ord("0")
    if chr(b).isdigit() and b < 128
    else ord("A")
    if 65 <= b <= 90
    else ord("a")
    if 97 <= b <= 122
    else b
    for b in range(256)
)


class TextShape:
    """Lazily computed views of one text, shared by the detectors that scan it."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def raw(self) -> bytes:
        return self.text.encode("utf-8", "surrogatepass")

    @cached_property
    def shape(self) -> bytes:
        return self.raw.translate(_SHAPE)

    @cached_property
    def lower(self) -> bytes:
        return self.raw.lower()

    def has_shape(self, *needles: bytes) -> bool:
        """Whether any of these shapes (e.g. b"000-00-0000") occurs."""
        shape = self.shape
        return any(needle in shape for needle in needles)

    def has_word(self, *needles: bytes) -> bool:
        """Whether any of these lower-case byte strings occurs (case-insensitively)."""
        lower = self.lower
        return any(needle in lower for needle in needles)
