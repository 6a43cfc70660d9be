"""MCP tools over build-test-fix runs: start one, watch it, accept or reject its fix, or just test.

`build_test_fix` returns the run's id at once (or, with `wait`, streams progress notifications
until the run ends); `run_status` and the resource `aigentflow://runs/{id}` give its state,
failures, attempts, verified diff or escalation report.
"""

from __future__ import annotations

import asyncio

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import BaseModel, Field

from aigentflow.agents.records import RunRecord
from aigentflow.agents.runs import RunError, RunManager, TestReport
from aigentflow.errors import AigentflowError
from aigentflow.server.annotations import MUTATING, READ_ONLY
from aigentflow.services import Services

__all__ = ["RunStatus", "TestRunResult", "register", "run_status_of"]

MAX_TEXT = 20_000
MAX_ITEMS = 50


class FailureOut(BaseModel):
    test: str
    classification: str
    message: str
    file: str | None = None
    line: int | None = None


class AttemptOut(BaseModel):
    number: int
    outcome: str
    reason: str
    files: list[str] = Field(default_factory=list)


class RunStatus(BaseModel):
    """A run's state and, once it ended, its verified diff or its escalation report."""

    run_id: str
    state: str
    done: bool
    target: str | None = None
    history: list[str] = Field(description="'state: note' for every transition, oldest first.")
    failures: list[FailureOut] = Field(default_factory=list)
    flaky: list[str] = Field(default_factory=list)
    attempts: list[AttemptOut] = Field(default_factory=list)
    diff: str | None = Field(default=None, description="The verified fix (accept it with accept_fix).")
    changed_files: list[str] = Field(default_factory=list)
    report: str | None = Field(default=None, description="The escalation report (markdown).")
    resolution: str | None = None
    truncated: bool = False


class TestRunResult(BaseModel):
    __test__ = False

    ok: bool
    command: list[str] | None
    passed: int
    failures: list[FailureOut]
    flaky: list[str]
    build_output: str = ""
    truncated: bool = False


def _clip(text: str | None) -> tuple[str | None, bool]:
    if text is None or len(text) <= MAX_TEXT:
        return text, False
    return text[:MAX_TEXT] + "\n… (truncated)", True


def _failures(records: list) -> list[FailureOut]:  # type: ignore[type-arg]
    return [
        FailureOut(test=f.test.id, classification=f.classification.value, message=f.test.message,
                   file=f.test.file, line=f.test.line)
        for f in records[:MAX_ITEMS]
    ]  # fmt: skip


def run_status_of(record: RunRecord) -> RunStatus:
    """The MCP view of a run record (bounded)."""
    diff, cut_diff = _clip(record.diff)
    report, cut_report = _clip(record.escalation.markdown if record.escalation else None)
    return RunStatus(
        run_id=record.id,
        state=record.state.value,
        done=record.done,
        target=record.target,
        history=[f"{t.state.value}: {t.note}" for t in record.transitions][-MAX_ITEMS:],
        failures=_failures(record.failures),
        flaky=record.flaky[:MAX_ITEMS],
        attempts=[
            AttemptOut(number=a.number, outcome=a.outcome, reason=a.reason, files=a.files)
            for a in record.attempts
        ],
        diff=diff,
        changed_files=record.changed_files,
        report=report,
        resolution=record.resolution,
        truncated=cut_diff or cut_report or len(record.failures) > MAX_ITEMS,
    )


def _runs(services: Services) -> RunManager:
    if services.runs is None:
        raise ToolError("build-test-fix is not available in this daemon")
    return services.runs


def _check_target(services: Services, target: str | None) -> None:
    try:
        _runs(services).check_target(target)
    except RunError as exc:
        raise ToolError(str(exc)) from exc


async def _follow(ctx: Context[Services], runs: RunManager, run_id: str) -> RunRecord:
    """Report each transition of the run as a progress notification until it ends."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[RunRecord] = asyncio.Queue()
    stop = runs.watch(lambda r: loop.call_soon_threadsafe(queue.put_nowait, r) if r.id == run_id else None)
    try:
        record = runs.get(run_id)
        while not record.done:
            record = await queue.get()
            last = record.transitions[-1]
            await ctx.report_progress(len(record.transitions), None, f"{last.state.value}: {last.note}")
        return record
    finally:
        stop()


def register(mcp: MCPServer[Services]) -> None:
    from aigentflow.server.app import services_of

    @mcp.tool(title="Build, test and fix", annotations=MUTATING)
    async def build_test_fix(
        ctx: Context[Services], target: str | None = None, wait: bool = False
    ) -> RunStatus:
        """Build the project, run its tests (all, or `target`: a test file or node id), classify
        the failures and try model-proposed fixes in an isolated git worktree. Returns the run id
        at once; poll `run_status` (or pass `wait=true` for progress notifications until it ends).
        The user's files change only when `accept_fix` is called on a verified fix."""
        services = services_of(ctx)
        _check_target(services, target)
        runs = _runs(services)
        record = await runs.start(target)
        if wait:
            record = await _follow(ctx, runs, record.id)
        return run_status_of(record)

    @mcp.tool(title="Status of a build-test-fix run", annotations=READ_ONLY)
    async def run_status(ctx: Context[Services], run_id: str) -> RunStatus:
        """State, history, failures, attempts and the verified diff or escalation report of a run."""
        try:
            return run_status_of(_runs(services_of(ctx)).get(run_id))
        except RunError as exc:
            raise ToolError(str(exc)) from exc

    # running a project's tests executes its code: never advertised as read-only
    @mcp.tool(title="Run the tests", annotations=MUTATING)
    async def run_tests(ctx: Context[Services], target: str | None = None) -> TestRunResult:
        """Build and run the tests once (all, or `target`), classify failures and spot flaky
        tests; nothing is fixed or written."""
        services = services_of(ctx)
        _check_target(services, target)
        report: TestReport = await _runs(services).run_tests(target)
        output, cut = _clip(report.build_output)
        return TestRunResult(
            ok=report.ok, command=report.commands.test if report.commands else None, passed=report.passed,
            failures=_failures(report.failures), flaky=report.flaky, build_output=output or "",
            truncated=cut or len(report.failures) > MAX_ITEMS,
        )  # fmt: skip

    @mcp.tool(title="Accept a verified fix", annotations=MUTATING)
    async def accept_fix(ctx: Context[Services], run_id: str) -> RunStatus:
        """Apply a run's verified fix to the working tree (then its worktree is removed)."""
        runs = _runs(services_of(ctx))
        try:
            await asyncio.to_thread(runs.accept, run_id)
            return run_status_of(runs.get(run_id))
        except AigentflowError as exc:
            raise ToolError(str(exc)) from exc

    @mcp.tool(title="Reject a fix", annotations=MUTATING)
    async def reject_fix(ctx: Context[Services], run_id: str) -> RunStatus:
        """Discard a run's fix: its worktree and branch are deleted; the working tree is unchanged."""
        runs = _runs(services_of(ctx))
        try:
            await asyncio.to_thread(runs.reject, run_id)
            return run_status_of(runs.get(run_id))
        except AigentflowError as exc:
            raise ToolError(str(exc)) from exc

    @mcp.resource(
        "aigentflow://runs/{run_id}",
        name="run",
        title="Build-test-fix run",
        description="State, progress and final report of one build-test-fix run, as JSON.",
        mime_type="application/json",
    )
    async def run_resource(run_id: str, ctx: Context[Services]) -> str:
        try:
            return run_status_of(_runs(services_of(ctx)).get(run_id)).model_dump_json()
        except (RunError, ToolError) as exc:
            raise ResourceError(str(exc)) from exc
