"""A set of hint patterns searched fast: RE2 finds where a literal *head* occurs, and Python's
regex confirms the whole hint there.

The Python analysis asks, per function, whether its text mentions any of some thirty hints
(a source, a route, a configuration call). As one `re` alternation that costs about 20 MB/s:
the regex engine tries every alternative at almost every position. Each hint here starts with
a literal (`environ`, `@`, `debug` before its look-ahead), and RE2, a DFA, finds those heads in
one linear pass (~90 MB/s on the benchmark tree, heads of longer hints first); the Python
pattern then only has to `match` at those few positions (a look-behind still sees the text
before them). Text that is not ASCII (RE2 counts UTF-8 bytes, not characters) is searched by
the Python pattern alone. Either way the same hints are found (`tests/review/test_hintscan.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import re2

__all__ = ["HeadedPattern", "literal_head"]

_META = frozenset("[](){}*+?|^$.\\")
_ESCAPED_LITERALS = frozenset(".()[]{}*+?|^$\\@'\"-")


def literal_head(alternative: str) -> str:
    """The literal text every match of the regex `alternative` starts with (may be empty)."""
    head: list[str] = []
    index = 0
    while index < len(alternative):
        char = alternative[index]
        if char == "\\" and index + 1 < len(alternative) and alternative[index + 1] in _ESCAPED_LITERALS:
            head.append(alternative[index + 1])
            index += 2
            continue
        if char in _META:
            break
        head.append(char)
        index += 1
    if index < len(alternative) and alternative[index] in "*+?{" and head:
        head.pop()  # the last character is quantified: it may be absent or repeated
    return "".join(head)


class HeadedPattern:
    """The alternation of `alternatives`, each starting with a non-empty literal head (raises
    ValueError otherwise), with the parts of `re.Pattern`'s interface the analyses use."""

    def __init__(self, alternatives: list[str]) -> None:
        heads = {literal_head(a) for a in alternatives}
        if "" in heads:
            raise ValueError("every alternative must start with a literal")
        firsts = "".join(sorted({h[0] for h in heads}))
        # The look-ahead on first characters speeds up the Python-only path (non-ASCII text).
        self.regex = re.compile(f"(?=[{re.escape(firsts)}])(?:{'|'.join(alternatives)})")
        ordered = sorted(heads, key=lambda h: (-len(h), h))  # a longer head wins where both start
        self._heads = re2.compile("|".join(re.escape(h) for h in ordered).encode("ascii"))

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        """Matches starting in text[pos:endpos], in order (where one hint's match spans the head
        of another, both are reported: callers ask only where matches start)."""
        end = len(text) if endpos is None else endpos
        data = _ascii(text)
        if data is None:
            yield from self.regex.finditer(text, pos, end)
            return
        for head in self._heads.finditer(data, pos, end):
            match = self.regex.match(text, head.start(), end)
            if match is not None:
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


@lru_cache(maxsize=4)
def _ascii(text: str) -> bytes | None:
    """`text` as bytes when it is ASCII (offsets then agree), else None; the last few are kept
    (a file is asked about range after range)."""
    return text.encode("ascii") if text.isascii() else None
