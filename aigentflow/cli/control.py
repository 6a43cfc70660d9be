"""`aigentflow status` and `aigentflow stop`: talk to the running daemon."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from aigentflow.cli.serve import add_workspace_argument
from aigentflow.errors import DaemonUnavailable

HELP = "show the state of, or stop, the workspace daemon"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    add_workspace_argument(parser)
    if command == "status":
        parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from aigentflow.remote import control, wait_stopped

    root = (args.workspace or Path.cwd()).resolve()
    try:
        reply = control(root, args.command)
    except DaemonUnavailable:
        sys.stdout.write(f"no daemon is running for {root}\n")
        return 1 if args.command == "status" else 0
    if not reply.get("ok"):
        sys.stderr.write(f"aigentflow {args.command}: {reply.get('error')}\n")
        return 1
    if args.command == "stop":
        if not wait_stopped(root):
            sys.stderr.write(f"aigentflow stop: the daemon for {root} is still running after 30 s\n")
            return 1
        sys.stdout.write(f"stopped the daemon for {root}\n")
    elif args.json:
        sys.stdout.write(json.dumps(reply["status"], indent=2) + "\n")
    else:
        for key, value in reply["status"].items():
            sys.stdout.write(f"{key:18} {value}\n")
    return 0
