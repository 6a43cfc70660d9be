"""A summary of what model calls cost, for `aigentflow cost` and `aigentflow://cost`."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from aigentflow.llm.settings import BudgetSettings
from aigentflow.state.guard_log import GuardEventLog
from aigentflow.state.ledger import CostLedger
from aigentflow.state.store import StateStore

__all__ = ["CostSummary", "SpendLine", "cost_summary"]


class SpendLine(BaseModel):
    key: str
    calls: int
    tokens_in: int
    tokens_out: int
    tokens_cached: int
    cost_usd: float


class CostSummary(BaseModel):
    """Spend so far, grouped, against the configured budgets, plus guardrail event counts."""

    schema_version: str = "1.0.0"
    total_usd: float
    calls: int
    since: float | None = Field(None, description="Unix time the summary starts at (None: all time).")
    project_budget_usd: float | None
    task_budget_usd: float | None
    project_used_fraction: float | None
    by_model: list[SpendLine]
    by_purpose: list[SpendLine]
    by_task: list[SpendLine] = Field(description="The most expensive tasks first (bounded).")
    guard_events: dict[str, int]


def cost_summary(
    store: StateStore | None, budget: BudgetSettings, *, since_days: float | None = None, max_tasks: int = 20
) -> CostSummary:
    """The summary of `store`'s ledger; an empty one when there is no store (or no file yet)."""
    since = time.time() - since_days * 86400 if since_days is not None else None
    groups: dict[str, list[SpendLine]] = {"model": [], "purpose": [], "task": []}
    events: dict[str, int] = {}
    project_total = 0.0
    if store is not None and (store.path is None or store.path.exists()):  # never create the file here
        ledger = CostLedger(store)
        for by in groups:
            groups[by] = [SpendLine(**vars(row)) for row in ledger.grouped(by, since)]
        events = GuardEventLog(store).counts()
        project_total = ledger.spent()
    total = sum(line.cost_usd for line in groups["model"])
    return CostSummary(
        total_usd=round(total, 6),
        calls=sum(line.calls for line in groups["model"]),
        since=since,
        project_budget_usd=budget.project_usd,
        task_budget_usd=budget.task_usd,
        project_used_fraction=(project_total / budget.project_usd) if budget.project_usd else None,
        by_model=groups["model"],
        by_purpose=groups["purpose"],
        by_task=groups["task"][:max_tasks],
        guard_events=events,
    )
