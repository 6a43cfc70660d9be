"""One-step set-up of MCP hosts: Claude Desktop's config file and Claude Code's `claude mcp add`.

Claude Desktop reads `claude_desktop_config.json`; `setup_claude_desktop` adds or updates the
`mcpServers.aigentflow` entry there, keeping every other key (and its order), writing a
timestamped backup before it changes anything and replacing the file atomically. Running it
twice changes nothing the second time. Claude Code keeps its own registry, changed through its
CLI: `claude_code_argv` builds the `claude mcp add` line, `run_claude_code_setup` runs it
(without a shell) unless an identical entry is already there.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from aigentflow.errors import ConfigError

__all__ = [
    "SERVER_NAME",
    "ClaudeCodeScope",
    "DesktopSetupResult",
    "claude_code_argv",
    "claude_desktop_config_path",
    "claude_desktop_entry",
    "find_aigentflow_executable",
    "parse_claude_mcp_get",
    "run_claude_code_setup",
    "setup_claude_desktop",
]

logger = logging.getLogger(__name__)

SERVER_NAME = "aigentflow"
CONFIG_FILE_NAME = "claude_desktop_config.json"

ClaudeCodeScope = Literal["local", "project", "user"]


def claude_desktop_config_path(
    platform: str | None = None,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Where Claude Desktop keeps its config on `platform` (default: this one).

    macOS: ~/Library/Application Support/Claude; Windows: %APPDATA%\\Claude; Linux and others:
    $XDG_CONFIG_HOME/Claude (default ~/.config/Claude). The file itself need not exist.
    """
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    env = os.environ if env is None else env
    if platform == "darwin":
        directory = home / "Library" / "Application Support" / "Claude"
    elif platform.startswith("win"):
        appdata = env.get("APPDATA")
        directory = (Path(appdata) if appdata else home / "AppData" / "Roaming") / "Claude"
    else:
        xdg = env.get("XDG_CONFIG_HOME")
        directory = (Path(xdg) if xdg else home / ".config") / "Claude"
    return directory / CONFIG_FILE_NAME


def find_aigentflow_executable() -> Path:
    """The absolute path of the `aigentflow` command of this installation.

    The scripts directory of the running interpreter comes first, so a host launches the same
    installation that ran the set-up, not whichever `aigentflow` is first on its own PATH.
    Raises ConfigError when there is none.
    """
    name = "aigentflow.exe" if sys.platform.startswith("win") else "aigentflow"
    candidates = [Path(sysconfig.get_path("scripts")) / name, Path(sys.executable).parent / name]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.absolute()
    found = shutil.which("aigentflow")
    if found:
        return Path(found).absolute()
    raise ConfigError(
        "cannot find the `aigentflow` executable next to this Python or on PATH; "
        "install the package (python -m pip install aigentflow) or pass the executable's path"
    )


def claude_desktop_entry(workspace: Path, executable: Path) -> dict[str, Any]:
    """The `mcpServers` entry that makes Claude Desktop launch `aigentflow mcp` on `workspace`."""
    return {"command": str(executable), "args": ["mcp", "--workspace", str(workspace)]}


@dataclass(frozen=True)
class DesktopSetupResult:
    """What `setup_claude_desktop` did (or, with dry_run, would do).

    `diff` is a unified diff of the config file ("" when nothing changes); `backup` is the copy
    of the previous file (None when there was no file, nothing changed, or dry_run).
    """

    path: Path
    changed: bool
    written: bool
    backup: Path | None
    diff: str


def _load_config(path: Path) -> tuple[str, dict[str, Any]]:
    if not path.exists():
        return "", {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from exc
    if not text.strip():
        return text, {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "fix or move the file, nothing was changed"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a JSON object; nothing was changed")
    servers = data.get("mcpServers")
    if servers is not None and not isinstance(servers, dict):
        raise ConfigError(f"{path}: key 'mcpServers' must be a JSON object; nothing was changed")
    return text, data


def _indent_of(text: str) -> int:
    """The indentation the file already uses, so a rewrite does not reformat other entries."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" ")
        if stripped and len(stripped) < len(line):
            return len(line) - len(stripped)
    return 2


def _backup_path(path: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
        counter += 1
    return candidate


def _atomic_write(path: Path, text: str) -> None:
    """Write via a temp file in the same directory and rename, keeping the old file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def setup_claude_desktop(
    workspace: Path,
    *,
    config_path: Path | None = None,
    executable: Path | None = None,
    dry_run: bool = False,
    server_name: str = SERVER_NAME,
    now: datetime | None = None,
) -> DesktopSetupResult:
    """Add or update the `mcpServers.<server_name>` entry of Claude Desktop's config.

    Every other key keeps its value and position; the file's indentation is kept. When the
    entry is already as wanted nothing is written and no backup made. Otherwise the old file
    (if any) is copied to `<name>.<UTC timestamp>.bak` and the new one written atomically.
    With `dry_run` only the diff is computed. Malformed JSON raises ConfigError, writing nothing.
    """
    path = config_path if config_path is not None else claude_desktop_config_path()
    exe = executable if executable is not None else find_aigentflow_executable()
    entry = claude_desktop_entry(workspace.resolve(), exe.absolute())
    old_text, data = _load_config(path)
    servers: dict[str, Any] = data.setdefault("mcpServers", {})
    if servers.get(server_name) == entry:
        return DesktopSetupResult(path=path, changed=False, written=False, backup=None, diff="")
    servers[server_name] = entry
    new_text = json.dumps(data, indent=_indent_of(old_text), ensure_ascii=False) + "\n"
    diff = "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"{path} (before)",
            tofile=f"{path} (after)",
        )
    )
    if dry_run:
        return DesktopSetupResult(path=path, changed=True, written=False, backup=None, diff=diff)
    backup = None
    if path.exists():
        backup = _backup_path(path, now or datetime.now(UTC))
        shutil.copy2(path, backup)
    _atomic_write(path, new_text)
    logger.info("updated %s (backup: %s)", path, backup)
    return DesktopSetupResult(path=path, changed=True, written=True, backup=backup, diff=diff)


