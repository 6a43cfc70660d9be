"""`aigentflow serve`: run the workspace daemon in the foreground."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from aigentflow.errors import DaemonAlreadyRunning

HELP = "run the workspace daemon in the foreground"


def add_workspace_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace", "-w", type=Path, default=None, help="workspace root (default: the current directory)"
    )


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    add_workspace_argument(parser)
    parser.add_argument("--log-file", type=Path, default=None, help="log here instead of stderr")


def run(args: argparse.Namespace) -> int:
    from aigentflow.compose import build_services
    from aigentflow.daemon import Daemon, DaemonLock
    from aigentflow.locations import DaemonPaths
    from aigentflow.logs import configure_logging
    from aigentflow.remote import EXIT_ALREADY_RUNNING

    root = (args.workspace or Path.cwd()).resolve()
    paths = DaemonPaths.for_workspace(root)
    lock = DaemonLock(paths)
    try:
        lock.acquire()
    except DaemonAlreadyRunning as exc:
        sys.stderr.write(f"aigentflow serve: {exc}\n")
        return EXIT_ALREADY_RUNNING
    try:
        services = build_services(root)  # ConfigError here: nothing starts half-configured
        configure_logging(services.settings.daemon.log_level, args.log_file)
        asyncio.run(Daemon(services, paths).run())
    finally:
        lock.release()
    return 0
