"""One daemon per workspace, shared by every client; its failure modes each get a clear answer."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from pytest_lsp import client_capabilities, make_test_lsp_client

from aigentflow.locations import DaemonPaths
from aigentflow.remote import connect, control
from tests.helpers import (
    AIGENTFLOW,
    FAKE_AWS_KEY,
    PYTHON,
    async_wait_until,
    cli,
    start_daemon,
    stop_process,
)


@pytest.fixture
def daemon(workspace: Path) -> Iterator[subprocess.Popen[str]]:
    process = start_daemon(workspace)
    yield process
    stop_process(process)


def mcp_over_stdio(root: Path) -> Client:
    """`aigentflow mcp` as an MCP host launches it: a stdio subprocess attached to the daemon."""
    return Client(
        StdioServerParameters(
            command=PYTHON, args=[*AIGENTFLOW[1:], "mcp", "--workspace", str(root)], env=dict(os.environ)
        )
    )


async def test_an_lsp_and_an_mcp_client_share_one_daemon_and_both_see_a_secret_written_to_disk(
    workspace: Path, daemon: subprocess.Popen[str]
) -> None:
    watched = workspace / "config.py"
    watched.write_text("DEBUG = True\n")
    other = workspace / "other.py"
    other.write_text("x = 1\n")
    editor = make_test_lsp_client()
    await editor.start_io(*AIGENTFLOW, "lsp", "--workspace", str(workspace))
    try:
        await editor.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"), root_uri=workspace.as_uri()
            )
        )
        # The editor has `other.py` open; `config.py` is not open anywhere.
        editor.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=other.as_uri(), language_id="python", version=1, text="x = 1\n"
                )
            )
        )
        async with mcp_over_stdio(workspace) as host:
            before = await host.call_tool("scan_secrets", {"path": "config.py"})
            assert before.structured_content is not None and before.structured_content["findings"] == []

            watched.write_text(f'DEBUG = True\nAWS_KEY = "{FAKE_AWS_KEY}"\n')  # a change on disk only

            await async_wait_until(lambda: len(editor.diagnostics.get(watched.as_uri(), [])) == 1)
            [pushed] = editor.diagnostics[watched.as_uri()]
            assert pushed.code == "secrets.aws-access-key" and pushed.range.start.line == 1

            async def host_sees_it() -> bool:
                result = await host.call_tool("scan_secrets", {"path": "config.py"})
                return bool(result.structured_content and result.structured_content["findings"])

            await async_wait_until(host_sees_it)
            status = control(workspace, "status")["status"]
            assert status["connections"]["lsp"] == 1 and status["connections"]["mcp"] == 1
            assert status["pid"] == daemon.pid  # neither front end started a daemon of its own
    finally:
        await editor.shutdown_session()
        await editor.stop()


def test_a_front_end_starts_the_daemon_when_none_runs_and_status_and_stop_work(workspace: Path) -> None:
    assert cli("status", "--workspace", str(workspace)).returncode == 1
    request = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    ).encode()
    with subprocess.Popen(
        [*AIGENTFLOW, "lsp", "--workspace", str(workspace)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as front:
        assert front.stdin is not None and front.stdout is not None
        front.stdin.write(b"Content-Length: %d\r\n\r\n" % len(request) + request)
        front.stdin.flush()
        header = front.stdout.readline()
        assert header.startswith(b"Content-Length:")
        status = cli("status", "--json", "--workspace", str(workspace))
        assert status.returncode == 0, status.stderr
        info = json.loads(status.stdout)
        assert info["workspace"] == str(workspace) and info["connections"]["lsp"] == 1
        assert info["log_file"] == str(DaemonPaths.for_workspace(workspace).log)
        front.kill()
    stopped = cli("stop", "--workspace", str(workspace))
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not DaemonPaths.for_workspace(workspace).socket.exists()  # `stop` returns once it is gone


def test_a_second_daemon_for_the_same_workspace_is_refused_with_the_first_ones_pid(
    workspace: Path, daemon: subprocess.Popen[str]
) -> None:
    second = cli("serve", "--workspace", str(workspace))
    assert second.returncode == 3
    assert f"pid {daemon.pid}" in second.stderr and "already serves" in second.stderr
    assert control(workspace, "status")["ok"]  # the first one keeps serving


def test_a_stale_socket_left_by_a_killed_daemon_is_replaced(workspace: Path) -> None:
    first = start_daemon(workspace)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    stop_process(first)
    paths = DaemonPaths.for_workspace(workspace)
    assert paths.socket.exists()  # left behind: nobody cleaned up
    second = start_daemon(workspace)
    try:
        assert control(workspace, "status")["status"]["pid"] == second.pid
    finally:
        stop_process(second)


def test_a_client_that_vanishes_mid_request_does_not_disturb_the_others(
    workspace: Path, daemon: subprocess.Popen[str]
) -> None:
    (workspace / "a.py").write_text(f'KEY = "{FAKE_AWS_KEY}"\n')
    rude, _ = connect(workspace, "mcp")
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "rude", "version": "0"},
        },
    }
    rude.sendall(json.dumps(hello).encode() + b"\n")
    rude.sendall(
        b'{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "scan_sec'
    )  # cut off
    rude.close()
    garbage, _ = connect(workspace, "lsp")
    garbage.sendall(b"Content-Length: 99999\r\n\r\n{")  # then gone
    garbage.close()
    bad = socket.socket(socket.AF_UNIX)
    bad.connect(str(DaemonPaths.for_workspace(workspace).socket))
    bad.sendall(b"hello there\n")
    assert b"bad handshake" in bad.recv(4096)
    bad.close()
    assert daemon.poll() is None
    assert control(workspace, "status")["ok"]


async def test_malformed_mcp_lines_get_json_rpc_errors(
    workspace: Path, daemon: subprocess.Popen[str]
) -> None:
    sock, _ = connect(workspace, "mcp")
    with sock:
        stream = sock.makefile("rwb")
        stream.write(b"{this is not json\n")
        stream.write(b'{"jsonrpc": "2.0", "id": 9, "method": 12}\n')
        stream.flush()
        first = json.loads(stream.readline())
        second = json.loads(stream.readline())
    assert first["error"]["code"] == -32700 and first["id"] is None
    assert second["error"]["code"] == -32600 and second["id"] == 9


def test_the_daemon_exits_after_the_idle_timeout_without_clients(workspace: Path) -> None:
    process = start_daemon(workspace, {"AIGENTFLOW_DAEMON__IDLE_TIMEOUT_S": "1"})
    try:
        assert process.wait(timeout=20) == 0
    finally:
        stop_process(process)
    assert not DaemonPaths.for_workspace(workspace).socket.exists()


def test_a_malformed_config_stops_the_daemon_from_starting_and_says_where(workspace: Path) -> None:
    (workspace / ".aigentflow").mkdir()
    (workspace / ".aigentflow" / "config.yaml").write_text("review:\n  fail_on: catastrophic\n")
    result = cli("serve", "--workspace", str(workspace))
    assert result.returncode == 2
    assert "config.yaml" in result.stderr and "fail_on" in result.stderr
    front = cli("mcp", "--workspace", str(workspace), input="")
    assert front.returncode == 2 and "fail_on" in front.stderr  # the log tail explains it


def test_the_daemon_socket_and_state_are_private(workspace: Path, daemon: subprocess.Popen[str]) -> None:
    paths = DaemonPaths.for_workspace(workspace)
    assert paths.socket.stat().st_mode & 0o777 == 0o600
    assert paths.directory.stat().st_mode & 0o777 == 0o700


def test_a_front_end_started_from_the_filesystem_root_or_home_refuses_to_index_it(tmp_path: Path) -> None:
    from_root = cli("mcp", cwd=Path("/"), input="")
    assert from_root.returncode == 2 and "pass --workspace" in from_root.stderr
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    from_home = subprocess.run(
        [*AIGENTFLOW, "serve"], cwd=home, env=env, capture_output=True, text=True, timeout=60
    )
    assert from_home.returncode == 2 and "is not a project" in from_home.stderr
