"""One `LanguageServer` per editor connection, all sharing the daemon's services.

Features are small modules, each with `register(ls)`, loaded in the order of `FEATURES`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from aigentflow import __version__
from aigentflow.lsp import code_actions, diagnostics, execute, fix, symbols, workspace_commands
from aigentflow.lsp.session import LspSession
from aigentflow.lsp.transport import serve_lsp_stream
from aigentflow.services import Services

__all__ = ["AigentflowLanguageServer", "build_language_server", "serve_connection"]

FEATURES: tuple[Callable[[AigentflowLanguageServer], None], ...] = (
    diagnostics.register,
    code_actions.register,
    execute.register,
    symbols.register,
    fix.register,
    workspace_commands.register,
)


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, except that `exit` ends this connection instead of the process."""

    @lsp_method(lsp.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        if (user_handler := self.fm.features.get(lsp.EXIT)) is not None:
            yield user_handler, args, None
        if self.writer is not None:
            self.writer.close()


class AigentflowLanguageServer(LanguageServer):
    """A pygls server bound to the shared services and to this connection's session."""

    def __init__(self, services: Services) -> None:
        super().__init__("aigentflow", __version__, protocol_cls=_Protocol, max_workers=2)
        self.services = services
        self.session = LspSession(self, services)


def build_language_server(services: Services) -> AigentflowLanguageServer:
    ls = AigentflowLanguageServer(services)
    for register in FEATURES:
        register(ls)
    return ls


async def serve_connection(
    services: Services, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Serve one editor over one byte stream until it disconnects."""
    ls = build_language_server(services)
    try:
        await serve_lsp_stream(ls, reader, writer)
    finally:
        ls.session.close()
