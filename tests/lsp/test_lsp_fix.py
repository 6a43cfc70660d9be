"""`aigentflow.buildTestFix` through a real LSP client (pytest-lsp) against `aigentflow lsp`:
work-done progress, failing tests as diagnostics, the verified fix offered as an edit to confirm."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from aigentflow.lsp import commands
from tests.agents.fake_model import FakeAnthropic, fake_anthropic
from tests.agents.samples import SEEDS, configure, git, make_repo
from tests.helpers import AIGENTFLOW
from tests.lsp.editing import open_doc, type_text

FIX = {
    "explanation": "undo",
    "edits": [{"path": p, "search": s, "replace": r} for p, s, r in SEEDS["assertion"].fix],
}


@pytest.fixture
def model() -> Iterator[FakeAnthropic]:
    with fake_anthropic([FIX]) as fake:
        yield fake


@pytest.fixture
def repo(tmp_path: Path, model: FakeAnthropic) -> Path:
    root = make_repo(tmp_path, "assertion")
    # the fake model takes any key: name a variable the daemon's environment has
    configure(root, model.url, tmp_path / "wt", key_env="AIGENTFLOW_HOME")
    return root


@pytest.fixture
def seen() -> dict[str, Any]:
    """What the editor was asked to do."""
    return {"edits": []}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*AIGENTFLOW, "lsp", "--standalone"]))
async def client(lsp_client: LanguageClient, repo: Path, seen: dict[str, Any]) -> AsyncIterator[None]:

    @lsp_client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        seen["edits"].append(params.edit)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=repo.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=repo.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.timeout(120)
async def test_build_test_fix_reports_progress_diagnostics_and_offers_the_verified_fix(
    client: LanguageClient, seen: dict[str, Any], repo: Path, model: FakeAnthropic
) -> None:
    before = git(repo, "status", "--porcelain")
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=commands.BUILD_TEST_FIX, arguments=[])
    )
    assert result["state"] == "complete" and result["applied"] is True
    assert "-    return a * b + 1" in result["diff"] and len(model.requests) == 1
    [progress] = client.progress_reports.values()
    assert isinstance(progress[0], lsp.WorkDoneProgressBegin) and isinstance(
        progress[-1], lsp.WorkDoneProgressEnd
    )
    messages = [p.message or "" for p in progress[1:-1]]
    assert any(m.startswith("testing") for m in messages) and messages[-1].startswith("complete")
    test_uri = (repo / "tests" / "test_calc.py").as_uri()
    [diagnostic] = client.diagnostics[test_uri]
    assert (
        diagnostic.range.start.line == 8 and "assertion" in diagnostic.message
    )  # `assert multiply(4, 5) == 20`
    # The failure stays on screen when the review re-publishes the file (opened and edited).
    text = (repo / "tests" / "test_calc.py").read_text()
    open_doc(client, repo / "tests" / "test_calc.py", text)
    type_text(client, test_uri, 2, text + "\n# touched\n")
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d.message for d in client.diagnostics[test_uri]] == [diagnostic.message]
    [edit] = seen["edits"]
    assert edit.change_annotations["fix"].needs_confirmation is True
    [change] = edit.document_changes
    assert (
        change.text_document.uri == (repo / "calc.py").as_uri()
        and "return a * b\n" in change.edits[0].new_text
    )
    # the editor applies the edit to its buffers; the daemon never wrote the file itself
    assert git(repo, "status", "--porcelain") == before
    assert git(repo, "branch", "--list", "aigentflow/*") == ""


async def test_a_target_outside_the_workspace_is_invalid_params(client: LanguageClient) -> None:
    with pytest.raises(Exception, match="outside the workspace"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=commands.BUILD_TEST_FIX, arguments=["../elsewhere.py"])
        )
