"""The review tools and resources through a real MCP client session (in-memory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client
from mcp_types import TextResourceContents

from aigentflow.compose import build_services
from aigentflow.server.app import INSTRUCTIONS, build_mcp_server
from tests.helpers import FAKE_AWS_KEY


@pytest.fixture
def project(workspace: Path) -> Path:
    (workspace / "app").mkdir()
    (workspace / "app" / "settings.py").write_text(f'AWS_KEY = "{FAKE_AWS_KEY}"\nDEBUG = False\n')
    (workspace / "app" / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    (workspace / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    return workspace


async def test_the_server_announces_instructions_and_read_only_tools_with_schemas(project: Path) -> None:
    async with Client(build_mcp_server(build_services(project))) as client:
        assert client.instructions == INSTRUCTIONS
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert {"scan_secrets", "review_files"} <= set(tools)
    scan = tools["scan_secrets"]
    assert scan.annotations is not None and scan.annotations.read_only_hint is True
    assert scan.input_schema["properties"]["path"]["type"] == "string"
    assert scan.output_schema is not None and "findings" in scan.output_schema["properties"]


async def test_scan_secrets_finds_the_key_redacted_and_lists_skipped_files(project: Path) -> None:
    async with Client(build_mcp_server(build_services(project))) as client:
        result = await client.call_tool("scan_secrets", {"path": "."})
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    [finding] = data["findings"]
    assert finding["rule_id"] == "secrets.aws-access-key"
    assert (finding["path"], finding["line"]) == ("app/settings.py", 1)
    assert finding["cwe"] == 798
    assert FAKE_AWS_KEY not in json.dumps(data)  # never the secret in full
    assert data["files_scanned"] == 3
    assert [s["path"] for s in data["skipped"]] == ["logo.png"]


async def test_results_are_bounded_and_say_they_were_truncated(project: Path) -> None:
    lines = "".join(f'TOKEN_{i} = "{FAKE_AWS_KEY[:-2]}{i:02d}"\n' for i in range(30))
    (project / "many.py").write_text(lines)
    async with Client(build_mcp_server(build_services(project))) as client:
        result = await client.call_tool("scan_secrets", {"path": "many.py", "max_results": 5})
    data = result.structured_content
    assert data is not None
    assert len(data["findings"]) == 5 and data["truncated"] is True and data["total_findings"] == 30


async def test_a_path_outside_the_workspace_is_a_tool_error(project: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.py").write_text(f'KEY = "{FAKE_AWS_KEY}"\n')
    (project / "link").symlink_to(tmp_path)
    async with Client(build_mcp_server(build_services(project))) as client:
        for path in ("../outside.py", str(tmp_path / "outside.py"), "link/outside.py"):
            result = await client.call_tool("scan_secrets", {"path": path})
            assert result.is_error, path
            assert "outside the workspace" in result.content[0].text  # type: ignore[union-attr]


async def test_a_bad_argument_is_a_tool_error(project: Path) -> None:
    async with Client(build_mcp_server(build_services(project))) as client:
        result = await client.call_tool("review_files", {"path": ".", "max_results": 0})
    assert result.is_error


async def test_the_findings_resource_returns_the_same_findings_as_the_tool(project: Path) -> None:
    async with Client(build_mcp_server(build_services(project))) as client:
        templates = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
        assert "aigentflow://findings/{+path}" in templates
        read = await client.read_resource("aigentflow://findings/app/settings.py")
        tool = await client.call_tool("review_files", {"path": "app/settings.py"})
    [contents] = read.contents
    assert isinstance(contents, TextResourceContents)
    review = json.loads(contents.text)
    assert review["path"] == "app/settings.py"
    assert tool.structured_content is not None
    assert [f["fingerprint"] for f in review["findings"]] == [
        f["fingerprint"] for f in tool.structured_content["findings"]
    ]


async def test_the_status_resource_describes_the_daemon(project: Path) -> None:
    async with Client(build_mcp_server(build_services(project))) as client:
        read = await client.read_resource("aigentflow://status")
    [contents] = read.contents
    assert isinstance(contents, TextResourceContents)
    assert json.loads(contents.text)["workspace"] == str(project)
