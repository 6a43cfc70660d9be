"""The project state store: one SQLite file at `<workspace>/.aigentflow/state.db`.

WAL mode so readers (the CLI, the MCP `aigentflow://cost` resource) never block the daemon's
writes; `PRAGMA user_version` records which numbered migration ran last, and `open()` applies the
missing ones in one transaction each, so a crash leaves the schema at a known version.

Later work adds tables (an event store, a hash-chained audit log) by appending a `Migration`
to `aigentflow.state.migrations.MIGRATIONS`; nothing else changes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aigentflow.errors import AigentflowError
from aigentflow.state.migrations import MIGRATIONS, Migration

__all__ = ["STATE_DB", "StateStore", "StateStoreError"]

STATE_DB = Path(".aigentflow") / "state.db"


class StateStoreError(AigentflowError):
    """The state database could not be opened or migrated."""


class StateStore:
    """A thread-safe handle on the state database; one per daemon (the composition root)."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def for_workspace(cls, root: Path) -> StateStore:
        """Open (creating and migrating) `<root>/.aigentflow/state.db`."""
        return cls.open(root / STATE_DB)

    @classmethod
    def open(cls, path: Path | str, migrations: Sequence[Migration] = MIGRATIONS) -> StateStore:
        """Open a database file (or ":memory:"), enable WAL and apply pending migrations."""
        file = None if str(path) == ":memory:" else Path(path)
        try:
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StateStoreError(f"{path}: cannot open the state database ({exc})") from None
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        store = cls(db, file)
        store._migrate(migrations)
        return store

    @property
    def schema_version(self) -> int:
        row = self._db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        current = self.schema_version
        known = max((m.version for m in migrations), default=0)
        if current > known:
            raise StateStoreError(
                f"{self.path}: schema version {current} is newer than this Aigentflow ({known}); upgrade it"
            )
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version <= current:
                continue
            with self.transaction() as db:
                db.executescript_in_tx(migration.sql)
                db.execute(f"PRAGMA user_version = {int(migration.version)}")

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """Run statements atomically: committed on normal exit, rolled back on an exception."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one write statement in its own transaction; returns the last row id."""
        with self.transaction() as tx:
            return tx.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """Run one read statement and return every row."""
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _Tx:
    """The statements allowed inside `StateStore.transaction()`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        cursor = self._db.execute(sql, params)
        return int(cursor.lastrowid or 0)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return list(self._db.execute(sql, params).fetchall())

    def executescript_in_tx(self, sql: str) -> None:
        # sqlite3.executescript() would COMMIT first; split on ';' to stay inside the transaction.
        for statement in sql.split(";"):
            if statement.strip():
                self._db.execute(statement)
