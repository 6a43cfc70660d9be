"""The guardrail event log: every redaction, injection flag and output check, kept in the state DB.

Rows never hold the sensitive value itself, only its kind, rule and a short redacted detail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aigentflow.guard.spans import GuardEvent
from aigentflow.state.store import StateStore

__all__ = ["GuardEventLog", "GuardRecord"]


@dataclass(frozen=True)
class GuardRecord(GuardEvent):
    """One guardrail decision as stored: the event, the call it belongs to, and when."""

    correlation_id: str | None = None
    task_id: str | None = None
    ts: float = field(default_factory=time.time)

    @staticmethod
    def of(event: GuardEvent, correlation_id: str | None, task_id: str | None) -> GuardRecord:
        return GuardRecord(**vars(event), correlation_id=correlation_id, task_id=task_id)


class GuardEventLog:
    """Appends and reads `guard_events` rows."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record_many(self, records: list[GuardRecord]) -> None:
        if not records:
            return
        with self.store.transaction() as tx:
            for r in records:
                tx.execute(
                    "INSERT INTO guard_events (ts, kind, action, direction, rule, source, detail,"
                    " correlation_id, task_id) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        r.ts,
                        r.kind,
                        r.action,
                        r.direction,
                        r.rule,
                        r.source,
                        r.detail,
                        r.correlation_id,
                        r.task_id,
                    ),
                )

    def events(self, correlation_id: str | None = None, limit: int = 500) -> list[GuardRecord]:
        """The latest events, oldest first, optionally those of one correlation id."""
        where, params = ("WHERE correlation_id = ?", [correlation_id]) if correlation_id else ("", [])
        rows = self.store.query(
            "SELECT kind, action, direction, rule, detail, source, correlation_id, task_id, ts"
            f" FROM guard_events {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        return [GuardRecord(*tuple(r)) for r in reversed(rows)]

    def counts(self) -> dict[str, int]:
        """Number of events per "kind:action"."""
        rows = self.store.query("SELECT kind || ':' || action, COUNT(*) FROM guard_events GROUP BY 1")
        return {str(r[0]): int(r[1]) for r in rows}
