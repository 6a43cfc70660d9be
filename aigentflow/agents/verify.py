"""One fix attempt, checked: apply the patch in the worktree, guard it, re-test, decide.

`PatchTrial.run` returns a `Verdict`: VERIFIED (the failing tests pass, then the whole suite),
RETRY (the attempt is rejected; another may follow) or ESCALATE (stop: the patch leaves the
failure's scope, adds a security finding, brings the same error back or breaks other tests).
It sets the attempt's diff, files and reason; the state machine (`loop.py`) acts on the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from aigentflow.agents.check import BUILD_ID, observe, retargetable
from aigentflow.agents.patch import PatchError, ProposedPatch, apply_patch
from aigentflow.agents.records import AttemptRecord, FailureRecord
from aigentflow.agents.runner import TestRunner
from aigentflow.agents.scope import security_findings
from aigentflow.agents.worktree import FixWorktree
from aigentflow.review.engine import ReviewEngine

__all__ = ["PatchTrial", "Verdict", "VerdictKind"]


class VerdictKind(StrEnum):
    VERIFIED = "verified"
    RETRY = "retry"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    reason: str
    passed: int = 0  # tests passing in the last run (VERIFIED)


@dataclass
class PatchTrial:
    """What every attempt of one run is checked against."""

    runner: TestRunner
    workdir: Path
    tree: FixWorktree
    failures: list[FailureRecord]
    scope: set[str]
    known_bad: set[str]  # failing before any fix (and flaky): not the patch's fault
    review: ReviewEngine | None = None
    build_timeout_s: float = 600.0
    seen_signatures: set[str] = field(default_factory=set)

    def run(self, attempt: AttemptRecord, patch: ProposedPatch, stage: Callable[[str], None]) -> Verdict:
        """Check `patch` as attempt `attempt`; `stage(note)` is called before each re-test."""
        self.tree.reset()
        try:
            files = apply_patch(self.workdir, patch)
        except PatchError as exc:
            return self._reject(attempt, f"does not apply: {exc}")
        top = [(self.workdir / f).resolve().relative_to(self.tree.path.resolve()).as_posix() for f in files]
        attempt.diff, attempt.files = self.tree.diff(top), files
        if outside := [f for f in files if f not in self.scope]:
            attempt.reason = f"touches files outside the failure's scope: {', '.join(outside)}"
            return Verdict(VerdictKind.ESCALATE, f"the patch {attempt.reason}")
        if findings := security_findings(self.review, self.tree, self.workdir, files):
            attempt.reason = "security finding in the patch: " + "; ".join(findings)
            return Verdict(VerdictKind.ESCALATE, attempt.reason)
        stage(f"attempt {attempt.number}: re-running the failing tests")
        targets = retargetable(self.runner.commands, self.failures)
        build = any(f.test.id == BUILD_ID for f in self.failures) or bool(self.runner.commands.build)
        again = observe(
            self.runner, self.workdir, targets or (), build=build, build_timeout_s=self.build_timeout_s
        )
        if not again.ok:
            summary = "; ".join(f"{f.test.id}: {f.test.message}" for f in again.failures[:3])
            if any(f.signature in self.seen_signatures for f in again.failures):
                attempt.reason = f"the same error recurs: {summary}"
                return Verdict(
                    VerdictKind.ESCALATE, f"the same error recurs after attempt {attempt.number} ({summary})"
                )
            self.seen_signatures.update(f.signature for f in again.failures)
            return self._reject(attempt, f"the failing tests still fail: {summary}")
        if targets is not None:  # the whole suite once before the diff is offered
            stage(f"attempt {attempt.number}: full suite")
            again = observe(self.runner, self.workdir, (), build=False)
            if broken := [f for f in again.failures if f.test.id not in self.known_bad]:
                attempt.reason = f"makes other tests fail: {', '.join(f.test.id for f in broken[:5])}"
                return Verdict(
                    VerdictKind.ESCALATE, f"the patch of attempt {attempt.number} {attempt.reason}"
                )
            failing = {f.test.id for f in self.failures}
            if still := [f for f in again.failures if f.test.id in failing]:
                return self._reject(attempt, f"passes alone but fails in the full run: {still[0].test.id}")
        attempt.outcome, attempt.reason = "verified", "the failing tests pass and the full suite is green"
        return Verdict(VerdictKind.VERIFIED, attempt.reason, again.passed)

    @staticmethod
    def _reject(attempt: AttemptRecord, reason: str) -> Verdict:
        attempt.reason = reason
        return Verdict(VerdictKind.RETRY, reason)
