"""Editor moves for LSP tests: open, type, read diagnostics (pushed or pulled), ask for actions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.helpers import async_wait_until

__all__ = [
    "apply_action",
    "apply_text_edits",
    "baseline_command",
    "code_actions_for",
    "diagnostics_for",
    "open_doc",
    "pulls",
    "type_text",
]


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
    """The command of the "Add … to the baseline" code action."""
    [action] = [a for a in actions if "baseline" in a.title]
    assert isinstance(action, lsp.CodeAction) and action.command is not None
    return {"command": action.command.command, "arguments": action.command.arguments}


async def apply_action(
    client: LanguageClient, action: lsp.CodeAction, uri: str, text: str, version: int
) -> str:
    """Do what an editor does with a chosen action: apply its edit, then run its command.

    Returns the new text (also sent to the server as a change)."""
    if action.edit is not None and action.edit.changes is not None:
        text = apply_text_edits(text, action.edit.changes[uri])
        type_text(client, uri, version, text)
    if action.command is not None:
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
        )
    return text


def apply_text_edits(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    """`text` with LSP edits applied (UTF-16 positions equal code points for the texts used here)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: lsp.Position) -> int:
        return min(starts[min(position.line, len(lines))] + position.character, len(text))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


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
