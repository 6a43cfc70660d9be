"""`aigentflow fix [TARGET]`: build, test, classify and fix, with a live view of the state machine.

Exit code: 0 when the tests pass (or a verified fix was found, or applied with --apply),
1 when the run escalated (the report is printed), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from aigentflow.cli.serve import add_workspace_argument

HELP = "build, run the tests, classify failures and try verified fixes in a git worktree"


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument(
        "target", nargs="?", default=None, help="a test file or node id (default: every test)"
    )
    add_workspace_argument(parser)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--apply", action="store_true", help="apply a verified fix to the working tree")
    action.add_argument("--tests-only", action="store_true", help="run and classify the tests; fix nothing")
    action.add_argument("--accept", metavar="RUN_ID", help="apply the verified fix of an earlier run")
    action.add_argument("--reject", metavar="RUN_ID", help="discard the fix of an earlier run")


def _line(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def _fix(args: argparse.Namespace, services: object) -> int:
    from aigentflow.agents.records import RunRecord, RunState
    from aigentflow.services import Services

    assert isinstance(services, Services) and services.runs is not None
    runs = services.runs
    started = time.monotonic()

    def show(record: RunRecord) -> None:
        last = record.transitions[-1]
        _line(f"[{time.monotonic() - started:6.1f}s] {last.state.value.upper():<12} {last.note}")

    runs.watch(show)
    record = await runs.wait((await runs.start(args.target)).id)
    for failure in record.failures:
        _line(f"  {failure.classification.value:<13} {failure.test.id}: {failure.test.message}")
    if record.flaky:
        _line(f"  flaky (passed on retry): {', '.join(record.flaky)}")
    if record.state is RunState.ESCALATING and record.escalation is not None:
        _line("")
        _line(record.escalation.markdown)
        return 1
    if record.diff:
        _line("")
        sys.stdout.write(record.diff)
        if args.apply:
            files = runs.accept(record.id)
            _line(f"applied to {', '.join(files)}")
        else:
            _line(
                f"verified fix ready: `aigentflow fix --accept {record.id}` applies it, --reject discards it"
            )
    return 0 if record.state is RunState.COMPLETE else 1


async def _tests_only(args: argparse.Namespace, services: object) -> int:
    from aigentflow.services import Services

    assert isinstance(services, Services) and services.runs is not None
    report = await services.runs.run_tests(args.target)
    command = " ".join(report.commands.test) if report.commands else "(no test command found)"
    _line(f"{command}: {report.passed} passed, {len(report.failures)} failed, {len(report.flaky)} flaky")
    for failure in report.failures:
        _line(f"  {failure.classification.value:<13} {failure.test.id}: {failure.test.message}")
    return 0 if report.ok else 1


def run(args: argparse.Namespace) -> int:
    from aigentflow.compose import build_services

    services = build_services((args.workspace or Path.cwd()).resolve())
    assert services.runs is not None
    try:
        if args.accept:
            files = services.runs.accept(args.accept)
            _line(f"applied to {', '.join(files) or '(no files)'}")
            return 0
        if args.reject:
            services.runs.reject(args.reject)
            _line(f"discarded the fix of run {args.reject}")
            return 0
        return asyncio.run(_tests_only(args, services) if args.tests_only else _fix(args, services))
    finally:
        for close in reversed(services.closers):
            close()
