"""`workspace/symbol`, answered from the code index (functions, methods, classes, types)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from aigentflow.errors import AigentflowError

if TYPE_CHECKING:
    from aigentflow.context.search import SearchHit
    from aigentflow.context.service import ContextService
    from aigentflow.lsp.server import AigentflowLanguageServer

__all__ = ["register", "workspace_symbols"]

MAX_SYMBOLS = 200
_KINDS = {
    "function": lsp.SymbolKind.Function,
    "method": lsp.SymbolKind.Method,
    "class": lsp.SymbolKind.Class,
    "type": lsp.SymbolKind.Struct,
    "interface": lsp.SymbolKind.Interface,
    "impl": lsp.SymbolKind.Class,
    "module": lsp.SymbolKind.Module,
}


def to_symbol(hit: SearchHit, root_uri: str) -> lsp.SymbolInformation:
    container, _, name = hit.symbol.rpartition(".")
    start = lsp.Position(line=hit.start_line - 1, character=0)
    end = lsp.Position(line=hit.end_line, character=0)  # the start of the next line: whole lines
    return lsp.SymbolInformation(
        name=name,
        kind=_KINDS.get(hit.kind, lsp.SymbolKind.Variable),
        location=lsp.Location(
            uri=f"{root_uri.rstrip('/')}/{hit.path}", range=lsp.Range(start=start, end=end)
        ),
        container_name=container or None,
    )


def _symbols(index: ContextService, query: str) -> list[SearchHit]:
    index.ensure_indexed()
    return index.symbols(query, MAX_SYMBOLS)


async def workspace_symbols(
    ls: AigentflowLanguageServer, params: lsp.WorkspaceSymbolParams
) -> list[lsp.SymbolInformation]:
    index = ls.services.index
    if index is None:
        return []
    try:
        hits = await asyncio.to_thread(_symbols, index, params.query)
    except AigentflowError as exc:
        ls.window_log_message(
            lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"workspace/symbol: {exc}")
        )
        return []
    root_uri = ls.services.workspace.root.as_uri()
    return [to_symbol(hit, root_uri) for hit in hits]


def register(ls: AigentflowLanguageServer) -> None:
    @ls.feature(lsp.WORKSPACE_SYMBOL)
    async def on_workspace_symbol(
        ls: AigentflowLanguageServer, params: lsp.WorkspaceSymbolParams
    ) -> list[lsp.SymbolInformation]:
        return await workspace_symbols(ls, params)
