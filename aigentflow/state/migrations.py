"""Numbered schema migrations of the state database, applied in order, never edited once released.

To add a table: append a `Migration` with the next version. Statements are separated by `;`
(no `;` inside a statement, no triggers with bodies).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIGRATIONS", "Migration"]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


_COST_LEDGER = """
CREATE TABLE cost_ledger (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    purpose TEXT NOT NULL,
    task_id TEXT,
    correlation_id TEXT NOT NULL,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    tokens_cached INTEGER NOT NULL DEFAULT 0,
    tokens_cache_write INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    latency_ms REAL NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX cost_ledger_task ON cost_ledger (task_id);
CREATE INDEX cost_ledger_ts ON cost_ledger (ts)
"""

_GUARD_EVENTS = """
CREATE TABLE guard_events (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    direction TEXT NOT NULL,
    rule TEXT NOT NULL,
    source TEXT,
    detail TEXT NOT NULL DEFAULT '',
    correlation_id TEXT,
    task_id TEXT
);
CREATE INDEX guard_events_corr ON guard_events (correlation_id)
"""

_LESSONS = """
CREATE TABLE lessons (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    rule_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    path TEXT NOT NULL,
    file_type TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
);
CREATE INDEX lessons_rule ON lessons (rule_id)
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "cost ledger", _COST_LEDGER),
    Migration(2, "guardrail events", _GUARD_EVENTS),
    Migration(3, "review lessons", _LESSONS),
]
