"""workspace/symbol through a real LSP client (pytest-lsp) driving `aigentflow lsp --standalone`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.helpers import AIGENTFLOW

from .conftest import SAMPLE_FILES, write_files


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[*AIGENTFLOW, "lsp", "--standalone"],
        server_env={"AIGENTFLOW_CONTEXT__EMBEDDER": "none"},
    ),
)
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    write_files(workspace, SAMPLE_FILES)
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_workspace_symbol_finds_methods_with_their_class_and_location(
    client: LanguageClient, workspace: Path
) -> None:
    result = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="find_user"))
    assert result is not None
    [symbol] = [s for s in result if isinstance(s, lsp.SymbolInformation)]
    assert (symbol.name, symbol.container_name, symbol.kind) == (
        "find_user_by_email",
        "UserRepository",
        lsp.SymbolKind.Method,
    )
    assert symbol.location.uri == (workspace / "app" / "users.py").as_uri()
    assert symbol.location.range.start.line == 6

    classes = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="server"))
    assert classes is not None
    assert {(s.name, s.kind) for s in classes if isinstance(s, lsp.SymbolInformation)} == {
        ("HttpServer", lsp.SymbolKind.Class)
    }
