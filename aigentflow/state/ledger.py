"""The cost ledger: one row per model call (sent or failed), and the spend queries budgets need."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aigentflow.state.store import StateStore

__all__ = ["CallRecord", "CostLedger", "SpendRow"]


@dataclass(frozen=True)
class CallRecord:
    """What one model call did and cost. `outcome` is "ok", "error" or "cancelled"."""

    provider: str
    model: str
    purpose: str
    correlation_id: str
    outcome: str
    task_id: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    tokens_cache_write: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    error: str | None = None
    ts: float = field(default_factory=time.time)


@dataclass(frozen=True)
class SpendRow:
    """Aggregated spend for one grouping key (model, purpose or task)."""

    key: str
    calls: int
    tokens_in: int
    tokens_out: int
    tokens_cached: int
    cost_usd: float


_GROUPS = {"model": "provider || ':' || model", "purpose": "purpose", "task": "COALESCE(task_id, '-')"}


class CostLedger:
    """Writes and sums `cost_ledger` rows of a `StateStore`."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record(self, call: CallRecord) -> None:
        self.store.execute(
            "INSERT INTO cost_ledger (ts, provider, model, purpose, task_id, correlation_id, tokens_in,"
            " tokens_out, tokens_cached, tokens_cache_write, cost_usd, latency_ms, outcome, error)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                call.ts,
                call.provider,
                call.model,
                call.purpose,
                call.task_id,
                call.correlation_id,
                call.tokens_in,
                call.tokens_out,
                call.tokens_cached,
                call.tokens_cache_write,
                call.cost_usd,
                call.latency_ms,
                call.outcome,
                call.error,
            ),
        )

    def spent(self, task_id: str | None = None) -> float:
        """USD spent by one task, or by the whole project when `task_id` is None."""
        if task_id is None:
            rows = self.store.query("SELECT COALESCE(SUM(cost_usd), 0) FROM cost_ledger")
        else:
            rows = self.store.query(
                "SELECT COALESCE(SUM(cost_usd), 0) FROM cost_ledger WHERE task_id = ?", (task_id,)
            )
        return float(rows[0][0])

    def grouped(self, by: str, since: float | None = None) -> list[SpendRow]:
        """Spend grouped by "model", "purpose" or "task", largest first."""
        key = _GROUPS[by]
        rows = self.store.query(
            f"SELECT {key} AS k, COUNT(*), SUM(tokens_in), SUM(tokens_out), SUM(tokens_cached),"
            " SUM(cost_usd) FROM cost_ledger WHERE ts >= ? GROUP BY k ORDER BY SUM(cost_usd) DESC, k",
            (since or 0.0,),
        )
        return [SpendRow(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[5])) for r in rows]

    def calls(self, correlation_id: str | None = None, limit: int = 100) -> list[CallRecord]:
        """The latest calls (newest first), optionally those of one correlation id."""
        where, params = ("WHERE correlation_id = ?", [correlation_id]) if correlation_id else ("", [])
        rows = self.store.query(
            "SELECT provider, model, purpose, correlation_id, outcome, task_id, tokens_in, tokens_out,"
            " tokens_cached, tokens_cache_write, cost_usd, latency_ms, error, ts FROM cost_ledger"
            f" {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        return [CallRecord(*tuple(r)) for r in rows]
