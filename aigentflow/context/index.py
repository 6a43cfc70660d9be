"""`ChunkIndex`: the workspace's code index — refresh, incremental updates, embedding, search.

Refresh is incremental at two levels. A file whose size and mtime match its `files` row is not
even read; one whose bytes hash the same is not re-chunked. Embeddings are keyed by chunk
content hash, so only chunks whose text (in its context) is new are ever embedded, across
restarts, renames and branch switches. Embedding runs separately (`embed_pending`, in
batches, from a background task) and never blocks search: until a chunk is embedded it is
found by keyword only.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from aigentflow.context.chunking import Chunk, chunk_file, embed_text, language_of
from aigentflow.context.embed import Embedder, QueryCache
from aigentflow.context.hashwords import ContentHashSet
from aigentflow.context.ranking import RecencyLookup, SearchWeights, definition_line
from aigentflow.context.search import SearchHit, SearchMode, hybrid_search
from aigentflow.context.settings import ContextSettings
from aigentflow.context.status import IndexStatus, RefreshProgress
from aigentflow.context.store import FILE_SCHEMA, IndexStore, chunk_schema, sql_list, sql_str
from aigentflow.context.text import search_text
from aigentflow.errors import FileSkipped, PathOutsideWorkspace
from aigentflow.workspace import Workspace

__all__ = ["ChunkIndex", "RefreshStats"]

logger = logging.getLogger(__name__)
_BATCH_FILES = 200


@dataclass
class RefreshStats:
    """What one refresh or update did."""

    files_seen: int = 0
    files_indexed: int = 0  # re-chunked
    files_touched: int = 0  # same content, new mtime: only the files row was rewritten
    files_removed: int = 0
    chunks_added: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    path: str
    file_hash: str
    size: int
    mtime_ns: int
    chunks: list[Chunk]


class ChunkIndex:
    """The code index of one workspace. Thread-safe; blocking (call from a worker thread)."""

    def __init__(self, workspace: Workspace, settings: ContextSettings, embedder: Embedder | None) -> None:
        self.workspace = workspace
        self.settings = settings
        self.embedder = embedder
        self.queries = QueryCache(embedder) if embedder is not None else None  # query vectors
        uri = settings.index_uri
        if "://" not in uri and not Path(uri).is_absolute():
            uri = str(workspace.root / uri)
        model = embedder.name if embedder is not None else "none"
        dim = embedder.dim if embedder is not None else None
        self.store = IndexStore(uri, dim, model, isolate_maintenance=settings.isolate_maintenance)
        self.embed_calls = 0  # batches sent to the model (tests count these)
        self.embedded_chunks = 0
        self.errors: list[str] = list(self.store.warnings)
        self.last_update: float | None = None
        self.indexing = False
        self._lock = threading.Lock()  # one refresh/update at a time
        self._embedded = ContentHashSet(self.store.column_array(self.store.vectors, "content_hash"))
        self.store.detect_vector_index()
        self._pending: dict[str, None] = {}  # content hashes waiting for a vector, in order
        self._queue_unembedded(self.store.column_array(self.store.chunks, "content_hash"))

    # -- refresh ------------------------------------------------------------------------

    def refresh(self, progress: Callable[[RefreshProgress], None] | None = None) -> RefreshStats:
        """Bring the index in line with the workspace on disk."""
        with self._lock:
            self.indexing = True
            try:
                return self._refresh(progress)
            finally:
                self.indexing = False

    def _refresh(self, progress: Callable[[RefreshProgress], None] | None) -> RefreshStats:
        started = time.monotonic()
        stats = RefreshStats()
        known = self.store.file_rows()
        paths = [p for p in self.workspace.walk() if language_of(p.name) is not None]
        seen: set[str] = set()
        batch: list[_Pending] = []
        touched: list[dict[str, Any]] = []
        for number, path in enumerate(paths, 1):
            rel = path.relative_to(self.workspace.root).as_posix()
            seen.add(rel)
            stats.files_seen += 1
            self._examine(rel, path, known.get(rel), batch, touched, stats)
            if len(batch) >= _BATCH_FILES:
                self._write(batch, stats)
                batch = []
            if progress is not None and (number % 50 == 0 or number == len(paths)):
                progress(RefreshProgress(number, len(paths), stats.chunks_added, time.monotonic() - started))
        self._write(batch, stats)
        if touched:
            self.store.merge("files", self.store.files, "path", pa.Table.from_pylist(touched, FILE_SCHEMA))
        gone = sorted(set(known) - seen)
        if gone:
            self.store.forget_files(gone)
            stats.files_removed = len(gone)
        if stats.files_indexed or gone or not self.store.has_fts():
            self.store.rebuild_fts()
            self.store.optimize()
        return self._finish(stats, started)

    def update_paths(self, rels: Iterable[str]) -> RefreshStats:
        """Re-index these workspace-relative paths (changed, added or deleted) right away, and
        start re-reading the content-hash map if searches have used it (after a save the
        searches would otherwise fetch rows from LanceDB until two of them had missed it; a
        bulk `refresh` leaves that to the misses, as its writes follow one another)."""
        with self._lock:
            started = time.monotonic()
            stats = RefreshStats()
            known = self.store.file_rows()
            batch: list[_Pending] = []
            touched: list[dict[str, Any]] = []
            gone: list[str] = []
            for rel in rels:
                path = self._live_path(rel)
                if path is None:
                    if rel in known:
                        gone.append(rel)
                    continue
                stats.files_seen += 1
                self._examine(rel, path, known.get(rel), batch, touched, stats)
            self._write(batch, stats)
            if touched:
                self.store.merge(
                    "files", self.store.files, "path", pa.Table.from_pylist(touched, FILE_SCHEMA)
                )
            if gone:
                self.store.forget_files(gone)
                stats.files_removed = len(gone)
            if self.store.hash_rows.was_read():  # searches use it: re-read it now, not on misses
                self.store.hash_rows.rebuild_in_background()
            return self._finish(stats, started)

    def _live_path(self, rel: str) -> Path | None:
        try:
            path = self.workspace.resolve(rel)
        except PathOutsideWorkspace:
            return None
        if not path.is_file() or language_of(path.name) is None or self.workspace.is_ignored(path):
            return None
        return path

    def _examine(
        self,
        rel: str,
        path: Path,
        row: dict[str, Any] | None,
        batch: list[_Pending],
        touched: list[dict[str, Any]],
        stats: RefreshStats,
    ) -> None:
        try:
            info = path.stat()
        except OSError:
            return
        if row is not None and row["size"] == info.st_size and row["mtime_ns"] == info.st_mtime_ns:
            return  # unchanged since it was indexed: not even read
        try:
            text = self.workspace.read_text(path).text
        except FileSkipped as exc:
            if row is not None:  # it was indexed and is now binary or too large: it leaves
                batch.append(_Pending(rel, "skipped", info.st_size, info.st_mtime_ns, []))
            logger.debug("%s", exc)
            return
        file_hash = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).hexdigest()
        if row is not None and row["file_hash"] == file_hash:
            touched.append({**row, "size": info.st_size, "mtime_ns": info.st_mtime_ns})
            stats.files_touched += 1
            return
        chunks = chunk_file(
            rel, text, max_lines=self.settings.max_chunk_lines, window=self.settings.window_lines
        )[: self.settings.max_file_chunks]
        batch.append(_Pending(rel, file_hash, info.st_size, info.st_mtime_ns, chunks))

    def _write(self, batch: list[_Pending], stats: RefreshStats) -> None:
        if not batch:
            return
        now = time.time()
        chunk_rows: list[dict[str, Any]] = []
        file_rows: list[dict[str, Any]] = []
        for item in batch:
            for chunk in item.chunks:
                chunk_rows.append(_chunk_row(chunk))
            file_rows.append(
                {
                    "path": item.path,
                    "file_hash": item.file_hash,
                    "size": item.size,
                    "mtime_ns": item.mtime_ns,
                    "chunks": len(item.chunks),
                    "indexed_at": now,
                }
            )
        self.store.replace_files(
            [item.path for item in batch],
            pa.Table.from_pylist(chunk_rows, chunk_schema()),
            pa.Table.from_pylist(file_rows, FILE_SCHEMA),
        )
        stats.files_indexed += len(batch)
        stats.chunks_added += len(chunk_rows)
        self._queue_unembedded(row["content_hash"] for row in chunk_rows)

    def _finish(self, stats: RefreshStats, started: float) -> RefreshStats:
        stats.seconds = time.monotonic() - started
        self.last_update = time.time()
        return stats

    # -- embedding ----------------------------------------------------------------------

    def _queue_unembedded(self, hashes: pa.Array | Iterable[str]) -> None:
        if self.embedder is None:
            return
        for content_hash in self._embedded.missing(hashes):
            self._pending[content_hash] = None

    @property
    def pending(self) -> int:
        return len(self._pending)

    def embed_pending(self, max_batches: int | None = None) -> int:
        """Embed waiting chunks, `settings.embed_batch` at a time; returns how many were embedded."""
        if self.embedder is None:
            return 0
        done = 0
        batches = 0
        while self._pending and (max_batches is None or batches < max_batches):
            hashes = list(self._pending)[: self.settings.embed_batch]
            texts = self._texts_of(hashes)
            live = [h for h in hashes if h in texts]  # a chunk deleted meanwhile needs no vector
            if live:
                vectors = self.embedder.embed([texts[h] for h in live])
                self.embed_calls += 1
                self.store.add_vectors(live, vectors)
                self._embedded.update(live)
            for content_hash in hashes:
                self._pending.pop(content_hash, None)
            done += len(live)
            batches += 1
        self.embedded_chunks += done
        if done and not self._pending:
            self.store.optimize()  # many small appends slow vector search until compacted
        return done

    def _texts_of(self, hashes: list[str]) -> dict[str, str]:
        where = f"content_hash IN {sql_list(hashes)}"
        rows = self.store.chunks.search().where(where).select(["content_hash", "path", "signature", "text"])
        return {
            r["content_hash"]: embed_text(r["path"], r["signature"], r["text"])
            for r in rows.limit(None).to_list()
        }

    # -- reading ------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        mode: SearchMode = "hybrid",
        language: str | None = None,
        path_glob: str | None = None,
        weights: SearchWeights | None = None,
        recency: RecencyLookup | None = None,
    ) -> list[SearchHit]:
        """Ranked chunks for a natural-language or identifier query (see `context.search`)."""
        embedder = self.queries if len(self._embedded) else None
        return hybrid_search(
            self.store,
            embedder,
            query,
            limit,
            mode=mode,
            language=language,
            path_glob=path_glob,
            weights=weights,
            recency=recency,
        )

    def symbols(self, query: str, limit: int = 100) -> list[SearchHit]:
        """Definitions whose name contains `query` (case-insensitive; a dotted query matches the
        qualified name), exact names first."""
        where = "kind != 'module'"
        needle = query.strip().lower()
        if needle:
            pattern = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where += f" AND lower(symbol) LIKE {sql_str('%' + pattern + '%')}"
        columns = ["id", "path", "language", "symbol", "kind", "start_line", "end_line", "signature"]
        rows = self.store.chunks.search().where(where).select(columns).limit(limit * 4).to_list()
        seen: set[tuple[str, str]] = set()
        unique = []
        for row in rows:  # a long definition is several windows: report it once, at its start
            key = (row["path"], row["symbol"])
            name = row["symbol"] if "." in needle else row["symbol"].rsplit(".", 1)[-1]
            if key not in seen and needle in name.lower():  # "server" must not list HttpServer.listen
                seen.add(key)
                unique.append(row)
        last = [r["symbol"].rsplit(".", 1)[-1].lower() for r in unique]
        order = sorted(
            range(len(unique)), key=lambda i: (last[i] != needle, len(unique[i]["symbol"]), unique[i]["path"])
        )
        return [
            SearchHit(**{**unique[i], "text": "", "score": 0.0, "chunk_id": unique[i]["id"]})
            for i in order[:limit]
        ]

    def status(self) -> IndexStatus:
        chunks = self.store.chunks.count_rows()
        waiting = min(len(self._pending), chunks)
        return IndexStatus(
            uri=self.store.uri,
            files=self.store.files.count_rows(),
            chunks=chunks,
            embedded_percent=round(100.0 * (chunks - waiting) / chunks, 1)
            if chunks and self.embedder
            else 0.0,
            pending_embeddings=len(self._pending),
            model=self.embedder.name if self.embedder is not None else None,
            mode="hybrid" if self.embedder is not None else "keyword-only",
            indexing=self.indexing,
            last_update=self.last_update,
            errors=self.errors[-10:],
        )


def _chunk_row(chunk: Chunk) -> dict[str, Any]:
    return {
        "id": chunk.chunk_id,
        "path": chunk.path,
        "language": chunk.language,
        "symbol": chunk.symbol,
        "kind": chunk.kind,
        "start_line": chunk.start_line,
        "end_line": chunk.end_line,
        "signature": chunk.signature,
        "head": definition_line(chunk.text),
        "text": chunk.text,
        "content_hash": chunk.content_hash,
        "search_text": search_text(chunk.path, chunk.symbol, chunk.signature, chunk.text),
    }
