"""Runs as a daemon service (`services.runs`): start, watch, accept, reject, resume.

A run's loop works in a worker thread (subprocesses and git block); its record is saved and
published at every transition, so MCP, LSP and the CLI watch the same run. `accept` applies a
verified fix to the user's working tree; `reject` deletes the worktree and its branch.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from aigentflow.agents.callees import Span
from aigentflow.agents.check import Observation, observe, split_flaky
from aigentflow.agents.context import Retriever
from aigentflow.agents.detect import ProjectCommands, detect_commands
from aigentflow.agents.fixer import GatewayPatchProposer, PatchProposer
from aigentflow.agents.loop import BuildTestFixLoop
from aigentflow.agents.records import FailureRecord, RunRecord, RunState, RunStore
from aigentflow.agents.runner import TestRunner
from aigentflow.agents.settings import FixSettings
from aigentflow.agents.worktree import FixWorktree, repo_root
from aigentflow.errors import AigentflowError
from aigentflow.events import EventBus
from aigentflow.review.engine import ReviewEngine

if TYPE_CHECKING:
    from aigentflow.context.service import ContextService
    from aigentflow.services import Services

__all__ = [
    "ProposerFactory",
    "RunError",
    "RunManager",
    "TestReport",
    "attach_runs",
    "gateway_proposer_factory",
    "index_retriever",
]

logger = logging.getLogger(__name__)

# loop -> (proposer or None, why there is none)
ProposerFactory = Callable[[asyncio.AbstractEventLoop | None], tuple[PatchProposer | None, str]]


class RunError(AigentflowError):
    """A run request cannot be carried out (unknown id, nothing to accept, diff no longer applies)."""


class TestReport(BaseModel):
    """The result of running the tests once, without fixing."""

    __test__ = False

    commands: ProjectCommands | None
    ok: bool
    passed: int = 0
    failures: list[FailureRecord] = Field(default_factory=list)
    flaky: list[str] = Field(default_factory=list)
    build_output: str = ""


def gateway_proposer_factory(
    settings: Any, environ: Mapping[str, str], gateway: Any = None
) -> ProposerFactory:
    """Proposers backed by the model layer (`ModelGateway`), or None with the reason."""

    def factory(loop: asyncio.AbstractEventLoop | None) -> tuple[PatchProposer | None, str]:
        nonlocal gateway
        if gateway is None:
            from aigentflow.llm.factory import build_gateway

            gateway = build_gateway(settings.llm, environ)
        purpose = settings.fix.model_tier_purpose
        proposer = GatewayPatchProposer(gateway, loop=loop, purpose=purpose)
        reason = proposer.unavailable()
        return (None, f"no model can serve '{purpose}': {reason}") if reason else (proposer, "")

    return factory


class RunManager:
    """The runs of one workspace."""

    def __init__(
        self,
        root: Path,
        settings: FixSettings,
        *,
        bus: EventBus | None = None,
        review: ReviewEngine | None = None,
        proposers: ProposerFactory | None = None,
        retriever: Retriever | None = None,
    ) -> None:
        self.root = root.resolve()
        self.settings = settings
        self.bus = bus
        self.review = review
        self.proposers = proposers
        self.retriever = retriever
        self.store = RunStore(self.root)
        self._live: dict[str, RunRecord] = {}
        self._cancel: dict[str, threading.Event] = {}
        self._done: dict[str, asyncio.Event] = {}
        self._watchers: list[Callable[[RunRecord], object]] = []
        self._tasks: set[asyncio.Future[Any]] = set()

    def worktree_dir(self) -> Path:
        if self.settings.worktree_dir:
            return Path(self.settings.worktree_dir).expanduser()
        import hashlib

        import platformdirs

        key = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(platformdirs.user_cache_dir("aigentflow")) / "worktrees" / key

    def watch(self, callback: Callable[[RunRecord], object]) -> Callable[[], None]:
        """Call `callback(record)` (from the run's thread) at every transition of every run."""
        self._watchers.append(callback)

        def unwatch() -> None:
            if callback in self._watchers:
                self._watchers.remove(callback)

        return unwatch

    def _loop_for(self, event_loop: asyncio.AbstractEventLoop, done: asyncio.Event) -> BuildTestFixLoop:
        proposer, reason = (
            self.proposers(event_loop) if self.proposers else (None, "no model layer configured")
        )

        def on_transition(record: RunRecord) -> None:
            for callback in list(self._watchers):
                try:
                    callback(record)
                except Exception:  # a watcher's bug must not stop the run
                    logger.exception("run watcher failed")
            if record.state.terminal:
                event_loop.call_soon_threadsafe(done.set)

        return BuildTestFixLoop(
            self.root,
            self.settings,
            store=self.store,
            bus=self.bus,
            proposer=proposer,
            no_model_reason=reason or "no model is configured for fixes",
            review=self.review,
            worktree_dir=self.worktree_dir(),
            on_transition=on_transition,
            retriever=self.retriever,
        )

    def check_target(self, target: str | None) -> None:
        """RunError unless `target` is a test path or node id inside the project (never an option)."""
        if target is None:
            return
        path = target.split("::")[0].split(" > ")[0]
        if not path or target.startswith("-") or "\0" in target:
            raise RunError(f"not a test target: {target!r}")
        resolved = (self.root / path).resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise RunError(f"{path}: outside the workspace {self.root}")

    async def start(self, target: str | None = None, *, resume: RunRecord | None = None) -> RunRecord:
        """Start a run (or resume a saved one) in the background; returns its record at once.

        Raises RunError for a target that is not a test inside the project.
        """
        self.check_target(target)
        event_loop = asyncio.get_running_loop()
        done = asyncio.Event()
        loop = self._loop_for(event_loop, done)
        record = resume or loop.new_record(target)
        self._live[record.id] = record
        self._done[record.id] = done
        loop.cancel = self._cancel.setdefault(record.id, threading.Event())
        task = event_loop.run_in_executor(None, loop.run, record)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return record

    async def resume(self, run_id: str) -> RunRecord:
        """Continue a run the daemon left unfinished (attempts made so far still count)."""
        record = self.get(run_id)
        if record.done:
            raise RunError(f"run {run_id} is already {record.state.value}")
        return await self.start(record.target, resume=record)

    def unfinished(self) -> list[RunRecord]:
        """Saved runs that stopped before a terminal state (the daemon died mid-run)."""
        return [r for r in self.store.all() if not r.done and r.id not in self._live]

    def get(self, run_id: str) -> RunRecord:
        record = self._live.get(run_id) or self.store.load(run_id)
        if record is None:
            raise RunError(f"no run {run_id}")
        return record

    def all_runs(self) -> list[RunRecord]:
        return self.store.all()

    async def wait(self, run_id: str, timeout_s: float | None = None) -> RunRecord:
        """The record once the run reaches a terminal state (TimeoutError after `timeout_s`)."""
        record = self.get(run_id)
        if not record.done and (done := self._done.get(run_id)) is not None:
            await asyncio.wait_for(done.wait(), timeout_s)
        return self.get(run_id)

    def cancel(self, run_id: str) -> None:
        self.get(run_id)
        self._cancel.setdefault(run_id, threading.Event()).set()

    def _tree(self, record: RunRecord) -> FixWorktree:
        repo = repo_root(self.root)
        if repo is None or not record.worktree or record.branch is None:
            raise RunError(f"run {record.id} has no worktree")
        return FixWorktree(repo, Path(record.worktree), record.branch)

    def accept(self, run_id: str) -> list[str]:
        """Apply a verified fix to the working tree; the files changed. RunError when there is none."""
        record = self.get(run_id)
        if record.state is not RunState.COMPLETE or not record.diff or record.resolution:
            raise RunError(f"run {run_id} has no verified fix to accept")
        tree = self._tree(record)
        base = tree.path / self.root.relative_to(tree.repo)
        top = [(base / f).relative_to(tree.path).as_posix() for f in record.changed_files]
        files = tree.accept(top)
        record.resolution, record.worktree = "accepted", None
        self.store.save(record)
        return files

    def fixed_texts(self, run_id: str) -> dict[str, str]:
        """The new text of each file a verified fix changes (workspace-relative path → text)."""
        record = self.get(run_id)
        if (
            record.state is not RunState.COMPLETE
            or not record.diff
            or not record.worktree
            or record.resolution
        ):
            raise RunError(f"run {run_id} has no verified fix to offer")
        tree = self._tree(record)
        base = tree.path / self.root.relative_to(tree.repo)
        return {
            rel: (base / rel).read_text(encoding="utf-8")
            for rel in record.changed_files
            if (base / rel).is_file()
        }

    def mark_applied(self, run_id: str) -> None:
        """The editor applied the fix itself (workspace/applyEdit): only clean up the worktree."""
        record = self.get(run_id)
        if record.worktree:
            self._tree(record).remove()
        record.resolution, record.worktree = "accepted", None
        self.store.save(record)

    def reject(self, run_id: str) -> None:
        """Discard a run's fix: delete its worktree and branch."""
        record = self.get(run_id)
        if record.worktree:
            self._tree(record).remove()
        record.resolution, record.worktree = "rejected", None
        self.store.save(record)

    def run_tests_sync(self, target: str | None = None) -> TestReport:
        """Build and run the tests once in the working tree (no fixing, nothing written)."""
        self.check_target(target)
        commands = detect_commands(self.root, self.settings.commands)
        if commands is None:
            return TestReport(
                commands=None, ok=False, build_output="no test command found; set fix.commands.test"
            )
        runner = TestRunner(commands, self.settings.test_timeout_s, self.settings.env)
        seen: Observation = observe(
            runner, self.root, [target] if target else [], build_timeout_s=self.settings.build_timeout_s
        )
        failures, flaky = split_flaky(runner, self.root, seen.failures, self.settings.flaky_retries)
        return TestReport(
            commands=commands, ok=not failures, passed=seen.passed, failures=failures, flaky=flaky,
            build_output=seen.build_output,
        )  # fmt: skip

    async def run_tests(self, target: str | None = None) -> TestReport:
        return await asyncio.to_thread(self.run_tests_sync, target)

    def close(self) -> None:
        for event in self._cancel.values():
            event.set()


def index_retriever(index: ContextService) -> Retriever:
    """Search the code index for the fixer's context, only once the daemon has opened it (the
    loop never pays for loading the index or its model); index failures just add nothing."""

    def retrieve(query: str, limit: int) -> list[Span]:
        if not index.is_open:
            return []
        try:
            return [(hit.path, hit.start_line, hit.end_line) for hit in index.search(query, limit)]
        except (AigentflowError, OSError, ValueError):
            logger.warning("code index search failed for the fixer context", exc_info=True)
            return []

    return retrieve


def attach_runs(services: Services, environ: Mapping[str, str]) -> None:
    """Give `services` its run manager (fixes use `services.models` when the model layer is attached)."""
    settings = services.settings
    root = services.workspace.root
    proposers = gateway_proposer_factory(settings, environ, services.models)
    manager = RunManager(
        root,
        settings.fix,
        bus=services.bus,
        review=services.review,
        proposers=proposers,
        retriever=index_retriever(services.index) if services.index is not None else None,
    )
    services.runs = manager
    services.closers.append(manager.close)
