from __future__ import annotations

import pytest

from aigentflow.context.assemble import ContextItem, ContextRequest, assemble, scaled
from aigentflow.context.settings import ContextSettings, TierBudgets
from aigentflow.context.text import TokenCounter

COUNTER = TokenCounter(safety_factor=1.0)
SMALL = TierBudgets(sacred=50, high=120, medium=60, working=60, retrieval=60, total=500)


def _long_file(functions: int) -> str:
    return "\n\n".join(
        f"def function_{i}(value):\n    return value * {i} + offset_{i}\n" for i in range(functions)
    )


def test_sacred_items_are_never_cut_even_over_budget() -> None:
    errors = ["Traceback: " + "frame " * 80]
    bundle = assemble(ContextRequest(task="fix it", errors=errors), SMALL, COUNTER)
    sacred = bundle.sections[0]
    assert [i.kind for i in sacred.items] == ["task", "error"]
    assert sacred.items[1].text == errors[0]
    assert bundle.over_budget


def test_a_file_too_long_for_its_tier_is_cut_into_whole_functions_never_mid_line() -> None:
    text = _long_file(30)
    item = ContextItem(tier="high", kind="file", title="big.py", text=text, path="big.py")
    bundle = assemble(ContextRequest(task="t", items=[item]), SMALL, COUNTER)
    high = bundle.sections[1]
    assert 0 < high.tokens <= SMALL.high
    assert len(high.items) > 1
    for part in high.items:
        assert part.text.startswith("def function_") and part.text in text
        assert part.title.startswith("big.py:")
    assert bundle.dropped[0].reason == "cut to whole chunks"


def test_resolved_errors_and_old_tool_outputs_are_dropped_first() -> None:
    block = "output line\n" * 20
    items = [
        ContextItem(tier="medium", kind="tool_output", title="old", text=block, age=5),
        ContextItem(tier="medium", kind="tool_output", title="resolved", text=block, resolved=True),
        ContextItem(tier="medium", kind="tool_output", title="new", text=block, age=0),
    ]
    bundle = assemble(ContextRequest(task="t", items=items), SMALL, COUNTER)
    assert [i.title for i in bundle.sections[2].items] == ["new"]
    assert [d.title for d in bundle.dropped] == ["old", "resolved"]


def test_retrieved_chunks_fill_the_retrieval_tier_in_rank_order() -> None:
    def retrieve(query: str, limit: int) -> list[ContextItem]:
        assert query == "find the parser"
        return [
            ContextItem(tier="retrieval", kind="chunk", title=f"hit {i}", text="word " * 25, priority=-i)
            for i in range(limit)
        ]

    request = ContextRequest(task="t", retrieval_query="find the parser", retrieval_limit=10)
    bundle = assemble(request, SMALL, COUNTER, retrieve)
    kept = [i.title for i in bundle.sections[4].items]
    assert kept == ["hit 0", "hit 1"]
    assert bundle.sections[4].tokens <= SMALL.retrieval


def test_default_budgets_and_scaling_keep_the_response_reserve() -> None:
    defaults = ContextSettings().budgets
    assert (defaults.sacred, defaults.high, defaults.medium, defaults.working, defaults.retrieval) == (
        15_000,
        40_000,
        25_000,
        30_000,
        25_000,
    )
    half = scaled(defaults, 100_000)
    assert (half.high, half.total) == (20_000, 100_000)
    with pytest.raises(ValueError, match="more than total"):
        TierBudgets(sacred=150_000, high=60_000, total=200_000)


def test_per_agent_budgets_come_from_config() -> None:
    settings = ContextSettings.model_validate(
        {"agent_budgets": {"bug_fixer": {"high": 80_000, "retrieval": 5_000}}}
    )
    assert settings.budgets_for("bug_fixer").high == 80_000
    assert settings.budgets_for("planner").high == 40_000
