"""Finding a pattern only where it heads a line, fast.

A pattern anchored with `^` (re.M) is tried at every position of a text. Searching for what it
looks for instead (a keyword, a literal: the regex engine skips ahead to its first characters)
and then checking what precedes the match on its line is four to ten times faster on source
files. Lines end at \\n, \\r\\n or a lone \\r, as for Python's parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["BLANKS", "heads_of_lines", "line_ends", "line_start"]

BLANKS = re.compile(r"([ \t]*)")


def line_ends(text: str) -> list[str]:
    """The line-end characters `text` contains (searching for an absent one would scan it all)."""
    return [end for end in "\n\r" if end in text]


def line_start(text: str, offset: int, ends: list[str] | None = None) -> int:
    """Offset of the first character of the line holding `offset`."""
    ends = line_ends(text) if ends is None else ends
    return max([text.rfind(end, 0, offset) for end in ends], default=-1) + 1


def heads_of_lines(
    text: str, pattern: re.Pattern[str], lead: re.Pattern[str] = BLANKS, pos: int = 0
) -> Iterator[tuple[re.Match[str], int]]:
    """Matches of `pattern` (from `pos`) that `lead` fully matches the line in front of, each
    with the length of `lead`'s first group (the indentation)."""
    ends = line_ends(text)
    for match in pattern.finditer(text, pos):
        offset = match.start()
        before = lead.fullmatch(text, line_start(text, offset, ends), offset)
        if before is not None:
            yield match, len(before.group(1))
