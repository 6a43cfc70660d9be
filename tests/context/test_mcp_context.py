"""The index's MCP tools and resource, through a real in-memory MCP client session."""

from __future__ import annotations

import json
from pathlib import Path

from mcp import Client
from mcp_types import TextResourceContents

from aigentflow.compose import build_services
from aigentflow.server.app import build_mcp_server

KEYWORD_ONLY = {"AIGENTFLOW_CONTEXT__EMBEDDER": "none"}


async def test_search_code_returns_ranked_bounded_hits_with_lines(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    async with Client(build_mcp_server(services)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["search_code"].annotations is not None
        assert tools["search_code"].annotations.read_only_hint is True
        result = await client.call_tool("search_code", {"query": "findUserByEmail", "limit": 2})
    assert not result.is_error
    data = result.structured_content
    assert data is not None and data["mode"] == "keyword-only"
    top = data["hits"][0]
    assert (top["path"], top["symbol"], top["start_line"]) == (
        "app/users.py",
        "UserRepository.find_user_by_email",
        7,
    )
    assert "def find_user_by_email" in top["snippet"]
    assert len(data["hits"]) <= 2


async def test_search_code_filters_by_language_and_rejects_bad_arguments(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    async with Client(build_mcp_server(services)) as client:
        typed = await client.call_tool(
            "search_code", {"query": "render server port", "language": "typescript"}
        )
        bad = await client.call_tool("search_code", {"query": "x", "limit": 500})
        empty = await client.call_tool("search_code", {"query": "   "})
    assert typed.structured_content is not None
    assert {h["language"] for h in typed.structured_content["hits"]} == {"typescript"}
    assert bad.is_error and "limit" in str(bad.content)
    assert empty.is_error


async def test_get_context_fills_tiers_and_keeps_the_task_and_errors(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    async with Client(build_mcp_server(services)) as client:
        result = await client.call_tool(
            "get_context",
            {
                "task": "fix the email lookup in find_user_by_email after load_config",
                "errors": ["TypeError: query() takes 2 positional arguments"],
                "active_files": ["app/users.py"],
                "budget_tokens": 20_000,
            },
        )
        outside = await client.call_tool("get_context", {"task": "x", "active_files": ["../etc/passwd"]})
    assert not result.is_error
    bundle = result.structured_content
    assert bundle is not None
    tiers = {s["tier"]: s for s in bundle["sections"]}
    assert [i["kind"] for i in tiers["sacred"]["items"]] == ["task", "error"]
    assert tiers["high"]["items"][0]["title"] == "app/users.py"
    retrieved = [i["title"] for i in tiers["retrieval"]["items"]]
    assert retrieved and not any(t.startswith("app/users.py") for t in retrieved)  # already whole in high
    assert bundle["budgets"]["total"] == 20_000
    assert bundle["total_tokens"] <= 20_000
    assert outside.is_error and "outside" in str(outside.content)


async def test_index_status_resource_reports_counts_and_keyword_only_mode(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    async with Client(build_mcp_server(services)) as client:
        await client.call_tool("search_code", {"query": "config"})
        contents = (await client.read_resource("aigentflow://index/status")).contents
    [content] = contents
    assert isinstance(content, TextResourceContents)
    status = json.loads(content.text)
    assert status["files"] == 4 and status["chunks"] > 4
    assert (status["mode"], status["model"], status["embedded_percent"]) == ("keyword-only", None, 0.0)
