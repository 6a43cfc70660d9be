"""One look at the project: build, run the tests, classify what failed, retry to spot flaky tests.

Used by the loop (before and after every fix) and alone by `run_tests`. Nothing here writes
to the project: it runs in whatever directory it is given (a fix worktree, or the user's tree
when only testing).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from aigentflow.agents.classify import FailureClass, classify_failure, error_signature, project_modules
from aigentflow.agents.detect import ProjectCommands
from aigentflow.agents.records import FailureRecord
from aigentflow.agents.results import CaseOutcome, TestCase
from aigentflow.agents.runner import CommandResult, TestRunner

__all__ = ["Observation", "build_failure", "observe", "retargetable", "split_flaky"]

BUILD_ID = "<build>"


class Observation(BaseModel):
    """What one build + test run showed."""

    failures: list[FailureRecord] = Field(default_factory=list)
    passed: int = 0
    build_failed: bool = False
    build_output: str = ""
    structured: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures


def build_failure(result: CommandResult) -> FailureRecord:
    """A failed build as one failure (ENVIRONMENT when the tool is missing)."""
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    message = result.missing or (
        "timed out" if result.timed_out else (lines[-1] if lines else "build failed")
    )
    case = TestCase(
        id=BUILD_ID,
        name=" ".join(result.argv),
        outcome=CaseOutcome.ERROR,
        message=message[:500],
        details=f"$ {' '.join(result.argv)}\n{result.output[-6000:]}",
    )
    kind = (
        FailureClass.ENVIRONMENT
        if result.missing
        else (FailureClass.TIMEOUT if result.timed_out else FailureClass.BUILD_ERROR)
    )
    return FailureRecord(test=case, classification=kind, signature=error_signature(case, kind))


def _classified(cases: Sequence[TestCase], root: Path, timed_out: bool, missing: bool) -> list[FailureRecord]:
    modules = project_modules(root)
    out = []
    for case in cases:
        kind = FailureClass.ENVIRONMENT if missing else classify_failure(case, modules, timed_out=timed_out)
        out.append(FailureRecord(test=case, classification=kind, signature=error_signature(case, kind)))
    return out


def observe(
    runner: TestRunner,
    workdir: Path,
    targets: Sequence[str] = (),
    *,
    build: bool = True,
    build_timeout_s: float = 600,
) -> Observation:
    """Build (when the project has a build and `build`), then run the tests (all or `targets`)."""
    result = runner.build(workdir, build_timeout_s) if build else None
    if result is not None and not result.ok:
        return Observation(
            failures=[build_failure(result)], build_failed=True, build_output=result.output[-4000:]
        )
    run = runner.run(workdir, targets)
    failures = _classified(run.failures, workdir, run.result.timed_out, run.result.missing is not None)
    passed = sum(1 for case in run.cases if case.outcome is CaseOutcome.PASSED)
    return Observation(
        failures=failures,
        passed=passed,
        build_output=result.output[-4000:] if result else "",
        structured=run.structured,
    )


def retargetable(commands: ProjectCommands, failures: Sequence[FailureRecord]) -> list[str] | None:
    """Node ids to re-run just these failures, or None when only a full run can show them."""
    if commands.runner not in ("pytest", "jest", "vitest", "node"):
        return None
    ids = [f.test.id for f in failures]
    if not ids or any(i.startswith("<") for i in ids):
        return None
    return ids


def split_flaky(
    runner: TestRunner, workdir: Path, failures: list[FailureRecord], retries: int
) -> tuple[list[FailureRecord], list[str]]:
    """Re-run failing tests immediately up to `retries` times; those that pass are flaky.

    Returns (the failures that kept failing, the ids of the flaky ones). Build, timeout and
    environment failures are not retried: a retry cannot change them.
    """
    candidates = [
        f
        for f in failures
        if f.classification not in (FailureClass.ENVIRONMENT, FailureClass.TIMEOUT, FailureClass.BUILD_ERROR)
    ]
    ids = retargetable(runner.commands, candidates)
    if ids is None or retries <= 0:
        return failures, []
    flaky: set[str] = set()
    pending = list(ids)
    for _ in range(retries):
        if not pending:
            break
        run = runner.run(workdir, pending)
        still = {case.id for case in run.failures}
        if run.result.timed_out or not run.structured:
            break
        flaky |= {i for i in pending if i not in still}
        pending = [i for i in pending if i in still]
    return [f for f in failures if f.test.id not in flaky], sorted(flaky)
