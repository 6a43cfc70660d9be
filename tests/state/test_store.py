"""The state store: migrations, transactions, the cost ledger and the guard event log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aigentflow.state import CallRecord, CostLedger, GuardEventLog, GuardRecord, StateStore, StateStoreError
from aigentflow.state.migrations import MIGRATIONS, Migration


def test_a_new_database_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    store = StateStore.for_workspace(tmp_path)
    assert store.path == tmp_path / ".aigentflow" / "state.db"
    assert store.schema_version == max(m.version for m in MIGRATIONS)
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"cost_ledger", "guard_events"} <= tables
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    store.close()


def test_reopening_applies_only_the_new_migrations(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore.open(path).close()
    extra = [*MIGRATIONS, Migration(99, "flags", "CREATE TABLE flags (name TEXT PRIMARY KEY, value INTEGER)")]
    store = StateStore.open(path, extra)
    assert store.schema_version == 99
    store.execute("INSERT INTO flags VALUES ('x', 1)")
    store.close()


def test_a_database_from_a_newer_aigentflow_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 1000")
    db.close()
    with pytest.raises(StateStoreError, match="newer than this Aigentflow"):
        StateStore.open(path)


def test_a_failed_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore.open(path).close()
    broken = [*MIGRATIONS, Migration(50, "broken", "CREATE TABLE ok_table (x INTEGER); CREATE TABLE (")]
    with pytest.raises(sqlite3.Error):
        StateStore.open(path, broken)
    store = StateStore.open(path)
    assert store.schema_version == max(m.version for m in MIGRATIONS)
    assert not store.query("SELECT name FROM sqlite_master WHERE name = 'ok_table'")
    store.close()


def test_a_transaction_rolls_back_on_error() -> None:
    store = StateStore.open(":memory:")
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute(
            "INSERT INTO guard_events (ts, kind, action, direction, rule) VALUES (1, 'k', 'a', 'd', 'r')"
        )
        raise RuntimeError("boom")
    assert store.query("SELECT COUNT(*) FROM guard_events")[0][0] == 0


def _call(**kw: object) -> CallRecord:
    base: dict[str, object] = {
        "provider": "anthropic",
        "model": "m1",
        "purpose": "fix",
        "correlation_id": "c",
        "outcome": "ok",
        "tokens_in": 10,
        "tokens_out": 5,
        "cost_usd": 0.5,
    }
    base.update(kw)
    return CallRecord(**base)  # type: ignore[arg-type]


def test_the_ledger_sums_spend_per_task_and_groups_it() -> None:
    ledger = CostLedger(StateStore.open(":memory:"))
    ledger.record(_call(task_id="t1", ts=100.0))
    ledger.record(_call(task_id="t1", model="m2", purpose="plan", cost_usd=1.0, ts=200.0))
    ledger.record(_call(task_id="t2", cost_usd=0.25, outcome="error", ts=300.0))
    assert ledger.spent("t1") == 1.5 and ledger.spent() == 1.75
    by_model = {r.key: (r.calls, r.cost_usd) for r in ledger.grouped("model")}
    assert by_model == {"anthropic:m1": (2, 0.75), "anthropic:m2": (1, 1.0)}
    assert [r.key for r in ledger.grouped("task")] == ["t1", "t2"]
    assert [r.key for r in ledger.grouped("purpose", since=150.0)] == ["plan", "fix"]
    assert [c.ts for c in ledger.calls()] == [300.0, 200.0, 100.0]


def test_guard_events_are_kept_per_correlation_id() -> None:
    log = GuardEventLog(StateStore.open(":memory:"))
    log.record_many(
        [
            GuardRecord("pii", "redacted", "outbound", "pii.email", correlation_id="a"),
            GuardRecord(
                "injection", "fenced", "outbound", "injection.bidi", source="file:x", correlation_id="b"
            ),
        ]
    )
    assert [e.rule for e in log.events("b")] == ["injection.bidi"]
    assert log.counts() == {"pii:redacted": 1, "injection:fenced": 1}


def test_a_deferred_store_creates_its_file_only_when_used(tmp_path: Path) -> None:
    store = StateStore.for_workspace(tmp_path, deferred=True)
    assert not (tmp_path / ".aigentflow").exists()
    assert CostLedger(store).spent() == 0.0
    assert (tmp_path / ".aigentflow" / "state.db").is_file()
    store.close()
    store.close()  # closing twice is harmless
