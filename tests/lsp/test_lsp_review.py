"""Review diagnostics and code actions through a real LSP client (pytest-lsp), as Neovim 0.11
(pull diagnostics) and as VS Code (push diagnostics) would see them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from aigentflow.lsp import commands
from aigentflow.state.lessons import LessonStore
from aigentflow.state.store import StateStore
from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY
from tests.lsp.editing import (
    apply_action,
    baseline_command,
    code_actions_for,
    diagnostics_for,
    open_doc,
    type_text,
)

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
    actions = await code_actions_for(client, uri, diagnostic)
    assert any("baseline" in a.title for a in actions)
    [suppress] = [a for a in actions if isinstance(a, lsp.CodeAction) and "aigentflow: allow" in a.title]
    new_text = await apply_action(client, suppress, uri, SECRET_LINE, version=2)
    assert "aigentflow: allow[secrets.aws-access-key]" in new_text
    assert await diagnostics_for(client, uri, expect=0) == []
    # Running the action's command recorded the decision in the project state, secret masked.
    [lesson] = LessonStore(StateStore.for_workspace(workspace)).recent()
    assert (lesson.rule_id, lesson.decision, lesson.path, lesson.file_type) == (
        "secrets.aws-access-key",
        "suppress",
        "conf.py",
        ".py",
    )
    assert "aigentflow: allow" in lesson.after and "aigentflow: allow" not in lesson.before
    assert FAKE_AWS_KEY not in lesson.before + lesson.after and "[REDACTED]" in lesson.before


async def test_the_baseline_action_records_the_finding_and_clears_it(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_doc(client, workspace / "keys.py", SECRET_LINE)
    [diagnostic] = await diagnostics_for(client, uri, expect=1)
    actions = await code_actions_for(client, uri, diagnostic)
    command = baseline_command(actions)
    assert command["command"] == commands.ADD_TO_BASELINE
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=command["command"], arguments=command["arguments"])
    )
    assert result["added"] == 1
    stored = json.loads((workspace / ".aigentflow" / "baseline.json").read_text())
    assert FAKE_AWS_KEY not in json.dumps(stored)
    assert await diagnostics_for(client, uri, expect=0) == []
    [lesson] = LessonStore(StateStore.for_workspace(workspace)).recent()
    assert lesson.decision == "baseline" and FAKE_AWS_KEY not in lesson.before
    # The baseline survives the line moving down.
    type_text(client, uri, 2, "\n\n# moved\n" + SECRET_LINE)
    assert await diagnostics_for(client, uri, expect=0) == []


async def test_a_bad_command_argument_is_an_error_response(client: LanguageClient, workspace: Path) -> None:
    with pytest.raises(Exception, match="expected arguments"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=commands.ADD_TO_BASELINE, arguments=[1, 2, 3])
        )
