"""Edit recency: the tracker (file events, seeding from git or mtimes) and the ranking boost."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from typing import Any

from aigentflow.compose import build_services
from aigentflow.context.index import ChunkIndex
from aigentflow.context.ranking import SearchWeights, freshness, fuse
from aigentflow.context.recency import EditRecency, git_edit_times, seed_edit_times
from aigentflow.context.search import hybrid_search
from aigentflow.context.settings import ContextSettings
from aigentflow.events import EventBus, FileChanged
from aigentflow.workspace import Workspace
from tests.context.conftest import write_files
from tests.helpers import async_wait_until

HOUR = 3600.0
DAY0 = 1_700_000_000.0  # a fixed 'now' far from the test machine's clock


class FakeClock:
    """Unix seconds that move only when the test says so."""

    def __init__(self, now: float = DAY0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _row(key: str, path: str, **scores: float) -> dict[str, Any]:
    return {
        "id": key,
        "path": path,
        "language": "python",
        "symbol": "load_settings",
        "kind": "function",
        "start_line": 1,
        "end_line": 4,
        "signature": "",
        "text": "def load_settings(path):\n    return read(path)\n",
        **scores,
    }


def _git(root: Path, *args: str, when: float | None = None) -> None:
    env = dict(os.environ)
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"@{int(when)} +0000"
    subprocess.run(
        ["git", "-c", "core.fsmonitor=false", *args], cwd=root, env=env, check=True, capture_output=True
    )


# -- the tracker ---------------------------------------------------------------------------


async def test_file_events_on_the_bus_stamp_edits_and_forget_deleted_files() -> None:
    clock = FakeClock()
    recency = EditRecency(clock)
    bus = EventBus()
    bus.bind(asyncio.get_running_loop())
    bus.subscribe("file.changed", recency.on_file_changed)

    bus.publish(FileChanged(path="app/a.py", change="added"))
    await async_wait_until(lambda: recency.last_edit("app/a.py") == DAY0)
    clock.now += HOUR
    bus.publish(FileChanged(path="app/a.py", change="modified"))
    await async_wait_until(lambda: recency.last_edit("app/a.py") == DAY0 + HOUR)
    assert recency.lookup()("app/a.py") == 0.0
    clock.now += 2 * HOUR
    assert recency.lookup()("app/a.py") == 2 * HOUR
    assert recency.lookup()("app/never.py") is None

    bus.publish(FileChanged(path="app/a.py", change="deleted"))
    await async_wait_until(lambda: recency.last_edit("app/a.py") is None)


def test_seeding_keeps_an_event_newer_than_the_seed() -> None:
    recency = EditRecency(FakeClock())
    recency.record("a.py")  # arrived while the seed was being read
    recency.seed({"a.py": DAY0 - HOUR, "b.py": DAY0 - 2 * HOUR})
    assert recency.last_edit("a.py") == DAY0
    assert recency.last_edit("b.py") == DAY0 - 2 * HOUR
    assert len(recency) == 2


def test_seed_dates_committed_files_by_their_last_commit_and_dirty_files_by_mtime(workspace: Path) -> None:
    _git(workspace, "init", "-q")
    write_files(workspace, {"old.py": "x = 1\n", "pkg/both.py": "y = 1\n"})
    _git(workspace, "add", ".")
    _git(workspace, "commit", "-qm", "first", when=DAY0 - 3 * HOUR)
    write_files(workspace, {"pkg/both.py": "y = 2\n"})
    _git(workspace, "commit", "-qam", "second", when=DAY0 - HOUR)
    write_files(workspace, {"old.py": "x = 2\n", "new.py": "z = 1\n"})  # modified, untracked
    os.utime(workspace / "old.py", (DAY0 - 60, DAY0 - 60))
    os.utime(workspace / "new.py", (DAY0 - 30, DAY0 - 30))

    assert git_edit_times(workspace) == {"old.py": DAY0 - 3 * HOUR, "pkg/both.py": DAY0 - HOUR}
    recency = EditRecency(FakeClock())
    assert recency.seed_from(Workspace(workspace)) == 3
    assert recency.last_edit("pkg/both.py") == DAY0 - HOUR
    assert recency.last_edit("old.py") == DAY0 - 60
    assert recency.last_edit("new.py") == DAY0 - 30


def test_a_file_name_that_is_not_utf8_does_not_break_seeding(workspace: Path) -> None:
    _git(workspace, "init", "-q")
    write_files(workspace, {"ok.py": "x = 1\n"})
    (workspace / os.fsdecode(b"caf\xe9.py")).write_text("y = 1\n")
    _git(workspace, "add", ".")
    _git(workspace, "commit", "-qm", "names", when=DAY0 - HOUR)
    recency = EditRecency(FakeClock())
    assert recency.seed_from(Workspace(workspace)) >= 1
    assert recency.last_edit("ok.py") == DAY0 - HOUR


def test_seed_outside_git_uses_every_files_mtime(workspace: Path) -> None:
    write_files(workspace, {"a.py": "a = 1\n", "docs/b.md": "# b\n"})
    os.utime(workspace / "a.py", (DAY0 - 5, DAY0 - 5))
    assert git_edit_times(workspace) is None
    times = seed_edit_times(Workspace(workspace))
    assert times["a.py"] == DAY0 - 5
    assert set(times) == {"a.py", "docs/b.md"}


# -- the boost -----------------------------------------------------------------------------


def _two_equal_hits() -> list[tuple[str, float, list[dict[str, Any]]]]:
    rows = [_row("a", "pkg/alpha.py", _score=5.0), _row("b", "pkg/beta.py", _score=5.0)]
    return [("keyword", 1.0, rows)]


def test_recently_edited_file_ranks_first_of_two_otherwise_equal_hits() -> None:
    ages = {"pkg/alpha.py": 30 * HOUR, "pkg/beta.py": 0.5 * HOUR}
    weights = SearchWeights(recency_boost=0.2, recency_half_life_s=HOUR)
    hits = fuse(_two_equal_hits(), "load settings", 10, weights, ages.get)
    assert [h.path for h in hits] == ["pkg/beta.py", "pkg/alpha.py"]
    gap = hits[0].score - hits[1].score
    expected = 0.2 * (freshness(0.5 * HOUR, HOUR) - freshness(30 * HOUR, HOUR))
    assert abs(gap - expected) < 1e-5
    # without edit times the path breaks the tie
    assert fuse(_two_equal_hits(), "load settings", 10, weights)[0].path == "pkg/alpha.py"


def test_weight_zero_changes_nothing() -> None:
    ages = {"pkg/beta.py": 0.0}.get
    plain = fuse(_two_equal_hits(), "load settings", 10, SearchWeights())
    assert SearchWeights().recency_boost == 0.0
    assert fuse(_two_equal_hits(), "load settings", 10, SearchWeights(), ages) == plain


def test_every_file_of_the_same_age_adds_nothing_and_unknown_files_count_as_stalest() -> None:
    weights = SearchWeights(recency_boost=0.5, recency_half_life_s=600.0)
    plain = fuse(_two_equal_hits(), "load settings", 10, SearchWeights())
    assert fuse(_two_equal_hits(), "load settings", 10, weights, lambda path: 120.0) == plain
    assert fuse(_two_equal_hits(), "load settings", 10, weights, lambda path: None) == plain
    only_beta = {"pkg/beta.py": 2 * HOUR}.get  # edited a while ago: still more recent than never
    assert fuse(_two_equal_hits(), "load settings", 10, weights, only_beta)[0].path == "pkg/beta.py"


def test_freshness_halves_every_half_life() -> None:
    assert freshness(0.0, HOUR) == 1.0
    assert freshness(HOUR, HOUR) == 0.5
    assert freshness(-5.0, HOUR) == 1.0  # a clock step backwards is 'just now', not > 1
    assert freshness(None, HOUR) == 0.0
    assert freshness(5.0, 0.0) == 0.0  # a zero half-life is not a division by zero


# -- end to end ----------------------------------------------------------------------------


async def test_search_through_the_real_index_puts_the_just_edited_file_first(workspace: Path) -> None:
    body = 'def parse_retry_policy(text):\n    """Read the retry policy."""\n    return text.split(",")\n'
    write_files(workspace, {"svc/one.py": body, "svc/two.py": body})
    index = ChunkIndex(Workspace(workspace), ContextSettings(embedder="none"), None)
    index.refresh()
    for rel in ("svc/one.py", "svc/two.py"):
        os.utime(workspace / rel, (DAY0 - 3 * HOUR, DAY0 - 3 * HOUR))
    clock = FakeClock()
    recency = EditRecency(clock)
    assert recency.seed_from(index.workspace) == 2  # not a git repository: the files' mtimes
    weights = SearchWeights(recency_boost=0.3, recency_half_life_s=HOUR)

    def top(**kwargs: Any) -> list[str]:
        hits = hybrid_search(index.store, None, "parse the retry policy", 2, mode="keyword", **kwargs)
        return [h.path for h in hits]

    assert top() == ["svc/one.py", "svc/two.py"]
    assert top(weights=weights, recency=recency.lookup()) == ["svc/one.py", "svc/two.py"]  # same age
    clock.now += 60
    await recency.on_file_changed(FileChanged(path="svc/two.py", change="modified"))
    assert top(weights=weights, recency=recency.lookup()) == ["svc/two.py", "svc/one.py"]
    assert top(recency=recency.lookup()) == ["svc/one.py", "svc/two.py"]  # default weight: off


async def test_the_context_service_tracks_edits_from_the_daemons_file_events(workspace: Path) -> None:
    services = build_services(workspace, {"AIGENTFLOW_CONTEXT__EMBEDDER": "none"})
    services.bus.bind(asyncio.get_running_loop())
    context = services.index
    assert context is not None
    services.bus.publish(FileChanged(path="app/new.py", change="added"))
    await async_wait_until(lambda: context.recency.last_edit("app/new.py") is not None)
    assert not context.is_open  # tracking edits opens nothing


async def test_the_recency_setting_makes_the_services_search_prefer_the_file_just_edited(
    workspace: Path,
) -> None:
    body = 'def parse_retry_policy(text):\n    """Read the retry policy."""\n    return text.split(",")\n'
    write_files(workspace, {"svc/one.py": body, "svc/two.py": body})
    ranked: dict[str, list[str]] = {}
    for boost in ("0", "0.5"):
        env = {"AIGENTFLOW_CONTEXT__EMBEDDER": "none", "AIGENTFLOW_CONTEXT__RECENCY_BOOST": boost}
        services = build_services(workspace, env)
        context = services.index
        assert context is not None
        context.refresh()
        await context.on_file_changed(FileChanged(path="svc/two.py", change="modified"))
        ranked[boost] = [h.path for h in context.search("parse the retry policy", 2, mode="keyword")]
        context.close()
    assert ranked["0"] == ["svc/one.py", "svc/two.py"]  # off by default: a tie keeps path order
    assert ranked["0.5"] == ["svc/two.py", "svc/one.py"]
