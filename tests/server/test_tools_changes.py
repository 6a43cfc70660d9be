"""`review_changes` and the `security-review` prompt through a real MCP client session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mcp import Client

from aigentflow.compose import build_services
from aigentflow.server.app import build_mcp_server

BASE = "from flask import Flask, request\nimport sqlite3\napp = Flask(__name__)\n"
CHANGE = """
@app.route("/q")
def q():
    name = request.args.get("name", "")
    sqlite3.connect("db").execute("SELECT * FROM u WHERE name = '%s'" % name)
    return "ok"
"""


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "core.fsmonitor=false", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(workspace: Path) -> Path:
    _git(workspace, "init", "-q", "-b", "main")
    _git(workspace, "config", "user.email", "t@example.com")
    _git(workspace, "config", "user.name", "T")
    (workspace / "app.py").write_text(BASE)
    _git(workspace, "add", "app.py")
    _git(workspace, "commit", "-q", "-m", "init")
    (workspace / "app.py").write_text(BASE + CHANGE)
    _git(workspace, "add", "app.py")
    return workspace


async def test_review_changes_reports_staged_findings_with_an_owasp_summary(repo: Path) -> None:
    async with Client(build_mcp_server(build_services(repo))) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert tools["review_changes"].annotations is not None
        assert tools["review_changes"].annotations.read_only_hint is True
        result = await client.call_tool("review_changes", {})
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    assert data["base"] == "index vs HEAD"
    assert [f["rule_id"] for f in data["findings"] if f["cwe"]] == ["python.sql-injection"]
    assert data["summary"][0]["category"] == "A03:2021-Injection"
    assert data["needs_human_review"] is True


async def test_review_changes_against_a_revision_and_a_bad_revision(repo: Path) -> None:
    async with Client(build_mcp_server(build_services(repo))) as client:
        clean = await client.call_tool("review_changes", {"rev": "HEAD", "max_results": 1})
        bad = await client.call_tool("review_changes", {"rev": "--exec=evil"})
    assert not clean.is_error and clean.structured_content is not None
    assert clean.structured_content["total_findings"] >= 1
    assert len(clean.structured_content["findings"]) == 1
    assert bad.is_error


async def test_security_review_prompt_embeds_the_findings(repo: Path) -> None:
    async with Client(build_mcp_server(build_services(repo))) as client:
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert "security-review" in prompts
        prompt = await client.get_prompt("security-review", {})
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "python.sql-injection" in text
    assert "A03:2021-Injection" in text
