"""MCP tools over the code index: `search_code`, `get_context`; resource `aigentflow://index/status`.

Thin: each handler validates its arguments, runs the core call in a worker thread (LanceDB
and the model block) and returns a pydantic model. Answers are bounded: at most
`MAX_LIMIT` hits, snippets of at most `SNIPPET_LINES` lines.
"""

from __future__ import annotations

import json

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from aigentflow.context.assemble import ContextBundle, ContextRequest
from aigentflow.context.ranking import SNIPPET_LINES, HitPlace
from aigentflow.context.service import ContextService
from aigentflow.errors import AigentflowError
from aigentflow.server.annotations import READ_ONLY
from aigentflow.services import Services

__all__ = ["CodeHit", "SearchCodeResult", "register"]

MAX_LIMIT = 50


class CodeHit(HitPlace):
    snippet: str = Field(description=f"The chunk's text, at most {SNIPPET_LINES} lines.")
    matched_by: list[str] = Field(description="keyword and/or vector")


class SearchCodeResult(BaseModel):
    hits: list[CodeHit]
    mode: str = Field(description="hybrid, or keyword-only while no embedding model is available")
    indexing: bool = Field(description="true while the index is still being built: results may be partial")
    pending_embeddings: int


def _index(services: Services) -> ContextService:
    if services.index is None:
        raise ToolError("the code index is not enabled in this daemon")
    return services.index


def search_code_sync(
    services: Services, query: str, limit: int, path_glob: str | None, language: str | None
) -> SearchCodeResult:
    if not query.strip():
        raise ToolError("query must not be empty")
    if not 1 <= limit <= MAX_LIMIT:
        raise ToolError(f"limit must be between 1 and {MAX_LIMIT}")
    index = _index(services)
    try:
        index.ensure_indexed()
        hits = index.search(query, limit, path_glob=path_glob, language=language)
        status = index.status()
    except AigentflowError as exc:
        raise ToolError(str(exc)) from exc
    return SearchCodeResult(
        hits=[
            CodeHit(
                **h.model_dump(include=set(HitPlace.model_fields)),
                snippet=h.snippet(),
                matched_by=h.sources,
            )
            for h in hits
        ],
        mode=status.mode,
        indexing=status.indexing,
        pending_embeddings=status.pending_embeddings,
    )


def get_context_sync(
    services: Services,
    task: str,
    agent: str | None,
    budget_tokens: int | None,
    active_files: list[str],
    errors: list[str],
) -> ContextBundle:
    if not task.strip():
        raise ToolError("task must not be empty")
    if budget_tokens is not None and not 1_000 <= budget_tokens <= 1_000_000:
        raise ToolError("budget_tokens must be between 1000 and 1000000")
    index = _index(services)
    try:
        index.ensure_indexed()
        request = ContextRequest(task=task, agent=agent, budget_tokens=budget_tokens, errors=errors)
        return index.build_context(request, active_files)
    except AigentflowError as exc:
        raise ToolError(str(exc)) from exc


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_for, services_of

    @mcp.tool(title="Search the code", annotations=READ_ONLY)
    async def search_code(
        ctx: Context[Services],
        query: str,
        limit: int = 10,
        path_glob: str | None = None,
        language: str | None = None,
    ) -> SearchCodeResult:
        """Find functions, classes and code passages in the workspace by meaning or by name
        (hybrid keyword + semantic search). `query` may be a description ("where are users
        looked up by email") or identifiers (`findUserByEmail`). `path_glob` narrows to paths
        such as "src/*.py" or a folder; `language` to python, typescript, go, rust, java, ..."""
        services = services_of(ctx)
        return await anyio.to_thread.run_sync(search_code_sync, services, query, limit, path_glob, language)

    @mcp.tool(title="Assemble context for a task", annotations=READ_ONLY)
    async def get_context(
        ctx: Context[Services],
        task: str,
        agent: str | None = None,
        budget_tokens: int | None = None,
        active_files: list[str] | None = None,
        errors: list[str] | None = None,
    ) -> ContextBundle:
        """The code context for a task within a token budget, tier by tier: the task and
        current errors (never cut), the active files (cut by whole function if too long), the
        agent's memory, and the most relevant code found in the index. `agent` selects that
        agent's configured budgets; `budget_tokens` scales them to a window size."""
        services = services_of(ctx)
        return await anyio.to_thread.run_sync(
            get_context_sync, services, task, agent, budget_tokens, active_files or [], errors or []
        )

    @mcp.resource(
        "aigentflow://index/status",
        name="index_status",
        title="Code index status",
        description="The code index: files, chunks, embedded %, model, last update, errors, indexing.",
        mime_type="application/json",
    )
    async def index_status() -> str:
        index = _index(services_for(mcp))
        status = await anyio.to_thread.run_sync(index.status)
        return json.dumps(status.model_dump(mode="json"))
