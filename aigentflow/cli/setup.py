"""`aigentflow setup claude-desktop|claude-code`: register this workspace's MCP server with a host.

`claude-desktop` edits Claude Desktop's `claude_desktop_config.json` (backup first; `--dry-run`
prints the diff only). `claude-code` prints the `claude mcp add` line, or runs it with `--run`.
Both are idempotent: a second run changes nothing.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from aigentflow.cli.serve import add_workspace_argument

__all__ = ["HELP", "add_arguments", "run"]

HELP = "register this workspace's MCP server with Claude Desktop or Claude Code"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    from aigentflow.setup_hosts import SERVER_NAME

    hosts = parser.add_subparsers(dest="host", metavar="HOST", required=True)
    desktop = hosts.add_parser(
        "claude-desktop", help="add or update the server in Claude Desktop's config file"
    )
    code = hosts.add_parser("claude-code", help="print (or --run) the `claude mcp add` line")
    for sub in (desktop, code):
        add_workspace_argument(sub)
        sub.add_argument(
            "--name", default=SERVER_NAME, help=f"server name in the host (default: {SERVER_NAME})"
        )
        sub.add_argument(
            "--executable",
            type=Path,
            default=None,
            help="the aigentflow executable (default: this installation's)",
        )
    desktop.add_argument("--dry-run", action="store_true", help="print the change, write nothing")
    desktop.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the config file (default: Claude Desktop's on this platform)",
    )
    code.add_argument(
        "--scope", choices=("local", "project", "user"), default="local", help="claude mcp scope"
    )
    code.add_argument("--run", action="store_true", help="run the line (skipped when already registered)")
    code.add_argument("--claude", default="claude", help="the Claude Code executable (default: claude)")


def run(args: argparse.Namespace) -> int:
    workspace = (args.workspace or Path.cwd()).resolve()
    if args.host == "claude-desktop":
        return _claude_desktop(args, workspace)
    return _claude_code(args, workspace)


def _claude_desktop(args: argparse.Namespace, workspace: Path) -> int:
    from aigentflow.setup_hosts import setup_claude_desktop

    result = setup_claude_desktop(
        workspace,
        config_path=args.config,
        executable=args.executable,
        dry_run=args.dry_run,
        server_name=args.name,
    )
    out = sys.stdout
    if not result.changed:
        out.write(f"{result.path}: '{args.name}' already serves {workspace}; nothing to do\n")
    elif not result.written:
        out.write(result.diff)
        out.write(f"(dry run: {result.path} not changed)\n")
    else:
        out.write(result.diff)
        backup = f" (backup: {result.backup})" if result.backup else ""
        out.write(
            f"updated {result.path}{backup}\nRestart Claude Desktop to load the '{args.name}' server.\n"
        )
    return 0


def _claude_code(args: argparse.Namespace, workspace: Path) -> int:
    from aigentflow.setup_hosts import claude_code_argv, run_claude_code_setup

    argv = claude_code_argv(
        workspace, scope=args.scope, executable=args.executable, claude=args.claude, server_name=args.name
    )
    if not args.run:
        sys.stdout.write(f"cd {shlex.quote(str(workspace))} && {shlex.join(argv)}\n")
        return 0
    changed = run_claude_code_setup(
        workspace, scope=args.scope, executable=args.executable, claude=args.claude, server_name=args.name
    )
    if changed:
        sys.stdout.write(f"registered '{args.name}' with Claude Code ({args.scope} scope) for {workspace}\n")
    else:
        sys.stdout.write(
            f"'{args.name}' is already registered with Claude Code for {workspace}; nothing to do\n"
        )
    return 0
