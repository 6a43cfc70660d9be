"""The build-test-fix state machine.

IDLE → BUILDING → TESTING → CLASSIFYING → BUG_FIXING → RETESTING → (BUG_FIXING …) →
COMPLETE or ESCALATING. Every transition is saved (`RunStore`) and published on the bus
(`RunTransition`), so any client can watch a run and a restarted daemon can read or resume it.

Everything runs in a git worktree that starts as a snapshot of the user's working tree; the user's
files change only when a verified fix is accepted. Escalation, never a guess, when: the failure is
the environment's, no model is configured, a patch leaves the failure's scope or adds a security
finding, the same error recurs after a fix, a fix breaks other tests, or the attempts run out.
The loop is synchronous (subprocesses, git) and meant to run in a worker thread; `cancel` stops
it between steps.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from aigentflow.agents.check import Observation, build_failure, observe, split_flaky
from aigentflow.agents.classify import FailureClass
from aigentflow.agents.context import (
    AttemptSummary,
    FailureInfo,
    FixerContext,
    Retriever,
    build_fixer_context,
)
from aigentflow.agents.detect import detect_commands
from aigentflow.agents.escalation import build_escalation
from aigentflow.agents.fixer import PatchProposer
from aigentflow.agents.records import (
    AttemptRecord,
    FailureRecord,
    RunRecord,
    RunState,
    RunStore,
    RunTransition,
    Transition,
)
from aigentflow.agents.runner import TestRunner
from aigentflow.agents.scope import failure_scope
from aigentflow.agents.settings import FixSettings
from aigentflow.agents.verify import PatchTrial, VerdictKind
from aigentflow.agents.worktree import FixWorktree, git, repo_root
from aigentflow.errors import AigentflowError, ProviderError
from aigentflow.events import EventBus
from aigentflow.review.engine import ReviewEngine

__all__ = ["BuildTestFixLoop", "backoff_delay"]

logger = logging.getLogger(__name__)


class _Cancelled(Exception):
    pass


class _Stop(Exception):
    """Raised after the run reached a terminal state, to leave the state machine."""


def backoff_delay(settings: FixSettings, retry: int, rng: random.Random) -> float:
    """Delay before retry number `retry` (0-based): min(max, initial x 2^retry) ± jitter."""
    base = min(settings.max_delay_s, settings.initial_delay_s * float(2**retry))
    return float(max(0.0, base * (1 + rng.uniform(-settings.jitter, settings.jitter))))


class BuildTestFixLoop:
    """Runs one project's build-test-fix loop; `run(record)` drives a record to a terminal state."""

    def __init__(
        self,
        root: Path,
        settings: FixSettings,
        *,
        store: RunStore | None = None,
        bus: EventBus | None = None,
        proposer: PatchProposer | None = None,
        no_model_reason: str = "no model is configured for fixes (llm.providers / llm.tiers)",
        review: ReviewEngine | None = None,
        worktree_dir: Path | None = None,
        on_transition: Callable[[RunRecord], None] | None = None,
        cancel: threading.Event | None = None,
        rng: random.Random | None = None,
        retriever: Retriever | None = None,
    ) -> None:
        self.root = root.resolve()
        self.settings = settings
        self.store = store
        self.bus = bus
        self.proposer = proposer
        self.no_model_reason = no_model_reason
        self.review = review
        self.worktree_dir = worktree_dir or self.root.parent / ".aigentflow-worktrees"
        self.on_transition = on_transition
        self.cancel = cancel or threading.Event()
        self.rng = rng or random.Random()
        self.retriever = retriever

    def new_record(self, target: str | None = None) -> RunRecord:
        record = RunRecord(id=uuid.uuid4().hex[:12], root=str(self.root), target=target)
        self._transition(record, RunState.IDLE, "created")
        return record

    # -- transitions ----------------------------------------------------------------------------

    def _transition(self, record: RunRecord, state: RunState, note: str = "") -> None:
        import time

        record.state = state
        record.transitions.append(Transition(state=state, at=time.time(), note=note))
        if self.store is not None:
            self.store.save(record)
        if self.bus is not None:
            self.bus.publish(
                RunTransition(run_id=record.id, state=state.value, note=note, attempt=len(record.attempts))
            )
        if self.on_transition is not None:
            self.on_transition(record)
        logger.info("run %s: %s %s", record.id, state.value, note)

    def _escalate(
        self, record: RunRecord, reason: str, context: FixerContext | None, tree: FixWorktree | None
    ) -> None:
        record.escalation = build_escalation(record, reason, context)
        if tree is not None:
            tree.remove()
            record.worktree = None
        self._transition(record, RunState.ESCALATING, reason)
        raise _Stop

    def _checkpoint(self) -> None:
        if self.cancel.is_set():
            raise _Cancelled

    # -- the run --------------------------------------------------------------------------------

    def run(self, record: RunRecord) -> RunRecord:
        """Drive `record` to COMPLETE, ESCALATING or CANCELLED; never raises for the project's faults."""
        try:
            self._run(record)
        except _Stop:
            pass
        except _Cancelled:
            self._cleanup(record)
            self._transition(record, RunState.CANCELLED, "cancelled")
        except (AigentflowError, OSError) as exc:  # git, files: report them, keep the daemon alive
            logger.exception("run %s failed", record.id)
            self._cleanup(record)
            record.escalation = build_escalation(record, f"the loop failed: {exc}", None)
            self._transition(record, RunState.ESCALATING, f"the loop failed: {exc}")
        return record

    def _cleanup(self, record: RunRecord) -> None:
        repo = repo_root(self.root)
        if repo is not None and record.worktree:
            FixWorktree(
                repo, Path(record.worktree), record.branch or FixWorktree.branch_for(record.id)
            ).remove()
            record.worktree = None

    def _run(self, record: RunRecord) -> FixWorktree | None:
        commands = detect_commands(self.root, self.settings.commands)
        if commands is None:
            record.escalation = build_escalation(record, "no test command found; set fix.commands.test", None)
            self._transition(record, RunState.ESCALATING, "no test command found")
            raise _Stop
        record.commands = commands
        runner = TestRunner(commands, self.settings.test_timeout_s, self.settings.env)
        repo = repo_root(self.root)
        tree = self._worktree(record, repo)
        workdir = tree.path / self.root.relative_to(repo) if tree and repo else self.root
        self._transition(record, RunState.BUILDING, " ".join(commands.build or []) or "no build step")
        self._checkpoint()
        targets = [record.target] if record.target else []
        built = runner.build(workdir, self.settings.build_timeout_s)
        record.build_output = built.output[-4000:] if built else ""
        if built is not None and not built.ok:
            first = Observation(
                failures=[build_failure(built)], build_failed=True, build_output=record.build_output
            )
        else:
            self._transition(record, RunState.TESTING, " ".join(commands.test))
            self._checkpoint()
            first = observe(runner, workdir, targets, build=False)
        record.passed = first.passed
        if first.ok:
            return self._complete(record, tree, "all tests pass")
        self._transition(record, RunState.CLASSIFYING, f"{len(first.failures)} failure(s)")
        self._checkpoint()
        failures, flaky = split_flaky(runner, workdir, first.failures, self.settings.flaky_retries)
        record.flaky = flaky
        record.failures = failures
        if not failures:
            return self._complete(record, tree, f"only flaky failures: {', '.join(flaky)}")
        self._gate(record, failures, workdir, tree, repo)
        assert tree is not None and repo is not None  # _gate escalates otherwise
        self._fix(record, runner, failures, workdir, tree, repo)
        return tree

    def _worktree(self, record: RunRecord, repo: Path | None) -> FixWorktree | None:
        if repo is None:
            return None
        tree = FixWorktree.create(repo, record.id, self.worktree_dir)
        rel = self.root.relative_to(repo)
        if (self.root / "node_modules").is_dir():
            tree.link(self.root / "node_modules", (rel / "node_modules").as_posix())
        record.worktree, record.branch = str(tree.path), tree.branch
        return tree

    def _complete(self, record: RunRecord, tree: FixWorktree | None, note: str) -> FixWorktree | None:
        if tree is not None and record.diff is None:
            tree.remove()  # nothing to offer: the worktree has served
            record.worktree = None
        self._transition(record, RunState.COMPLETE, note)
        raise _Stop

    def _gate(
        self,
        record: RunRecord,
        failures: list[FailureRecord],
        workdir: Path,
        tree: FixWorktree | None,
        repo: Path | None,
    ) -> None:
        """Escalate before any model call when a code fix is not the answer (or cannot be made)."""
        kinds = {f.classification for f in failures}
        context = (
            None if FailureClass.ENVIRONMENT in kinds else self._context(record, failures, workdir, repo)
        )
        if FailureClass.ENVIRONMENT in kinds:
            names = ", ".join(
                f"{f.test.id}: {f.test.message}"
                for f in failures
                if f.classification is FailureClass.ENVIRONMENT
            )
            self._escalate(
                record, f"environment problem, not a code bug ({names}); no fix attempted", None, tree
            )
        if FailureClass.TIMEOUT in kinds:
            self._escalate(
                record, f"the tests timed out after {self.settings.test_timeout_s:g}s", context, tree
            )
        if tree is None:
            self._escalate(
                record, "not a git repository with a commit: fixes need an isolated worktree", context, tree
            )
        if self.proposer is None or self.settings.max_attempts == 0:
            reason = self.no_model_reason if self.proposer is None else "fix.max_attempts is 0"
            self._escalate(record, f"{reason}; the context below is what the fixer would get", context, tree)

    def _context(
        self, record: RunRecord, failures: list[FailureRecord], workdir: Path, repo: Path | None
    ) -> FixerContext:
        kinds = sorted({f.classification.value for f in failures})
        infos = [
            FailureInfo(
                test_id=f.test.id,
                test_file=f.test.file,
                classification=f.classification.value,
                message=f.test.message,
                details=f.test.details,
            )
            for f in failures
        ]
        diff = git(repo, "diff", "HEAD", "--", str(self.root), check=False) if repo is not None else ""
        attempts = [
            AttemptSummary(
                number=a.number, explanation=a.explanation, diff=a.diff[:3000], rejected_because=a.reason
            )
            for a in record.attempts
        ]
        return build_fixer_context(
            workdir, record.id, ", ".join(kinds), infos,
            test_lines={f.test.id: f.test.line for f in failures},
            git_diff=diff, attempts=attempts, budget_tokens=self.settings.context_tokens,
            retriever=self.retriever,
        )  # fmt: skip

    # -- fixing ---------------------------------------------------------------------------------

    def _fix(
        self,
        record: RunRecord,
        runner: TestRunner,
        failures: list[FailureRecord],
        workdir: Path,
        tree: FixWorktree,
        repo: Path,
    ) -> None:
        assert self.proposer is not None
        trial = PatchTrial(
            runner=runner,
            workdir=workdir,
            tree=tree,
            failures=failures,
            scope=failure_scope(workdir, failures),
            known_bad={f.test.id for f in failures}
            | set(record.flaky)
            | self._preexisting(record, runner, workdir),
            review=self.review,
            build_timeout_s=self.settings.build_timeout_s,
            seen_signatures={f.signature for f in failures},
        )
        seen_patches: set[str] = set()
        context: FixerContext | None = None
        for number in range(
            len(record.attempts) + 1, self.settings.max_attempts + 1
        ):  # resumed runs keep theirs
            if number > 1 and self.cancel.wait(backoff_delay(self.settings, number - 2, self.rng)):
                raise _Cancelled
            self._transition(record, RunState.BUG_FIXING, f"attempt {number}")
            context = self._context(record, failures, workdir, repo)
            try:
                patch = self.proposer.propose(context)
            except ProviderError as exc:
                self._escalate(record, f"the fixer model failed: {exc}", context, tree)
            if patch is None:
                self._escalate(record, "the fixer proposed no patch", context, tree)
            assert patch is not None
            attempt = AttemptRecord(number=number, explanation=patch.explanation)
            record.attempts.append(attempt)
            if patch.key() in seen_patches:
                attempt.reason = "the same patch was already rejected"
                continue
            seen_patches.add(patch.key())
            verdict = trial.run(attempt, patch, lambda note: self._retesting(record, note))
            if verdict.kind is VerdictKind.ESCALATE:
                self._escalate(record, verdict.reason, context, tree)
            if verdict.kind is VerdictKind.VERIFIED:
                record.diff, record.changed_files, record.passed = attempt.diff, attempt.files, verdict.passed
                self._transition(
                    record, RunState.COMPLETE, f"verified fix ready ({', '.join(attempt.files)})"
                )
                raise _Stop
        reason = f"no verified fix after {self.settings.max_attempts} attempt(s)"
        self._escalate(record, reason, context, tree)

    def _retesting(self, record: RunRecord, note: str) -> None:
        self._transition(record, RunState.RETESTING, note)
        self._checkpoint()

    def _preexisting(self, record: RunRecord, runner: TestRunner, workdir: Path) -> set[str]:
        """Tests already failing outside the target (so a fix is not blamed for them)."""
        if not record.target:
            return set()
        whole = observe(runner, workdir, (), build=False)
        return {f.test.id for f in whole.failures}
