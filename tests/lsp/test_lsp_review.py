"""Review diagnostics and code actions through a real LSP client (pytest-lsp), as Neovim 0.11
(pull diagnostics) and as VS Code (push diagnostics) would see them."""

from __future__ import annotations

import ast
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from aigentflow.lsp import commands
from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY, async_wait_until

SECRET_LINE = f'AWS_KEY = "{FAKE_AWS_KEY}"\n'


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[*AIGENTFLOW, "lsp", "--standalone"]),
    params=["neovim@v0.11.0", "visual-studio-code"],
)
async def client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, workspace: Path
) -> AsyncIterator[None]:
    # No --workspace: the front end must take the root from `initialize`.
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


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


async def test_a_hardcoded_key_is_a_diagnostic_on_open_underlining_the_key(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_doc(client, workspace / "settings.py", "import os\n" + SECRET_LINE)
    [diagnostic] = await diagnostics_for(client, uri, expect=1)
    assert diagnostic.source == "aigentflow"
    assert diagnostic.code == "secrets.aws-access-key"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    start = SECRET_LINE.index(FAKE_AWS_KEY)
    assert diagnostic.range == lsp.Range(
        start=lsp.Position(line=1, character=start),
        end=lsp.Position(line=1, character=start + len(FAKE_AWS_KEY)),
    )
    assert FAKE_AWS_KEY not in diagnostic.message


async def test_typing_a_key_and_removing_it_updates_the_diagnostics(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_doc(client, workspace / "app.py", "x = 1\n")
    assert await diagnostics_for(client, uri, expect=0) == []
    type_text(client, uri, 2, "x = 1\n" + SECRET_LINE)
    assert len(await diagnostics_for(client, uri, expect=1)) == 1
    type_text(client, uri, 3, "x = 1\n")
    assert await diagnostics_for(client, uri, expect=0) == []


async def test_the_suppress_action_inserts_an_allow_comment_that_silences_the_finding(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_doc(client, workspace / "conf.py", SECRET_LINE)
    [diagnostic] = await diagnostics_for(client, uri, expect=1)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions]
    suppress = next(a for a in actions if isinstance(a, lsp.CodeAction) and "aigentflow: allow" in a.title)
    assert any("baseline" in t for t in titles)
    assert suppress.edit is not None and suppress.edit.changes is not None
    [edit] = suppress.edit.changes[uri]
    new_text = SECRET_LINE[: edit.range.start.character].rstrip("\n") + edit.new_text + "\n"
    assert "aigentflow: allow[secrets.aws-access-key]" in new_text
    type_text(client, uri, 2, new_text)
    assert await diagnostics_for(client, uri, expect=0) == []


async def test_the_baseline_action_records_the_finding_and_clears_it(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_doc(client, workspace / "keys.py", SECRET_LINE)
    [diagnostic] = await diagnostics_for(client, uri, expect=1)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    command = baseline_command(actions)
    assert command["command"] == commands.ADD_TO_BASELINE
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=command["command"], arguments=command["arguments"])
    )
    assert result["added"] == 1
    stored = json.loads((workspace / ".aigentflow" / "baseline.json").read_text())
    assert FAKE_AWS_KEY not in json.dumps(stored)
    assert await diagnostics_for(client, uri, expect=0) == []
    # The baseline survives the line moving down.
    type_text(client, uri, 2, "\n\n# moved\n" + SECRET_LINE)
    assert await diagnostics_for(client, uri, expect=0) == []


async def test_a_bad_command_argument_is_an_error_response(client: LanguageClient, workspace: Path) -> None:
    with pytest.raises(Exception, match="expected arguments"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=commands.ADD_TO_BASELINE, arguments=[1, 2, 3])
        )
