"""Workspace-wide `workspace/executeCommand` handlers: review changes, search code, index status.

Thin: each handler checks its arguments, runs the core call in a worker thread (git, LanceDB
and the review rules block) and answers plain JSON the editors read
(editors/vscode/src/results.ts, editors/neovim/lua/aigentflow/actions.lua).

- `aigentflow.reviewChanges` `[]` or `[{"rev": "HEAD~1"}]` or `[{"staged": true}]`: findings
  on the lines changed since `rev` (default HEAD: the working tree, staged or not, which is what
  the editor shows), worst first, with a summary per OWASP category.
- `aigentflow.searchCode` `[{"query": "...", "limit": 50}]`: ranked chunks of the index.
- `aigentflow.indexStatus` `[]`: the index status, or `{"available": false, "reason": ...}`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from aigentflow.context.ranking import SNIPPET_LINES
from aigentflow.context.service import ContextService
from aigentflow.errors import AigentflowError
from aigentflow.lsp import commands
from aigentflow.lsp.errors import RequestFailed, request_failed_on_error
from aigentflow.review.diff import DiffReview, review_diff

if TYPE_CHECKING:
    from aigentflow.context.search import SearchHit
    from aigentflow.lsp.server import AigentflowLanguageServer

# Command handlers annotate their first parameter with pygls' base class: pygls resolves a
# command handler's type hints at call time, and our server class would be an import cycle.

__all__ = ["MAX_FINDINGS", "MAX_LIMIT", "SNIPPET_LINES", "register"]

MAX_FINDINGS = 500
MAX_LIMIT = 200

_M = TypeVar("_M", bound=BaseModel)


class _ReviewArgs(BaseModel):
    model_config = ConfigDict(strict=True)  # extra keys are ignored: newer editors may send more

    rev: str | None = None
    staged: bool = False


class _SearchArgs(BaseModel):
    model_config = ConfigDict(strict=True)

    query: str = Field(min_length=1)
    limit: int = 50
    path_glob: str | None = None
    language: str | None = None


def _parse(model: type[_M], args: tuple[Any, ...], *, required: bool) -> _M:
    """`args` is `[]` (when not `required`) or `[{...}]`; anything else is InvalidParams."""
    if not args and not required:
        return model()
    if len(args) != 1 or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams.of(ValueError("expected one argument: an object"))
    try:
        return model.model_validate(args[0])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "argument"
        raise JsonRpcInvalidParams.of(ValueError(f"{where}: {first['msg']}")) from exc


def _review_result(review: DiffReview) -> dict[str, Any]:
    findings = sorted(review.findings, key=lambda f: (-f.severity.rank, f.path, f.line))
    return {
        "base": review.base,
        "files_reviewed": len(review.files),
        "changed_lines": review.changed_lines,
        "findings": [f.model_dump(mode="json") for f in findings[:MAX_FINDINGS]],
        "total_findings": len(findings),
        "truncated": len(findings) > MAX_FINDINGS,
        "summary": [s.model_dump(mode="json") for s in review.summary],
        "human_review": review.human_review,
    }


def _index_of(ls: AigentflowLanguageServer) -> ContextService:
    if ls.services.index is None:
        raise RequestFailed(message="the code index is not available in this server")
    return ls.services.index


def _search(index: ContextService, args: _SearchArgs) -> dict[str, Any]:
    index.ensure_indexed()  # no-op once the daemon's background refresh has run
    limit = min(max(args.limit, 1), MAX_LIMIT)
    hits = index.search(args.query, limit, path_glob=args.path_glob, language=args.language)
    status = index.status()
    return {
        "hits": [_hit(h) for h in hits],
        "mode": status.mode,
        "indexing": status.indexing,  # results may be partial while true
    }


def _hit(hit: SearchHit) -> dict[str, Any]:
    return {
        "path": hit.path,
        "start_line": hit.start_line,
        "end_line": hit.end_line,
        "name": hit.symbol,
        "kind": hit.kind,
        "language": hit.language,
        "score": hit.score,
        "snippet": hit.snippet(),
        "matched_by": hit.sources,
    }


def _status(index: ContextService) -> dict[str, Any]:
    return {"available": True, **index.status().model_dump(mode="json")}


def register(ls: AigentflowLanguageServer) -> None:
    @ls.command(commands.REVIEW_CHANGES)
    async def review_changes(server: LanguageServer, *args: Any) -> dict[str, Any]:
        parsed = _parse(_ReviewArgs, args, required=False)
        rev = None if parsed.staged else (parsed.rev or "HEAD")
        with request_failed_on_error():
            review = await asyncio.to_thread(review_diff, ls.services.workspace, ls.session.engine, rev)
        return _review_result(review)

    @ls.command(commands.SEARCH_CODE)
    async def search_code(server: LanguageServer, *args: Any) -> dict[str, Any]:
        parsed = _parse(_SearchArgs, args, required=True)
        if not parsed.query.strip():
            raise JsonRpcInvalidParams.of(ValueError("query must not be blank"))
        index = _index_of(ls)
        with request_failed_on_error():
            return await asyncio.to_thread(_search, index, parsed)

    @ls.command(commands.INDEX_STATUS)
    async def index_status(server: LanguageServer, *args: Any) -> dict[str, Any]:
        if ls.services.index is None:
            return {"available": False, "reason": "the code index is not enabled in this server"}
        try:
            return await asyncio.to_thread(_status, ls.services.index)
        except AigentflowError as exc:
            return {"available": False, "reason": str(exc)}
