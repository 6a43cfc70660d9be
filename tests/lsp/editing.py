"""Editor moves for LSP tests: open, type, read diagnostics (pushed or pulled), ask for actions."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.helpers import async_wait_until

__all__ = ["baseline_command", "code_actions_for", "diagnostics_for", "open_doc", "pulls", "type_text"]


def pulls(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


async def diagnostics_for(client: LanguageClient, uri: str, *, expect: int) -> list[lsp.Diagnostic]:
    """Current diagnostics of `uri`: pulled, or waited for until `expect` of them are pushed."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    await async_wait_until(lambda: len(client.diagnostics.get(uri, [])) == expect)
    return list(client.diagnostics.get(uri, []))


def baseline_command(actions: Sequence[lsp.Command | lsp.CodeAction]) -> dict[str, Any]:
    """The command of the "Add … to the baseline" code action.

    lsprotocol's client-side hook turns any code action that has a `command` into a `Command`
    (and stringifies the nested command): undo that here. VS Code and Neovim decide by the
    type of `command`, as the specification says, and read the action as sent.
    """
    [action] = [a for a in actions if "baseline" in a.title]
    if isinstance(action, lsp.CodeAction):
        assert action.command is not None
        return {"command": action.command.command, "arguments": action.command.arguments}
    parsed: dict[str, Any] = ast.literal_eval(action.command)
    return parsed


def open_doc(client: LanguageClient, path: Path, text: str) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    return uri


def type_text(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def code_actions_for(
    client: LanguageClient, uri: str, diagnostic: lsp.Diagnostic
) -> Sequence[lsp.Command | lsp.CodeAction]:
    """The code actions the server offers for one of its diagnostics."""
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    return actions
