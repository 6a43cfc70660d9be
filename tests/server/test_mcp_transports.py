"""MCP over its real transports: stdio (standalone), streamable HTTP (with its locks), and the
official MCP Inspector CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.helpers import AIGENTFLOW, FAKE_AWS_KEY, PYTHON, start_daemon, stop_process


@pytest.fixture
def project(workspace: Path) -> Path:
    (workspace / "deploy.py").write_text(f'KEY = "{FAKE_AWS_KEY}"\n')
    return workspace


async def test_standalone_stdio_serves_the_tools_in_process(project: Path) -> None:
    params = StdioServerParameters(
        command=PYTHON,
        args=[*AIGENTFLOW[1:], "mcp", "--standalone", "--workspace", str(project)],
        env=dict(os.environ),
    )
    async with Client(params) as client:
        result = await client.call_tool("scan_secrets", {})
    assert result.structured_content is not None
    assert [f["rule_id"] for f in result.structured_content["findings"]] == ["secrets.aws-access-key"]


@pytest.fixture
def http_endpoint(project: Path) -> Iterator[tuple[str, str]]:
    """`aigentflow mcp --http` attached to a daemon: (url, token)."""
    daemon = start_daemon(project)
    front = subprocess.Popen(
        [*AIGENTFLOW, "mcp", "--http", "--workspace", str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert front.stdout is not None
        info = json.loads(front.stdout.readline())
        token_file = Path(info["token_file"])
        assert token_file.stat().st_mode & 0o777 == 0o600
        yield info["url"], token_file.read_text().strip()
    finally:
        stop_process(front)
        stop_process(daemon)


async def test_http_serves_mcp_on_loopback_to_a_client_with_the_token(http_endpoint: tuple[str, str]) -> None:
    url, token = http_endpoint
    assert url.startswith("http://127.0.0.1:")
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        result = await client.call_tool("scan_secrets", {"path": "deploy.py"})
    assert result.structured_content is not None and len(result.structured_content["findings"]) == 1


def _initialize(url: str, headers: dict[str, str]) -> httpx2.Response:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "probe", "version": "0"},
        },
    }
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    return httpx2.post(url, json=body, headers={**base, **headers}, timeout=10)


def test_http_refuses_requests_without_the_right_token(http_endpoint: tuple[str, str]) -> None:
    url, token = http_endpoint
    assert _initialize(url, {}).status_code == 401
    assert _initialize(url, {"Authorization": "Bearer " + "x" * len(token)}).status_code == 401
    assert _initialize(url, {"Authorization": f"Bearer {token}"}).status_code == 200


def test_http_refuses_foreign_host_and_origin_headers(http_endpoint: tuple[str, str]) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not get through."""
    url, token = http_endpoint
    auth = {"Authorization": f"Bearer {token}"}
    assert _initialize(url, {**auth, "Host": "evil.example"}).status_code in (400, 403, 421)
    assert _initialize(url, {**auth, "Origin": "http://evil.example"}).status_code in (400, 403)


NPX = shutil.which("npx")


@pytest.mark.skipif(NPX is None, reason="npm/npx is not installed; the MCP Inspector CLI needs Node.js")
def test_the_official_mcp_inspector_cli_lists_and_calls_the_tools(project: Path, tmp_path: Path) -> None:
    assert NPX is not None
    prefix = tmp_path / "npm"
    install = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "@modelcontextprotocol/inspector@0.17",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    inspector = prefix / "node_modules" / ".bin" / "mcp-inspector"
    server = [*AIGENTFLOW, "mcp", "--workspace", str(project)]
    listed = subprocess.run(
        [str(inspector), "--cli", *server, "--method", "tools/list"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    names = {tool["name"] for tool in json.loads(listed.stdout)["tools"]}
    assert {"scan_secrets", "review_files"} <= names
    called = subprocess.run(
        [
            str(inspector),
            "--cli",
            *server,
            "--method",
            "tools/call",
            "--tool-name",
            "scan_secrets",
            "--tool-arg",
            "path=deploy.py",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert called.returncode == 0, called.stderr[-2000:]
    assert "secrets.aws-access-key" in called.stdout and FAKE_AWS_KEY not in called.stdout
    subprocess.run([*AIGENTFLOW, "stop", "--workspace", str(project)], capture_output=True, timeout=30)
