"""`aigentflow cost`: what model calls have cost in this workspace, against its budgets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aigentflow.cli.serve import add_workspace_argument

HELP = "summarise model spend (by model, purpose, task) against the budgets"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    add_workspace_argument(parser)
    parser.add_argument("--since-days", type=float, default=None, help="only calls of the last N days")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    from aigentflow.compose import build_services
    from aigentflow.llm.cost_report import cost_summary

    services = build_services((args.workspace or Path.cwd()).resolve())
    summary = cost_summary(services.state, services.settings.llm.budget, since_days=args.since_days)
    if args.json:
        sys.stdout.write(summary.model_dump_json(indent=2) + "\n")
        return 0
    budget = f" of ${summary.project_budget_usd:.2f} project budget" if summary.project_budget_usd else ""
    lines = [f"Spent ${summary.total_usd:.4f}{budget} in {summary.calls} call(s)."]
    for title, rows in (
        ("model", summary.by_model),
        ("purpose", summary.by_purpose),
        ("task", summary.by_task),
    ):
        if rows:
            lines.append(f"\nBy {title}:")
            lines += [
                f"  {r.key:<40} {r.calls:>5} calls {r.tokens_in:>9} in {r.tokens_out:>8} out"
                f"  ${r.cost_usd:.4f}"
                for r in rows
            ]
    if summary.guard_events:
        lines.append("\nGuardrail events:")
        lines += [f"  {k:<30} {v}" for k, v in sorted(summary.guard_events.items())]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
