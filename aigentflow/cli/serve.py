"""`aigentflow serve`: run the workspace daemon in the foreground."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aigentflow.errors import DaemonAlreadyRunning, WorkspaceError

HELP = "run the workspace daemon in the foreground"


def add_workspace_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace", "-w", type=Path, default=None, help="workspace root (default: the current directory)"
    )


def workspace_root(given: Path | None) -> Path:
    """The workspace a daemon serves: --workspace, else the current directory.

    The filesystem root and the home directory are refused: an MCP host that starts us with
    its own working directory (often `/` or `~`) must not get the whole disk indexed and watched.
    """
    root = (given or Path.cwd()).resolve()
    if root == Path(root.anchor) or root == Path.home().resolve():
        raise WorkspaceError(
            f"{root} is not a project: pass --workspace /path/to/project (a host that starts"
            " `aigentflow mcp` usually runs it from / or your home folder)"
        )
    return root


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    add_workspace_argument(parser)
    parser.add_argument("--log-file", type=Path, default=None, help="log here instead of stderr")


def run(args: argparse.Namespace) -> int:
    from aigentflow.context.heap import limit_malloc_arenas

    limit_malloc_arenas()  # first, while this process has one thread: every later one is capped
    from aigentflow.compose import build_services
    from aigentflow.daemon import Daemon, DaemonLock
    from aigentflow.locations import DaemonPaths
    from aigentflow.logs import configure_logging
    from aigentflow.remote import EXIT_ALREADY_RUNNING

    root = workspace_root(args.workspace)
    paths = DaemonPaths.for_workspace(root)
    lock = DaemonLock(paths)
    try:
        lock.acquire()
    except DaemonAlreadyRunning as exc:
        sys.stderr.write(f"aigentflow serve: {exc}\n")
        return EXIT_ALREADY_RUNNING
    try:
        services = build_services(root)  # ConfigError here: nothing starts half-configured
        from aigentflow.gctune import tune_gc

        tune_gc()
        configure_logging(services.settings.daemon.log_level, args.log_file)
        import asyncio

        asyncio.run(Daemon(services, paths).run())
    finally:
        lock.release()
    return 0