def claude_code_argv(
    workspace: Path,
    *,
    scope: ClaudeCodeScope = "local",
    executable: Path | None = None,
    claude: str = "claude",
    server_name: str = SERVER_NAME,
) -> list[str]:
    """`claude mcp add <name> --scope <scope> -- <exe> mcp --workspace <dir>` as an argv list."""
    exe = executable if executable is not None else find_aigentflow_executable()
    return [
        claude,
        "mcp",
        "add",
        server_name,
        "--scope",
        scope,
        "--",
        str(exe.absolute()),
        "mcp",
        "--workspace",
        str(workspace.resolve()),
    ]


_SCOPE_WORDS: dict[str, ClaudeCodeScope] = {"local": "local", "project": "project", "user": "user"}


def parse_claude_mcp_get(stdout: str) -> tuple[ClaudeCodeScope | None, list[str]] | None:
    """(scope, launch argv) from `claude mcp get <name>` output, None when it names no command.

    The CLI prints `Scope: Local config (…)`, `Command: <exe>` and `Args: <a b c>` lines.
    Arguments are split on spaces, as the CLI joins them with spaces.
    """
    scope: ClaudeCodeScope | None = None
    command: str | None = None
    args: list[str] = []
    for raw in stdout.splitlines():
        key, _, value = raw.strip().partition(":")
        value = value.strip()
        if key == "Scope":
            scope = _SCOPE_WORDS.get(value.split(" ", 1)[0].lower())
        elif key == "Command":
            command = value
        elif key == "Args":
            args = value.split()
    return None if not command else (scope, [command, *args])


def run_claude_code_setup(
    workspace: Path,
    *,
    scope: ClaudeCodeScope = "local",
    executable: Path | None = None,
    claude: str = "claude",
    server_name: str = SERVER_NAME,
    timeout_s: float = 60.0,
) -> bool:
    """Register the server with Claude Code; returns False when it already was, unchanged.

    Runs the `claude` CLI without a shell, from `workspace` (local and project scopes are tied
    to the directory). An entry of the same name that launches something else, or lives in
    another scope, is removed and added again. Raises ConfigError when the CLI is missing or
    fails, with its message.
    """
    argv = claude_code_argv(
        workspace, scope=scope, executable=executable, claude=claude, server_name=server_name
    )
    wanted = argv[argv.index("--") + 1 :]
    cwd = workspace.resolve()
    existing = _run_claude([claude, "mcp", "get", server_name], cwd, timeout_s, check=False)
    if existing.returncode == 0 and (registered := parse_claude_mcp_get(existing.stdout)) is not None:
        registered_scope, launch = registered
        if launch == wanted and registered_scope in (scope, None):
            return False
        remove = [claude, "mcp", "remove", server_name]
        if registered_scope is not None:
            remove += ["--scope", registered_scope]
        _run_claude(remove, cwd, timeout_s, check=True)
    _run_claude(argv, cwd, timeout_s, check=True)
    return True


def _run_claude(
    argv: list[str], cwd: Path, timeout_s: float, *, check: bool
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=timeout_s, check=False, shell=False
        )
    except FileNotFoundError as exc:
        raise ConfigError(
            f"cannot run `{argv[0]}`: Claude Code is not installed or not on PATH "
            "(npm install -g @anthropic-ai/claude-code)"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(f"`{' '.join(argv[:4])}` did not finish within {timeout_s:g} s") from exc
    if check and result.returncode != 0:
        message = (result.stderr or result.stdout).strip()
        raise ConfigError(f"`{' '.join(argv[:4])}` failed (exit {result.returncode}): {message}")
    return result
