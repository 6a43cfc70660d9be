"""Split a source file into chunks that each read on their own.

A chunk is a function, a method (with its class header as context), a class header, a type,
or a window of module-level lines. Syntax-aware chunkers (`chunk_python` by `ast`,
`chunk_treesitter` for JavaScript/TypeScript/Go/Rust/Java) report definition *spans*; this
module turns spans into chunks, fills the gaps with module-level windows and splits
definitions longer than `max_lines` into windows that keep the definition's signature.
Files in other languages (or that fail to parse) are cut into line windows.

Small chunks matter: MiniLM sees 256 tokens, and a 40-line window overflows that ~90 % of
the time, so whole files are never one chunk.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from functools import cached_property

__all__ = [
    "LANGUAGES",
    "Chunk",
    "Span",
    "chunk_file",
    "chunks_from_spans",
    "embed_text",
    "language_of",
    "window_chunks",
]

# file suffix -> language name; only these files are indexed
LANGUAGES: dict[str, str] = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".go": "go", ".rs": "rust", ".java": "java",
    ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".cs": "csharp",
    ".rb": "ruby", ".php": "php", ".swift": "swift", ".kt": "kotlin", ".scala": "scala",
    ".lua": "lua", ".sh": "shell", ".bash": "shell", ".sql": "sql",
    ".html": "html", ".css": "css", ".scss": "css", ".vue": "vue", ".svelte": "svelte",
    ".md": "markdown", ".rst": "rst", ".txt": "text",
    ".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".cfg": "ini", ".ini": "ini",
}  # fmt: skip
_SKIPPED_NAMES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock", "Cargo.lock")


@dataclass(frozen=True)
class Span:
    """A definition found by a syntax chunker (1-based inclusive lines)."""

    start: int
    end: int
    kind: str  # function | method | class | type | interface | impl | module
    symbol: str  # qualified where it helps: "Class.method"
    signature: str  # the definition's own header line(s)
    parent: str = ""  # the enclosing definition's header, for methods


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a file, with what it needs to be understood alone."""

    path: str  # workspace-relative POSIX path
    language: str
    symbol: str
    kind: str
    start_line: int  # 1-based, inclusive
    end_line: int
    text: str
    signature: str  # enclosing context: class header and/or the definition's signature

    @property
    def embed_text(self) -> str:
        return embed_text(self.path, self.signature, self.text)

    @cached_property
    def content_hash(self) -> str:
        """Identity of what gets embedded: the same text in the same context hashes the same."""
        return hashlib.blake2b(self.embed_text.encode("utf-8", "replace"), digest_size=16).hexdigest()

    @property
    def chunk_id(self) -> str:
        return f"{self.path}:{self.start_line}-{self.end_line}:{self.content_hash[:12]}"


def embed_text(path: str, signature: str, text: str) -> str:
    """What a reader (or model) sees of a chunk: its path, its enclosing signature, its text."""
    header = f"# {path}\n{signature}\n" if signature else f"# {path}\n"
    return header + text


def language_of(path: str) -> str | None:
    """The language of a workspace path, or None when it is not indexed."""
    name = posixpath.basename(path)
    if name in _SKIPPED_NAMES or name.endswith((".min.js", ".min.css", ".map")):
        return None
    return LANGUAGES.get(posixpath.splitext(name)[1].lower())


def chunk_file(path: str, text: str, *, max_lines: int = 60, window: int = 20) -> list[Chunk]:
    """Chunks of a file's text; [] for an unknown language. Never raises on bad syntax."""
    language = language_of(path)
    if language is None:
        return []
    lines = text.splitlines()
    spans: list[Span] | None = None
    if language == "python":
        from aigentflow.context.chunk_python import python_spans

        spans = python_spans(text)
    else:
        from aigentflow.context.chunk_treesitter import treesitter_spans

        spans = treesitter_spans(language, text)
    if spans is None:  # no parser or a parse failure: plain windows
        return window_chunks(path, language, lines, 1, len(lines), window, symbol=_module_name(path))
    return chunks_from_spans(path, language, lines, spans, max_lines=max_lines, window=window)


def chunks_from_spans(
    path: str, language: str, lines: list[str], spans: list[Span], *, max_lines: int, window: int
) -> list[Chunk]:
    """Chunks for `spans` (sorted, non-overlapping) plus module windows over the lines between them."""
    chunks: list[Chunk] = []
    module = _module_name(path)
    covered = 0  # last line covered by a top-level span
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.start > covered + 1 and not span.parent:
            chunks += window_chunks(path, language, lines, covered + 1, span.start - 1, window, symbol=module)
        chunks += _span_chunks(path, language, lines, span, max_lines)
        covered = max(covered, span.end)  # members extend their container's coverage
    if covered < len(lines):
        chunks += window_chunks(path, language, lines, covered + 1, len(lines), window, symbol=module)
    return chunks


def _span_chunks(path: str, language: str, lines: list[str], span: Span, max_lines: int) -> list[Chunk]:
    context = "\n".join(part for part in (span.parent, span.signature) if part)
    if span.end - span.start + 1 <= max_lines:
        text = "\n".join(lines[span.start - 1 : span.end])
        return [Chunk(path, language, span.symbol, span.kind, span.start, span.end, text, span.parent)]
    # a long definition: windows that each carry the signature so they still read alone
    out: list[Chunk] = []
    for start in range(span.start, span.end + 1, max_lines):
        end = min(span.end, start + max_lines - 1)
        text = "\n".join(lines[start - 1 : end])
        signature = span.parent if start == span.start else context
        out.append(Chunk(path, language, span.symbol, span.kind, start, end, text, signature))
    return out


def window_chunks(
    path: str, language: str, lines: list[str], first: int, last: int, size: int, *, symbol: str
) -> list[Chunk]:
    """Windows of `size` lines over lines first..last (1-based), skipping blank-only windows."""
    out: list[Chunk] = []
    start = first
    while start <= last:
        # do not start or end a window on blank lines: they carry nothing
        while start <= last and not lines[start - 1].strip():
            start += 1
        if start > last:
            break
        end = min(last, start + size - 1)
        while end > start and not lines[end - 1].strip():
            end -= 1
        text = "\n".join(lines[start - 1 : end])
        if any(ch.isalnum() for ch in text):  # a window of closing braces is noise
            out.append(Chunk(path, language, symbol, "module", start, end, text, ""))
        start = end + 1
    return out


def _module_name(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]
