"""What a call costs (from the configured price table) and whether it may be sent.

The hard stop happens before sending: spend so far + the call's worst-case estimate (its input
tokens and its full `max_tokens` output) + the configured reserve must fit in both the task's
and the project's budget, or the call fails with BudgetExceeded and nothing leaves the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from aigentflow.errors import BudgetExceeded
from aigentflow.llm.settings import BudgetSettings, ModelPrice
from aigentflow.llm.types import Usage
from aigentflow.state.ledger import CostLedger

__all__ = ["BudgetCheck", "BudgetGuard", "cost_usd", "price_for"]

logger = logging.getLogger(__name__)


def price_for(prices: Mapping[str, ModelPrice], model: str) -> ModelPrice | None:
    """The price of `model`: an exact entry, else the longest entry it starts with (dated ids)."""
    if model in prices:
        return prices[model]
    matches = [name for name in prices if model.startswith(name)]
    return prices[max(matches, key=len)] if matches else None


def cost_usd(price: ModelPrice | None, usage: Usage) -> float:
    """USD for `usage` at `price` (0 when the model has no price, e.g. local models)."""
    if price is None:
        return 0.0
    cache_read = price.cache_read if price.cache_read is not None else price.input * 0.1
    cache_write = price.cache_write if price.cache_write is not None else price.input * 1.25
    return (
        usage.input * price.input
        + usage.output * price.output
        + usage.cached * cache_read
        + usage.cache_write * cache_write
    ) / 1_000_000


@dataclass(frozen=True)
class BudgetCheck:
    """The verdict before a call: `warnings` name budgets past their warning threshold."""

    estimate_usd: float
    warnings: list[str]


class BudgetGuard:
    """Checks task and project budgets against the ledger."""

    def __init__(self, settings: BudgetSettings, ledger: CostLedger) -> None:
        self.settings = settings
        self.ledger = ledger

    def check(self, estimate_usd: float, task_id: str | None) -> BudgetCheck:
        """Raise BudgetExceeded when the call could overrun a budget; else report warnings."""
        warnings: list[str] = []
        limits: list[tuple[str, float | None, float]] = [
            ("project", self.settings.project_usd, self.ledger.spent()),
        ]
        if task_id is not None:
            limits.append((f"task '{task_id}'", self.settings.task_usd, self.ledger.spent(task_id)))
        for label, limit, spent in limits:
            if limit is None:
                continue
            needed = spent + estimate_usd + self.settings.reserve_usd
            if needed > limit:
                raise BudgetExceeded(
                    f"{label} budget ${limit:.2f} would be exceeded: spent ${spent:.4f}, this call may cost"
                    f" up to ${estimate_usd:.4f}; raise llm.budget or start a new task; nothing was sent."
                )
            if spent + estimate_usd >= limit * self.settings.warn_fraction:
                warnings.append(f"{label} has used ${spent:.4f} of ${limit:.2f}")
                logger.warning("budget: %s", warnings[-1])
        return BudgetCheck(estimate_usd, warnings)
