"""A write that fails (disk full) answers with a clear error, loses nothing, and the server
keeps serving. The server runs with RLIMIT_FSIZE set, so its writes past the limit really fail
with EFBIG, as they would on a full disk, without needing root to fill a filesystem."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from aigentflow.lsp import commands
from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY

LIMIT = 700  # bytes: room for a baseline of two entries, not of six
LIMITED = (
    "import os, resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    f"resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, {LIMIT})); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[AIGENTFLOW[0], "-c", LIMITED, *AIGENTFLOW[1:], "lsp", "--standalone"]
    )
)
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=workspace.as_uri()
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_a_baseline_write_that_fails_is_an_error_and_the_old_baseline_survives(
    client: LanguageClient, workspace: Path
) -> None:
    keys = [f"{FAKE_AWS_KEY[:-1]}{c}" for c in "ABCDEF"]
    text = "".join(f'KEY_{i} = "{key}"\n' for i, key in enumerate(keys))
    path = workspace / "keys.py"
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    baseline = workspace / ".aigentflow" / "baseline.json"
    fingerprints: list[str] = []
    for _ in range(50):
        diagnostics = client.diagnostics.get(uri, [])
        if len(diagnostics) == len(keys):
            fingerprints = [d.data["fingerprint"] for d in diagnostics]  # type: ignore[index]
            break
        await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert len(fingerprints) == len(keys)

    saved = None
    with pytest.raises(
        Exception, match=r"cannot write .*baseline\.json.*the baseline was not changed"
    ) as failure:
        for fingerprint in fingerprints:
            await client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command=commands.ADD_TO_BASELINE, arguments=[uri, fingerprint])
            )
            saved = baseline.read_text()
    assert "Traceback" not in str(failure.value)
    assert saved is not None and baseline.read_text() == saved  # intact, still valid JSON
    assert len(json.loads(saved)["findings"]) >= 1
    assert not [
        p.name for p in baseline.parent.iterdir() if p.name.startswith(".baseline.json")
    ]  # no temp files
    status = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=commands.SERVER_STATUS)
    )
    assert status["workspace"] == str(workspace)  # still serving
