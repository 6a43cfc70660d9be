"""Editor settings sent as `initializationOptions.settings` shape that connection's review."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY

TEXT = f'KEY = "{FAKE_AWS_KEY}"\n'


@asynccontextmanager
async def editor(workspace: Path, options: Any) -> AsyncIterator[LanguageClient]:
    client = make_test_lsp_client()
    await client.start_io(*AIGENTFLOW, "lsp", "--standalone")
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("neovim@v0.11.0"),  # pull diagnostics
                root_uri=workspace.as_uri(),
                initialization_options=options,
            )
        )
        yield client
        await client.shutdown_session()
    finally:
        await client.stop()


async def pull(client: LanguageClient, path: Path) -> list[lsp.Diagnostic]:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=TEXT)
        )
    )
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()))
    )
    assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


def codes(
    diagnostics: list[lsp.Diagnostic], pick: Callable[[lsp.Diagnostic], Any] = lambda d: d.code
) -> list[Any]:
    return [pick(d) for d in diagnostics]


async def test_an_editor_can_turn_a_rule_off_and_change_a_severity(workspace: Path) -> None:
    path = workspace / "a.py"
    path.write_text(TEXT)
    off = {"settings": {"review": {"rules": {"secrets.aws-access-key": {"enabled": False}}}}}
    async with editor(workspace, off) as client:
        assert await pull(client, path) == []
    lower = {"settings": {"review": {"rules": {"secrets.*": {"severity": "low"}}}}}
    async with editor(workspace, lower) as client:
        assert codes(await pull(client, path), lambda d: d.severity) == [lsp.DiagnosticSeverity.Information]


async def test_invalid_editor_settings_are_reported_and_the_workspace_settings_apply(workspace: Path) -> None:
    path = workspace / "a.py"
    path.write_text(TEXT)
    bad = {"settings": {"review": {"debounce_ms": "soon"}}}
    async with editor(workspace, bad) as client:
        assert codes(await pull(client, path)) == ["secrets.aws-access-key"]
        assert any("ignoring the editor's review settings" in m.message for m in client.messages)
        assert any("debounce_ms" in m.message for m in client.messages)
