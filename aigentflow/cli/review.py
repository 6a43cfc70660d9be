"""`aigentflow review PATH...`: review files or folders in-process and print the findings.

Exit code: 0 when no finding is at or above `--fail-on`, 1 when one is, 2 on errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aigentflow.cli.serve import add_workspace_argument
from aigentflow.errors import WorkspaceError
from aigentflow.review.findings import Severity

HELP = "review files or folders and print the findings"
FORMATS = ("text", "json", "sarif")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument(
        "paths", nargs="*", type=Path, default=[Path(".")], help="files or folders (default: .)"
    )
    add_workspace_argument(parser)
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")
    parser.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity] + ["none"],
        default=None,
        help="exit 1 when a finding is at or above this severity (default: review.fail_on, 'high')",
    )
    parser.add_argument(
        "--output", "-o", type=Path, default=None, help="write the report here instead of stdout"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        help="worker processes for a tree (default: one per CPU core; 1: no workers)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every file, ignoring findings cached in .aigentflow/cache/review.db",
    )
    parser.add_argument(
        "--diff",
        nargs="?",
        const="",
        default=None,
        metavar="REV",
        help="review only lines changed since REV (default: staged changes against HEAD)",
    )


def workspace_root(paths: list[Path], given: Path | None) -> Path:
    """The workspace: --workspace, else the current directory when it holds every path,
    else the first path (a folder) or its folder."""
    if given is not None:
        return given.resolve()
    cwd = Path.cwd().resolve()
    resolved = [p.resolve() for p in paths]
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    first = resolved[0]
    return first if first.is_dir() else first.parent


def run(args: argparse.Namespace) -> int:
    from aigentflow.compose import build_core
    from aigentflow.gctune import tune_gc
    from aigentflow.review.report import to_json, to_sarif, to_text

    paths: list[Path] = args.paths
    root = workspace_root(paths, args.workspace)
    services = build_core(root)  # review needs no index, models or runs
    tune_gc()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise WorkspaceError(f"no such file or folder: {', '.join(missing)}")
    if args.diff is not None:
        from aigentflow.review.diff import review_diff

        report = review_diff(services.workspace, services.review, args.diff or None).report
    else:
        from aigentflow.review.cache import ReviewCache, rules_fingerprint

        jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
        cache = None
        if not args.no_cache:
            fingerprint = rules_fingerprint(services.settings.review)
            cache = ReviewCache(services.workspace.state_dir() / "cache" / "review.db", fingerprint)
        targets = [p.resolve() for p in paths]
        report = services.review.check_paths(services.workspace, targets, jobs=jobs, cache=cache)
    if args.format == "json":
        output = to_json(report.findings)
    elif args.format == "sarif":
        output = to_sarif(report, services.review.rules, services.workspace.root)
    else:
        output = to_text(report)
    if args.output is not None:
        args.output.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    fail_on = args.fail_on or services.settings.review.fail_on.value
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on)
    return 1 if any(f.severity.at_least(threshold) for f in report.findings) else 0
