"""`aigentflow cost` and `aigentflow://cost`: the ledger summarised for people and MCP hosts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client
from mcp_types import TextResourceContents

from aigentflow.cli import main
from aigentflow.compose import build_services
from aigentflow.server.app import build_mcp_server
from aigentflow.state import CallRecord, CostLedger, GuardEventLog, GuardRecord, StateStore


def _spend(root: Path) -> None:
    store = StateStore.for_workspace(root)
    ledger = CostLedger(store)
    ledger.record(
        CallRecord(
            "anthropic",
            "claude-sonnet-4-6",
            "fix",
            "c1",
            "ok",
            task_id="t-1",
            tokens_in=1000,
            tokens_out=100,
            cost_usd=0.5,
        )
    )
    ledger.record(
        CallRecord("anthropic", "claude-haiku-4-5", "route", "c2", "ok", tokens_in=10, cost_usd=0.25)
    )
    GuardEventLog(store).record_many([GuardRecord("pii", "redacted", "outbound", "pii.email")])
    store.close()


def test_cost_prints_the_spend_by_model_purpose_and_task(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _spend(workspace)
    assert main(["cost", "--workspace", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Spent $0.7500 of $50.00 project budget in 2 call(s).")
    assert "anthropic:claude-sonnet-4-6" in out and "route" in out and "t-1" in out
    assert "pii:redacted" in out


def test_cost_as_json_and_with_no_calls_yet_creates_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cost", "--workspace", str(workspace), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_usd"] == 0 and data["calls"] == 0 and data["by_model"] == []
    assert not (workspace / ".aigentflow" / "state.db").exists()


async def test_the_cost_resource_serves_the_same_summary(workspace: Path) -> None:
    _spend(workspace)
    services = build_services(workspace, {})
    async with Client(build_mcp_server(services)) as client:
        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert "aigentflow://cost" in resources
        result = await client.read_resource("aigentflow://cost")
    content = result.contents[0]
    assert isinstance(content, TextResourceContents)
    data = json.loads(content.text)
    assert data["total_usd"] == 0.75 and data["project_used_fraction"] == pytest.approx(0.015)
    assert [line["key"] for line in data["by_task"]] == ["t-1", "-"]
    for closer in reversed(services.closers):
        closer()
