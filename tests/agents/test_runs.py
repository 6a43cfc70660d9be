"""Runs as a service: background runs watched over the bus, accept/reject, resume, test-only runs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aigentflow.agents.fixer import PatchProposer
from aigentflow.agents.loop import BuildTestFixLoop
from aigentflow.agents.records import RunState, RunStore, RunTransition
from aigentflow.agents.runs import RunError, RunManager
from aigentflow.agents.settings import FixSettings
from aigentflow.events import EventBus
from aigentflow.review.engine import ReviewEngine
from tests.agents.conftest import proposer_for
from tests.agents.fake_model import FakeAnthropic, fake_anthropic
from tests.agents.samples import SEEDS, git, make_repo

FIX = {
    "explanation": "undo",
    "edits": [{"path": p, "search": s, "replace": r} for p, s, r in SEEDS["assertion"].fix],
}


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with fake_anthropic([FIX]) as server:
        yield server


def manager_for(
    root: Path, settings: FixSettings, review: ReviewEngine, fake: FakeAnthropic | None
) -> RunManager:
    def proposers(loop: asyncio.AbstractEventLoop | None) -> tuple[PatchProposer | None, str]:
        return (proposer_for(fake, loop), "") if fake is not None else (None, "no model in this test")

    bus = EventBus()
    bus.bind(asyncio.get_running_loop())
    return RunManager(root, settings, bus=bus, review=review, proposers=proposers)


async def test_a_background_run_publishes_each_transition_and_offers_a_fix_to_accept(
    tmp_path: Path, fix_settings: FixSettings, review: ReviewEngine, fake: FakeAnthropic
) -> None:
    root = make_repo(tmp_path, "assertion")
    manager = manager_for(root, fix_settings, review, fake)
    events: list[RunTransition] = []
    finished = asyncio.Event()

    async def collect(event: Any) -> None:
        events.append(event)
        if event.state == "complete":
            finished.set()

    assert manager.bus is not None
    manager.bus.subscribe("run.transition", collect)
    started = await manager.start()
    assert started.state in (RunState.IDLE, RunState.BUILDING)
    record = await manager.wait(started.id, timeout_s=60)
    assert record.state is RunState.COMPLETE
    await asyncio.wait_for(finished.wait(), 10)
    assert [e.state for e in events] == [t.state.value for t in record.transitions]
    assert git(root, "status", "--porcelain") == " M calc.py\n"
    assert manager.accept(record.id) == ["calc.py"]
    assert git(root, "status", "--porcelain") == ""  # the seeded bug is gone
    assert manager.get(record.id).resolution == "accepted"
    with pytest.raises(RunError):
        manager.accept(record.id)


async def test_rejecting_a_fix_removes_its_worktree_and_branch(
    tmp_path: Path, fix_settings: FixSettings, review: ReviewEngine, fake: FakeAnthropic
) -> None:
    root = make_repo(tmp_path, "assertion")
    manager = manager_for(root, fix_settings, review, fake)
    record = await manager.wait((await manager.start()).id, timeout_s=60)
    assert record.worktree is not None
    worktree = Path(record.worktree)
    manager.reject(record.id)
    assert not worktree.exists() and git(root, "branch", "--list", "aigentflow/*") == ""
    assert git(root, "status", "--porcelain") == " M calc.py\n"
    assert RunStore(root).load(record.id).resolution == "rejected"  # type: ignore[union-attr]


async def test_an_unfinished_run_is_resumed_after_a_restart(
    tmp_path: Path, fix_settings: FixSettings, review: ReviewEngine, fake: FakeAnthropic
) -> None:
    root = make_repo(tmp_path, "assertion")
    # a daemon that died right after creating a run left only this record behind
    dead = BuildTestFixLoop(root, fix_settings, store=RunStore(root)).new_record()
    manager = manager_for(root, fix_settings, review, fake)
    assert [r.id for r in manager.unfinished()] == [dead.id]
    await manager.resume(dead.id)
    record = await manager.wait(dead.id, timeout_s=60)
    assert record.state is RunState.COMPLETE and record.id == dead.id
    assert manager.unfinished() == []


async def test_running_the_tests_alone_classifies_and_changes_nothing(
    tmp_path: Path, fix_settings: FixSettings, review: ReviewEngine
) -> None:
    root = make_repo(tmp_path, "type")
    manager = manager_for(root, fix_settings, review, None)
    report = await manager.run_tests()
    assert not report.ok and report.passed == 2
    assert {f.classification.value for f in report.failures} == {"type_error"}
    assert git(root, "status", "--porcelain") == " M calc.py\n"
    targeted = await manager.run_tests("tests/test_calc.py::test_multiply_gives_the_product")
    assert targeted.ok and targeted.passed == 1


async def test_unknown_runs_are_errors(
    tmp_path: Path, fix_settings: FixSettings, review: ReviewEngine
) -> None:
    manager = manager_for(tmp_path, fix_settings, review, None)
    with pytest.raises(RunError, match="no run nope"):
        manager.get("nope")


@pytest.mark.parametrize(
    "target", ["-p evil_plugin", "--rootdir=/", "../outside/test_x.py", "/etc/passwd::x", ""]
)
async def test_targets_that_are_options_or_outside_the_project_are_refused(
    tmp_path: Path, fix_settings: FixSettings, review: ReviewEngine, target: str
) -> None:
    manager = manager_for(tmp_path, fix_settings, review, None)
    with pytest.raises(RunError):
        await manager.start(target)
    with pytest.raises(RunError):
        manager.run_tests_sync(target)
    manager.check_target("tests/test_calc.py::test_add")  # a node id inside the project is fine
