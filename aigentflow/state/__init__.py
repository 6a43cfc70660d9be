"""Project state that must last: the SQLite store, the cost ledger and the guardrail event log."""

from aigentflow.state.guard_log import GuardEventLog, GuardRecord
from aigentflow.state.ledger import CallRecord, CostLedger, SpendRow
from aigentflow.state.store import STATE_DB, StateStore, StateStoreError

__all__ = [
    "STATE_DB",
    "CallRecord",
    "CostLedger",
    "GuardEventLog",
    "GuardRecord",
    "SpendRow",
    "StateStore",
    "StateStoreError",
]
