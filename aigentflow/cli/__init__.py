"""The `aigentflow` command line.

Each subcommand is a module in this package with `HELP: str`, `add_arguments(parser)` and
`run(args) -> int` (the exit code). Modules are imported only when their command runs, so
`aigentflow review` never pays for the MCP or LSP stacks. Add a command by naming its module
in `COMMANDS`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from aigentflow import __version__
from aigentflow.errors import AigentflowError

__all__ = ["COMMANDS", "main"]

# command name -> module under aigentflow.cli
COMMANDS: dict[str, str] = {
    "serve": "serve",
    "lsp": "frontends",
    "mcp": "frontends",
    "status": "control",
    "stop": "control",
    "review": "review",
    "config": "config_cmd",
    "index": "index",
    "search": "search",
    "setup": "setup",
    "cost": "cost",
    "fix": "fix",
}

# One line of help per command, so `aigentflow --help` needs no imports.
SUMMARIES: dict[str, str] = {
    "serve": "run the workspace daemon in the foreground",
    "lsp": "LSP on stdio for editors (attaches to or starts the daemon)",
    "mcp": "MCP on stdio (or --http) for Claude and other MCP hosts",
    "status": "show the workspace daemon's state",
    "stop": "stop the workspace daemon",
    "review": "review files or folders and print the findings",
    "config": "show the merged configuration or its JSON Schema",
    "index": "build or refresh the code index (files, chunks, embeddings)",
    "search": "search the code index (hybrid keyword + semantic)",
    "setup": "register this workspace's MCP server with Claude Desktop or Claude Code",
    "cost": "summarise model spend (by model, purpose, task) against the budgets",
    "fix": "build, test, classify failures and try verified fixes in a git worktree",
}


def _command_of(args: Sequence[str]) -> str | None:
    return next((a for a in args if not a.startswith("-")), None)


def _module(command: str) -> ModuleType:
    return importlib.import_module(f"aigentflow.cli.{COMMANDS[command]}")


def _parser(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aigentflow", description="Aigentflow: a local coding orchestrator daemon."
    )
    parser.add_argument("--version", action="version", version=f"aigentflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        child = sub.add_parser(name, help=SUMMARIES.get(name, ""), description=SUMMARIES.get(name, ""))
        if name == command:  # only the chosen command's module is imported
            _module(name).add_arguments(child, name)
    return parser


# Commands that end holding a large heap and nothing to clean up (every file they write is
# closed, their output flushed): they exit without tearing the heap down. `aigentflow review`
# of a tree spent ~0.5 s freeing syntax trees after its report was written.
_QUICK_EXIT = frozenset({"review"})


def entry() -> NoReturn:
    """The `aigentflow` executable (and `python -m aigentflow`): `main`, then exit."""
    code = main()
    if _command_of(sys.argv[1:]) in _QUICK_EXIT:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to deliver
                stream.flush()
        os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command, return its exit code (2 for usage and errors)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = _command_of(args_list)
    parser = _parser(command if command in COMMANDS else None)
    args = parser.parse_args(args_list)
    try:
        return int(_module(args.command).run(args))
    except AigentflowError as exc:
        sys.stderr.write(f"aigentflow {args.command}: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `aigentflow review . | head`: the reader left, nothing to report
        sys.stderr.close()
        return 141
