"""reviewChanges, searchCode and indexStatus through a real LSP client (pytest-lsp) driving
`aigentflow lsp --standalone`, as the VS Code extension and the Neovim plugin send them."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from aigentflow.lsp import commands
from aigentflow.lsp.errors import RequestFailed
from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY, async_wait_until

CLEAN = "def greet(name):\n    return f'hello {name}'\n"
LEGACY_SECRET = f'LEGACY_KEY = "{FAKE_AWS_KEY}"\n'  # committed before: not part of the change
FUNCTIONS = {
    "billing.py": (
        "def compute_invoice_total(items, tax_rate):\n"
        '    """Sum the line items of an invoice and add tax."""\n'
        "    subtotal = sum(item.price * item.quantity for item in items)\n"
        "    return subtotal * (1 + tax_rate)\n"
    ),
    "users.py": (
        "def normalize_email_address(email):\n"
        '    """Lower-case an e-mail address and strip spaces."""\n'
        "    return email.strip().lower()\n"
    ),
    "network.py": (
        "def open_socket_connection(host, port):\n"
        '    """Connect a TCP socket to host:port."""\n'
        "    import socket\n"
        "    return socket.create_connection((host, port))\n"
    ),
}


@asynccontextmanager
async def editor(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[LanguageClient]:
    monkeypatch.setenv("AIGENTFLOW_CONTEXT__EMBEDDER", "none")  # keyword index: no model to load
    client = make_test_lsp_client()
    await client.start_io(*AIGENTFLOW, "lsp", "--standalone")
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=workspace.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
            )
        )
        yield client
    finally:
        # Also after a failed assertion: a server never told to exit keeps `stop()` waiting.
        await asyncio.wait_for(client.shutdown_session(), timeout=15)
        await client.stop()


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=30)


def make_repo_with_a_new_secret(root: Path) -> None:
    (root / "app.py").write_text(CLEAN)
    (root / "legacy.py").write_text(LEGACY_SECRET)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    (root / "app.py").write_text(CLEAN + f'\nAWS_KEY = "{FAKE_AWS_KEY}"\n')  # not staged


async def test_review_changes_reports_a_new_secret_with_its_owasp_summary_but_not_old_ones(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo_with_a_new_secret(workspace)
    async with editor(workspace, monkeypatch) as client:
        result = await execute(client, commands.REVIEW_CHANGES)  # VS Code and Neovim send []
        assert result["base"] == "working tree vs HEAD"
        [finding] = result["findings"]
        assert (finding["path"], finding["rule_id"], finding["line"]) == (
            "app.py",
            "secrets.aws-access-key",
            4,
        )
        assert FAKE_AWS_KEY not in str(result)  # the secret itself never goes back over the wire
        [summary] = result["summary"]
        assert summary["category"] == finding["owasp"] and summary["category"] != "uncategorized"
        assert (summary["findings"], summary["rules"]) == (1, ["secrets.aws-access-key"])
        assert (result["total_findings"], result["truncated"]) == (1, False)

        staged = await execute(client, commands.REVIEW_CHANGES, {"staged": True})
        assert (staged["base"], staged["findings"]) == ("index vs HEAD", [])
        git(workspace, "add", "app.py")
        staged = await execute(client, commands.REVIEW_CHANGES, {"staged": True})
        assert [f["path"] for f in staged["findings"]] == ["app.py"]

        with pytest.raises(JsonRpcException, match="invalid revision") as failure:
            await execute(client, commands.REVIEW_CHANGES, {"rev": "--output=/tmp/x"})
        assert failure.value.code == RequestFailed.CODE


async def test_search_code_ranks_the_described_function_first_once_indexed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in FUNCTIONS.items():
        (workspace / name).write_text(text)
    async with editor(workspace, monkeypatch) as client:

        async def indexed() -> bool:
            status = await execute(client, commands.INDEX_STATUS)
            return bool(status["available"] and status["files"] == len(FUNCTIONS) and not status["indexing"])

        await async_wait_until(indexed, timeout=30)
        status = await execute(client, commands.INDEX_STATUS)
        assert (status["mode"], status["chunks"] >= len(FUNCTIONS)) == ("keyword-only", True)

        result = await execute(client, commands.SEARCH_CODE, {"query": "invoice total with tax", "limit": 50})
        first = result["hits"][0]
        assert (first["path"], first["name"], first["start_line"], first["end_line"]) == (
            "billing.py",
            "compute_invoice_total",
            1,
            4,
        )
        assert first["snippet"].startswith("def compute_invoice_total") and first["score"] > 0
        one = await execute(client, commands.SEARCH_CODE, {"query": "e-mail address", "limit": 1})
        assert [h["name"] for h in one["hits"]] == ["normalize_email_address"]
        huge = await execute(client, commands.SEARCH_CODE, {"query": "socket", "limit": 10_000})
        assert huge["hits"][0]["name"] == "open_socket_connection"  # the limit is bounded, not refused


async def test_bad_arguments_and_a_workspace_without_git_get_readable_error_responses(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "app.py").write_text(CLEAN)
    bad_search: list[list[Any]] = [
        [],
        [{"limit": 5}],
        [{"query": ""}],
        [{"query": "   "}],
        [{"query": "x", "limit": "ten"}],
        ["x"],
        [{"query": "x"}, {"query": "y"}],
    ]
    async with editor(workspace, monkeypatch) as client:
        for arguments in bad_search:
            with pytest.raises(JsonRpcInvalidParams):
                await execute(client, commands.SEARCH_CODE, *arguments)
        with pytest.raises(JsonRpcInvalidParams, match="rev"):
            await execute(client, commands.REVIEW_CHANGES, {"rev": 5})

        with pytest.raises(JsonRpcException, match="not a git repository") as failure:
            await execute(client, commands.REVIEW_CHANGES)
        assert failure.value.code == RequestFailed.CODE
        assert "Traceback" not in failure.value.message


async def test_an_index_that_cannot_open_is_reported_unavailable_and_search_fails_clearly(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "blocker").write_text("a file where the index directory should be\n")
    monkeypatch.setenv("AIGENTFLOW_CONTEXT__INDEX_URI", str(workspace / "blocker" / "index"))
    async with editor(workspace, monkeypatch) as client:
        status = await execute(client, commands.INDEX_STATUS)
        assert status["available"] is False and "cannot open the index" in status["reason"]
        with pytest.raises(JsonRpcException, match="cannot open the index") as failure:
            await execute(client, commands.SEARCH_CODE, {"query": "anything"})
        assert failure.value.code == RequestFailed.CODE
