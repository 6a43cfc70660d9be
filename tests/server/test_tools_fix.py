"""Build-test-fix over MCP: a real client session, a real git repository, a scripted model."""

from __future__ import annotations

import json
from pathlib import Path

from mcp import Client

from aigentflow.compose import build_services
from aigentflow.server.app import build_mcp_server
from tests.agents.fake_model import fake_anthropic
from tests.agents.samples import SEEDS, configure, git, make_repo

FIX = {
    "explanation": "undo",
    "edits": [{"path": p, "search": s, "replace": r} for p, s, r in SEEDS["assertion"].fix],
}


async def test_build_test_fix_returns_a_run_id_at_once_and_the_status_shows_the_verified_fix(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, "assertion")
    with fake_anthropic([FIX]) as fake:
        services = build_services(root, configure(root, fake.url, tmp_path / "wt"))
        before = git(root, "status", "--porcelain")
        async with Client(build_mcp_server(services)) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert {"build_test_fix", "run_status", "run_tests", "accept_fix", "reject_fix"} <= set(tools)
            assert (
                tools["run_status"].annotations is not None and tools["run_status"].annotations.read_only_hint
            )
            started = await client.call_tool("build_test_fix", {})
            assert not started.is_error and started.structured_content is not None
            run_id = started.structured_content["run_id"]
            assert services.runs is not None
            await services.runs.wait(run_id, timeout_s=60)
            status = (await client.call_tool("run_status", {"run_id": run_id})).structured_content
            assert status is not None and status["state"] == "complete" and status["done"]
            assert "-    return a * b + 1" in status["diff"] and status["changed_files"] == ["calc.py"]
            assert git(root, "status", "--porcelain") == before
            resource = await client.read_resource(f"aigentflow://runs/{run_id}")
            assert json.loads(resource.contents[0].text)["state"] == "complete"  # type: ignore[union-attr]
            accepted = (await client.call_tool("accept_fix", {"run_id": run_id})).structured_content
            assert accepted is not None and accepted["resolution"] == "accepted"
    assert "a * b + 1" not in (root / "calc.py").read_text()


async def test_waiting_streams_progress_and_an_escalation_carries_the_report(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion")
    services = build_services(root, configure(root, None, tmp_path / "wt"))
    progress: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    async with Client(build_mcp_server(services)) as client:
        result = await client.call_tool("build_test_fix", {"wait": True}, progress_callback=on_progress)
    data = result.structured_content
    assert data is not None and data["state"] == "escalating"
    assert "no model can serve 'fix'" in data["report"] and "## Issue draft" in data["report"]
    assert [p.split(":")[0] for p in progress][-1] == "escalating" and "testing" in [
        p.split(":")[0] for p in progress
    ]


async def test_run_tests_reports_classified_failures_and_bad_arguments_are_tool_errors(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, "type")
    services = build_services(root, configure(root, None, tmp_path / "wt"))
    async with Client(build_mcp_server(services)) as client:
        report = (await client.call_tool("run_tests", {})).structured_content
        outside = await client.call_tool("run_tests", {"target": "../elsewhere.py"})
        unknown = await client.call_tool("run_status", {"run_id": "nope"})
    assert report is not None and report["ok"] is False and report["passed"] == 2
    assert {f["classification"] for f in report["failures"]} == {"type_error"}
    assert outside.is_error and unknown.is_error
