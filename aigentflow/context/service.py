"""`ContextService`: the index as the daemon holds it — opened lazily, refreshed in the background.

Building the services must stay cheap (every CLI command builds them; `import lancedb` alone
takes ~1.3 s), so nothing is opened until the first search, status or the daemon's background
task. The background task refreshes the index once, then embeds pending chunks batch by batch
in a worker thread, and sleeps until a file event brings more work. File events re-index the
saved file at once, so it is searchable (by keyword) before its chunks are embedded.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from aigentflow.context.memory import MemoryStore
from aigentflow.context.recency import EditRecency
from aigentflow.context.settings import ContextSettings
from aigentflow.context.status import IndexStatus, RefreshProgress
from aigentflow.context.text import TokenCounter
from aigentflow.events import FileChanged
from aigentflow.workspace import Workspace

if TYPE_CHECKING:  # importing the index pulls in pyarrow and numpy: only when it is opened
    from aigentflow.context.assemble import ContextBundle, ContextRequest
    from aigentflow.context.index import ChunkIndex, RefreshStats
    from aigentflow.context.search import SearchHit, SearchMode
    from aigentflow.services import Services

__all__ = ["ContextService", "attach_index"]

logger = logging.getLogger(__name__)


class ContextService:
    """One workspace's index, opened on first use. Methods without `async` block."""

    def __init__(self, workspace: Workspace, settings: ContextSettings) -> None:
        self.workspace = workspace
        self.settings = settings
        self._index: ChunkIndex | None = None
        self._open_lock = threading.Lock()
        self._wake: asyncio.Event | None = None
        self.refreshed = threading.Event()  # set after the first full refresh
        self._counter: TokenCounter | None = None
        self.recency = EditRecency()  # last edit per file: search's recency term (context/recency.py)

    @property
    def counter(self) -> TokenCounter:
        if self._counter is None:
            self._counter = TokenCounter(self.settings.token_safety_factor)
        return self._counter

    @property
    def is_open(self) -> bool:
        return self._index is not None

    @property
    def index(self) -> ChunkIndex:
        """The open index (opening it, and loading the embedding model, on first use)."""
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    from aigentflow.context.embed import resolve_embedder
                    from aigentflow.context.index import ChunkIndex

                    embedder = resolve_embedder(self.settings, self.workspace.root)
                    self._index = ChunkIndex(self.workspace, self.settings, embedder)
        return self._index

    # -- blocking API (CLI, worker threads) ---------------------------------------------

    def refresh(self, progress: Callable[[RefreshProgress], None] | None = None) -> RefreshStats:
        stats = self.index.refresh(progress)
        self.refreshed.set()
        return stats

    def ensure_indexed(self) -> None:
        """Refresh now if this process has not refreshed and the index is empty (first use
        without a daemon: CLI, tests). A running daemon refreshes in the background instead."""
        if not self.refreshed.is_set() and self.index.store.files.count_rows() == 0:
            self.refresh()

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        mode: SearchMode = "hybrid",
        language: str | None = None,
        path_glob: str | None = None,
    ) -> list[SearchHit]:
        from aigentflow.context.ranking import SearchWeights

        boost = self.settings.recency_boost  # 0: off, the default weights and no lookup
        return self.index.search(
            query,
            limit,
            mode=mode,
            language=language,
            path_glob=path_glob,
            weights=SearchWeights(
                recency_boost=boost, recency_half_life_s=self.settings.recency_half_life_hours * 3600.0
            )
            if boost
            else None,
            recency=self.recency.lookup() if boost else None,
        )

    def status(self) -> IndexStatus:
        return self.index.status()

    def symbols(self, query: str, limit: int = 100) -> list[SearchHit]:
        """Definitions by name, for workspace/symbol."""
        return self.index.symbols(query, limit)

    def memory(self, agent: str) -> MemoryStore:
        """The editable memory blocks of `agent` (persisted under .aigentflow/memory/)."""
        return MemoryStore(self.workspace.root / ".aigentflow" / "memory", agent)

    def build_context(self, request: ContextRequest, active_files: Sequence[str] = ()) -> ContextBundle:
        """Assemble `request` with the agent's budgets: active files in the high tier, the agent's
        memory blocks in working memory, index hits for the task in the retrieval tier."""
        from aigentflow.context.assemble import ContextItem, assemble

        items = list(request.items)
        for rel in active_files:
            text = self.workspace.read_text(rel)  # confined to the workspace; FileSkipped says why not
            items.append(
                ContextItem(tier="high", kind="file", title=text.path, text=text.text, path=text.path)
            )
        if request.agent:
            rendered = self.memory(request.agent).render()
            if rendered:
                items.append(ContextItem(tier="working", kind="memory", title="memory", text=rendered))

        def retrieve(query: str, limit: int) -> list[ContextItem]:
            self.ensure_indexed()
            hits = self.search(query, limit)
            return [
                ContextItem(
                    tier="retrieval",
                    kind="chunk",
                    title=f"{h.path}:{h.start_line}-{h.end_line} ({h.symbol})",
                    text=f"{h.signature}\n{h.text}" if h.signature else h.text,
                    priority=-rank,
                    path=h.path,
                )
                for rank, h in enumerate(hits)
            ]

        budgets = self.settings.budgets_for(request.agent)
        return assemble(request.model_copy(update={"items": items}), budgets, self.counter, retrieve)

    # -- daemon ---------------------------------------------------------------------------

    async def run(self) -> None:
        """The background job: refresh once, then keep embedding whatever is pending."""
        self._wake = asyncio.Event()
        if self.settings.index_on_start:
            stats = await asyncio.to_thread(self.refresh)
            logger.info(
                "index refreshed: %d files indexed, %d chunks, %.1fs",
                stats.files_indexed,
                stats.chunks_added,
                stats.seconds,
            )
        else:
            await asyncio.to_thread(lambda: self.index)
        if self.settings.recency_boost:  # file events date files either way; the seed costs a git log
            await asyncio.to_thread(self.recency.seed_from, self.workspace)
        index = self.index
        while True:
            embedded = 0
            while index.pending:
                # one batch per thread hop: search and file updates interleave between batches
                embedded += await asyncio.to_thread(index.embed_pending, 1)
            if embedded:
                await asyncio.to_thread(index.store.ensure_vector_index, self.settings.ann_min_vectors)
            self._wake.clear()
            await self._wake.wait()

    async def on_file_changed(self, event: FileChanged) -> None:
        """Re-index one changed file (bus subscriber); ignored until the index is open."""
        await self.recency.on_file_changed(event)
        if self._index is None:
            return  # the first refresh will see the file
        await asyncio.to_thread(self._index.update_paths, [event.path])
        if self._wake is not None:
            self._wake.set()

    def close(self) -> None:
        self._index = None


def attach_index(services: Services) -> ContextService:
    """Give `services` its index: lazy open, background refresh/embedding, file-event updates."""
    context = ContextService(services.workspace, services.settings.context)
    services.index = context
    services.background.append(context.run)
    services.bus.subscribe("file.changed", context.on_file_changed)
    services.closers.append(context.close)
    return context
