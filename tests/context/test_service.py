"""The index as the daemon runs it: background refresh and embedding, file events, CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aigentflow.compose import build_services
from aigentflow.context.assemble import ContextRequest
from aigentflow.events import FileChanged
from tests.helpers import async_wait_until, cli

KEYWORD_ONLY = {"AIGENTFLOW_CONTEXT__EMBEDDER": "none"}


def test_building_services_opens_nothing(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    assert services.index is not None and not services.index.is_open
    assert not (sample_ws / ".aigentflow" / "index").exists()
    assert services.index.run in services.background


async def test_a_saved_file_is_searchable_after_its_file_event(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    services.bus.bind(asyncio.get_running_loop())
    index = services.index
    assert index is not None
    task = asyncio.create_task(services.background[0]())
    try:
        await async_wait_until(index.refreshed.is_set)
        (sample_ws / "app" / "billing.py").write_text(
            "def compute_invoice_total(lines):\n    return sum(lines)\n"
        )
        services.bus.publish(FileChanged(path="app/billing.py", change="added"))
        await async_wait_until(lambda: any(h.path == "app/billing.py" for h in index.search("invoice total")))
        (sample_ws / "app" / "billing.py").unlink()
        services.bus.publish(FileChanged(path="app/billing.py", change="deleted"))
        await async_wait_until(lambda: not index.search("invoice total"))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_background_task_embeds_everything_and_status_says_hybrid(sample_ws: Path) -> None:
    services = build_services(sample_ws)
    index = services.index
    assert index is not None
    task = asyncio.create_task(index.run())
    try:
        await async_wait_until(lambda: index.refreshed.is_set() and index.index.pending == 0, timeout=60)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    status = index.status()
    assert (status.mode, status.embedded_percent) == ("hybrid", 100.0)
    assert status.model == "all-MiniLM-L6-v2-int8"


def test_cli_index_reports_progress_on_stderr_and_search_prints_json(sample_ws: Path) -> None:
    done = cli("index", str(sample_ws), "--keyword-only", cwd=sample_ws)
    assert done.returncode == 0, done.stderr
    assert "4 files" in done.stdout and "indexing: 4/4 files" in done.stderr
    found = cli("search", "find user by email", "--limit", "2", "--json", "--mode", "keyword", cwd=sample_ws)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 2 and hits[0]["symbol"] == "UserRepository.find_user_by_email"
    text = cli("search", "renderTemplate", "-n", "1", "--mode", "keyword", cwd=sample_ws)
    assert text.stdout.startswith("web/render.ts:1-3  renderTemplate (function)")
    bad = cli("search", "x", "--limit", "0", cwd=sample_ws)
    assert bad.returncode != 0 and "--limit" in bad.stderr


def test_build_context_puts_the_agents_memory_in_working_memory(sample_ws: Path) -> None:
    services = build_services(sample_ws, KEYWORD_ONLY)
    index = services.index
    assert index is not None
    index.memory("bug_fixer").create("plan", value="Retry the lookup with a lower-cased email.")
    bundle = index.build_context(ContextRequest(task="fix find_user_by_email", agent="bug_fixer"))
    working = next(s for s in bundle.sections if s.tier == "working")
    assert "lower-cased email" in working.items[0].text
    retrieval = next(s for s in bundle.sections if s.tier == "retrieval")
    assert retrieval.items[0].title.startswith("app/users.py:7-9")
    assert "find_user_by_email" in bundle.render()
