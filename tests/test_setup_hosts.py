"""Claude Desktop's config writer and Claude Code's `claude mcp add`, through the library and
the `aigentflow setup` command.

Claude Code's CLI is replaced by a small script that keeps a registry file and prints what the
real `claude mcp get` prints (observed from @anthropic-ai/claude-code 2.1): a fake at the edge.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aigentflow.cli import main
from aigentflow.errors import ConfigError
from aigentflow.setup_hosts import (
    claude_code_argv,
    claude_desktop_config_path,
    parse_claude_mcp_get,
    run_claude_code_setup,
    setup_claude_desktop,
)

OTHER_SERVERS = {
    "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"]},
    "github": {
        "command": "docker",
        "args": ["run", "-i", "ghcr.io/github/github-mcp-server"],
        "env": {"X": "1"},
    },
}


@pytest.fixture
def exe(tmp_path: Path) -> Path:
    path = tmp_path / "bin" / "aigentflow"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def _desktop_config(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "Claude" / "claude_desktop_config.json"
    path.parent.mkdir()
    text = json.dumps(
        {"globalShortcut": "Ctrl+Space", "mcpServers": OTHER_SERVERS, "theme": "dark"}, indent=2
    )
    path.write_text(text + "\n")
    return path, text + "\n"


def test_desktop_setup_adds_the_server_and_changes_nothing_else(
    tmp_path: Path, exe: Path, project: Path
) -> None:
    path, before = _desktop_config(tmp_path)
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    result = setup_claude_desktop(project, config_path=path, executable=exe, now=now)

    after = json.loads(path.read_text())
    assert list(after) == ["globalShortcut", "mcpServers", "theme"]
    assert after["globalShortcut"] == "Ctrl+Space" and after["theme"] == "dark"
    assert {k: v for k, v in after["mcpServers"].items() if k != "aigentflow"} == OTHER_SERVERS
    assert after["mcpServers"]["aigentflow"] == {
        "command": str(exe),
        "args": ["mcp", "--workspace", str(project.resolve())],
    }
    # Only lines of the new entry were added; every old line is still there, in order.
    assert all(line.startswith("+") for line in result.diff.splitlines()[2:] if line[:1] in "+-")
    assert result.changed and result.written
    assert result.backup == path.with_name("claude_desktop_config.json.20260102T030405Z.bak")
    assert result.backup.read_text() == before


def test_second_desktop_setup_is_a_no_op(tmp_path: Path, exe: Path, project: Path) -> None:
    path, _ = _desktop_config(tmp_path)
    setup_claude_desktop(project, config_path=path, executable=exe)
    text, mtime = path.read_bytes(), path.stat().st_mtime_ns
    backups = sorted(path.parent.glob("*.bak"))

    again = setup_claude_desktop(project, config_path=path, executable=exe)

    assert (again.changed, again.written, again.backup, again.diff) == (False, False, None, "")
    assert path.read_bytes() == text and path.stat().st_mtime_ns == mtime
    assert sorted(path.parent.glob("*.bak")) == backups


def test_desktop_setup_points_an_existing_entry_at_the_new_workspace(
    tmp_path: Path, exe: Path, project: Path
) -> None:
    path, _ = _desktop_config(tmp_path)
    setup_claude_desktop(tmp_path, config_path=path, executable=exe)

    result = setup_claude_desktop(project, config_path=path, executable=exe)

    assert result.written and f'"{tmp_path}"' in result.diff and f'"{project}"' in result.diff
    assert json.loads(path.read_text())["mcpServers"]["aigentflow"]["args"][-1] == str(project)


def test_desktop_dry_run_prints_the_change_and_writes_nothing(
    tmp_path: Path, exe: Path, project: Path
) -> None:
    path, before = _desktop_config(tmp_path)

    result = setup_claude_desktop(project, config_path=path, executable=exe, dry_run=True)

    assert result.changed and not result.written and result.backup is None
    assert '+    "aigentflow": {' in result.diff
    assert path.read_text() == before and not list(path.parent.glob("*.bak"))


def test_desktop_setup_creates_a_missing_config(tmp_path: Path, exe: Path, project: Path) -> None:
    path = tmp_path / "fresh" / "Claude" / "claude_desktop_config.json"

    result = setup_claude_desktop(project, config_path=path, executable=exe)

    assert result.written and result.backup is None
    assert set(json.loads(path.read_text())["mcpServers"]) == {"aigentflow"}
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"mcpServers": []}'])
def test_desktop_setup_refuses_a_malformed_config_and_leaves_it_alone(
    tmp_path: Path, exe: Path, project: Path, text: str
) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text(text)

    with pytest.raises(ConfigError, match="nothing was changed"):
        setup_claude_desktop(project, config_path=path, executable=exe)

    assert path.read_text() == text and not list(tmp_path.glob("*.bak"))


def test_desktop_config_lives_where_claude_desktop_reads_it(tmp_path: Path) -> None:
    home = tmp_path
    assert claude_desktop_config_path("darwin", home, {}) == (
        home / "Library" / "Application Support" / "Claude" / "claude_desktop_config.json"
    )
    assert claude_desktop_config_path("win32", home, {"APPDATA": str(home / "AD")}) == (
        home / "AD" / "Claude" / "claude_desktop_config.json"
    )
    assert (
        claude_desktop_config_path("linux", home, {})
        == home / ".config" / "Claude" / "claude_desktop_config.json"
    )
    assert claude_desktop_config_path("linux", home, {"XDG_CONFIG_HOME": str(home / "x")}) == (
        home / "x" / "Claude" / "claude_desktop_config.json"
    )


def test_claude_code_argv_launches_the_mcp_front_end_on_the_workspace(exe: Path, project: Path) -> None:
    assert claude_code_argv(project, executable=exe, scope="user") == [
        "claude", "mcp", "add", "aigentflow", "--scope", "user", "--",
        str(exe), "mcp", "--workspace", str(project.resolve()),
    ]  # fmt: skip


FAKE_CLAUDE = """\
import json, sys
from pathlib import Path
state = Path(__file__).with_name("registry.json")
registry = json.loads(state.read_text()) if state.exists() else {}
with Path(__file__).with_name("calls.jsonl").open("a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
scopes = {"local": "Local config (private to you in this project)", "project": "Project config",
          "user": "User config"}
if args[:2] == ["mcp", "get"]:
    entry = registry.get(args[2])
    if entry is None:
        sys.stdout.write(f'No MCP server named "{args[2]}". Run `claude mcp add` to add one.')
        sys.exit(1)
    print(f"{args[2]}:\\n  Scope: {scopes[entry['scope']]}\\n  Status: \\u2714 Connected\\n  Type: stdio")
    print(f"  Command: {entry['argv'][0]}\\n  Args: {' '.join(entry['argv'][1:])}\\n  Environment:\\n")
elif args[:2] == ["mcp", "add"]:
    if args[2] in registry:
        sys.stderr.write(f"MCP server {args[2]} already exists in local config")
        sys.exit(1)
    registry[args[2]] = {"scope": args[args.index("--scope") + 1], "argv": args[args.index("--") + 1:]}
elif args[:2] == ["mcp", "remove"]:
    registry.pop(args[2])
else:
    sys.exit(2)
state.write_text(json.dumps(registry))
"""


@pytest.fixture
def fake_claude(tmp_path: Path) -> Path:
    script = tmp_path / "claude-bin" / "claude"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n{FAKE_CLAUDE}")
    script.chmod(0o755)
    return script


def _calls(fake: Path) -> list[list[str]]:
    return [json.loads(line) for line in fake.with_name("calls.jsonl").read_text().splitlines()]


def test_claude_code_setup_registers_once_and_then_is_a_no_op(
    fake_claude: Path, exe: Path, project: Path
) -> None:
    assert run_claude_code_setup(project, executable=exe, claude=str(fake_claude)) is True
    assert run_claude_code_setup(project, executable=exe, claude=str(fake_claude)) is False

    adds = [c for c in _calls(fake_claude) if c[:2] == ["mcp", "add"]]
    assert adds == [claude_code_argv(project, executable=exe)[1:]]


def test_claude_code_setup_replaces_an_entry_that_launches_something_else(
    fake_claude: Path, exe: Path, project: Path, tmp_path: Path
) -> None:
    run_claude_code_setup(tmp_path, executable=exe, claude=str(fake_claude))

    assert run_claude_code_setup(project, executable=exe, claude=str(fake_claude)) is True

    registry = json.loads(fake_claude.with_name("registry.json").read_text())
    assert registry["aigentflow"]["argv"] == [str(exe), "mcp", "--workspace", str(project)]
    assert ["mcp", "remove", "aigentflow", "--scope", "local"] in _calls(fake_claude)


def test_claude_code_setup_without_the_cli_says_how_to_install_it(
    exe: Path, project: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="npm install -g @anthropic-ai/claude-code"):
        run_claude_code_setup(project, executable=exe, claude=str(tmp_path / "no-such-claude"))


def test_parse_claude_mcp_get_reads_scope_command_and_args() -> None:
    out = (
        "x:\n  Scope: User config (available in all your projects)\n"
        "  Command: /a b\n  Args: mcp --workspace /w\n"
    )
    assert parse_claude_mcp_get(out) == ("user", ["/a b", "mcp", "--workspace", "/w"])
    assert parse_claude_mcp_get("No MCP server named x") is None


def test_setup_cli_writes_claude_desktop_config_then_reports_nothing_to_do(
    tmp_path: Path, exe: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _desktop_config(tmp_path)
    argv = ["setup", "claude-desktop", "-w", str(project), "--config", str(path), "--executable", str(exe)]

    assert main([*argv, "--dry-run"]) == 0
    assert (
        "dry run" in capsys.readouterr().out
        and "aigentflow" not in json.loads(path.read_text())["mcpServers"]
    )
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert f"updated {path}" in first and "backup:" in first and "Restart Claude Desktop" in first
    assert main(argv) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_setup_cli_prints_then_runs_the_claude_code_line(
    fake_claude: Path, exe: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "setup",
        "claude-code",
        "-w",
        str(project),
        "--executable",
        str(exe),
        "--claude",
        str(fake_claude),
    ]

    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"{fake_claude} mcp add aigentflow --scope local -- {exe} mcp --workspace {project}" in printed
    assert not fake_claude.with_name("calls.jsonl").exists()  # printing runs nothing
    assert main([*argv, "--run"]) == 0
    assert "registered 'aigentflow'" in capsys.readouterr().out
    assert main([*argv, "--run"]) == 0
    assert "already registered" in capsys.readouterr().out


def test_setup_cli_reports_a_broken_config_as_an_error(
    tmp_path: Path, exe: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text("{oops")
    assert (
        main(["setup", "claude-desktop", "-w", str(project), "--config", str(path), "--executable", str(exe)])
        != 0
    )
    assert "not valid JSON" in capsys.readouterr().err


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_desktop_setup_keeps_the_config_files_mode(tmp_path: Path, exe: Path, project: Path) -> None:
    path, _ = _desktop_config(tmp_path)
    path.chmod(0o640)
    setup_claude_desktop(project, config_path=path, executable=exe)
    assert path.stat().st_mode & 0o777 == 0o640
