"""Code-aware text for full-text search, and token counting for budgets.

Full-text search: LanceDB's tokenizer splits on punctuation and lowercases, so `parse_config`
becomes `parse config` and `parseConfig` becomes `parseconfig`; neither matches the other.
`search_text` and `search_query` therefore add, for each compound identifier, its parts and
its joined lowercase form, on both sides, so every spelling meets every other.

Token counting: `TokenCounter` counts with a WordPiece tokenizer shipped in this package
(all-MiniLM-L6-v2's `tokenizer.json`) and multiplies by a safety factor. Claude's tokenizer is
not available offline, so the bound is indirect: on code, WordPiece splits every punctuation
mark and every unknown sub-word, and counts ~10-30 % *more* tokens than byte-level BPE
tokenizers (cl100k-class), which merge common runs like `):` and `self.`; Anthropic documents
its tokenizer in the same BPE family. With the default factor 1.15 a budget is therefore
conservative for code and English; a sample far from both (long non-Latin text, base64 blobs)
can miss by more, which is why the response reserve (what the tiers leave of the window) exists.
Without `tokenizers` the count falls back to ceil(chars / 3), documented as an overestimate for code.
"""

from __future__ import annotations

import logging
import math
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

__all__ = ["TOKENIZER_PATH", "TokenCounter", "identifier_parts", "search_query", "search_text"]

logger = logging.getLogger(__name__)

TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm-tokenizer.json"

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def identifier_parts(identifier: str) -> list[str]:
    """`parseHTTPConfig_v2` -> ['parse', 'http', 'config', 'v', '2'] (lowercase, in order)."""
    return list(_parts(identifier))


@lru_cache(maxsize=65_536)  # identifiers repeat a lot within a code base
def _parts(identifier: str) -> tuple[str, ...]:
    parts: list[str] = []
    for piece in identifier.split("_"):
        parts += [p.lower() for p in _CAMEL.findall(piece)]
    return tuple(parts)


def _expansions(text: str) -> list[str]:
    extra: dict[str, None] = {}
    for ident in set(_IDENT.findall(text)):
        if ident.islower() and "_" not in ident:
            continue  # a plain word: nothing to split
        parts = _parts(ident)
        if len(parts) > 1:
            extra["".join(parts)] = None
            for part in parts:
                extra[part] = None
    return list(extra)


def search_text(path: str, symbol: str, signature: str, text: str) -> str:
    """The full-text column of a chunk: its words plus the split and joined identifiers."""
    body = f"{path} {symbol} {signature}\n{text}"
    return body + "\n" + " ".join(_expansions(body))


def search_query(query: str) -> str:
    """A user query with identifiers expanded the same way as `search_text`."""
    words = [w for w in re.split(r"[^A-Za-z0-9_]+", query) if w]
    extra = [e for e in _expansions(query) if e not in {w.lower() for w in words}]
    return " ".join([*words, *extra])


class TokenCounter:
    """Counts tokens for budgets; see the module docstring for the error bound."""

    def __init__(self, safety_factor: float = 1.15, tokenizer_path: Path = TOKENIZER_PATH) -> None:
        self.safety_factor = safety_factor
        self._tokenizer = _load_tokenizer(str(tokenizer_path))
        self.exact = self._tokenizer is not None

    def count(self, text: str) -> int:
        """Tokens in `text` (already multiplied by the safety factor, rounded up)."""
        if not text:
            return 0
        if self._tokenizer is None:
            return math.ceil(len(text) / 3)
        raw = len(self._tokenizer.encode(text, add_special_tokens=False).ids)
        return math.ceil(raw * self.safety_factor)


@cache
def _load_tokenizer(path: str) -> Any | None:
    try:
        from tokenizers import Tokenizer
    except ImportError:
        return None
    try:
        tokenizer = Tokenizer.from_file(path)
    except Exception:  # a damaged file must not stop budgeting: fall back to the estimate
        logger.warning("cannot load tokenizer %s; token counts are estimates", path)
        return None
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer
