from __future__ import annotations

from pathlib import Path

import pytest

from aigentflow.context.memory import MemoryError_, MemoryStore, summarize_handoff
from aigentflow.context.text import TokenCounter


def test_memory_blocks_are_edited_within_their_limit_and_persist(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path, "bug_fixer")
    store.create("findings", limit=40, value="parser fails on tabs")
    store.append("findings", "fixed in lexer.py")
    store.replace("findings", "tabs", "TABS")
    with pytest.raises(MemoryError_, match="holds 40 characters"):
        store.append("findings", "x" * 40)
    with pytest.raises(MemoryError_, match="does not contain"):
        store.replace("findings", "absent", "y")
    again = MemoryStore(tmp_path, "bug_fixer")
    assert again.get("findings").value == "parser fails on TABS\nfixed in lexer.py"
    assert '<memory label="findings" chars="38/40">' in again.render()
    with pytest.raises(MemoryError_, match="invalid agent"):
        MemoryStore(tmp_path, "../evil")


def test_handoff_summary_keeps_decisions_and_references_within_budget() -> None:
    counter = TokenCounter(safety_factor=1.0)
    filler = [f"We looked at the weather report number {i} for a while." for i in range(200)]
    notes = [*filler[:100], "We decided to retry the request because the API fails with 503.", *filler[100:]]
    notes.append("The fix is in app/client.py, commit abc1234.")
    summary = summarize_handoff(
        "bug_fixer", "reviewer", notes, ["app/client.py"], max_tokens=120, counter=counter
    )
    assert "We decided to retry" in summary.summary
    assert "app/client.py, commit abc1234" in summary.summary
    assert summary.tokens <= 120
    assert summary.summary.startswith("Handoff from bug_fixer to reviewer.")
    assert summary.summary.index("We decided") < summary.summary.index("The fix is in")  # original order
