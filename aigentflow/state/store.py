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
    """A thread-safe handle on the state database; one per daemon (the composition root).

    A store made with `deferred()` opens (and migrates) its file on first use, so commands
    that never touch the state do not create it.
    """

    def __init__(
        self,
        connection: sqlite3.Connection | None,
        path: Path | None,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._migrations = list(migrations)
        self.path = path

    @classmethod
    def for_workspace(cls, root: Path, *, deferred: bool = False) -> StateStore:
        """Open (creating and migrating) `<root>/.aigentflow/state.db`; on first use if `deferred`."""
        return cls.deferred(root / STATE_DB) if deferred else cls.open(root / STATE_DB)

    @classmethod
    def deferred(cls, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> StateStore:
        """A store whose file is opened and migrated by its first query or write."""
        return cls(None, Path(path), migrations)

    @classmethod
    def open(cls, path: Path | str, migrations: Sequence[Migration] = MIGRATIONS) -> StateStore:
        """Open a database file (or ":memory:"), enable WAL and apply pending migrations."""
        file = None if str(path) == ":memory:" else Path(path)
        store = cls(_connect(str(path), file), file, migrations)
        store._migrate()
        return store

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = _connect(str(self.path), self.path)
            try:
                self._migrate()
            except BaseException:
                self._db.close()
                self._db = None
                raise
        return self._db

    @property
    def schema_version(self) -> int:
        with self._lock:
            row = self._conn().execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        current = self.schema_version
        known = max((m.version for m in self._migrations), default=0)
        if current > known:
            raise StateStoreError(
                f"{self.path}: schema version {current} is newer than this Aigentflow ({known}); upgrade it"
            )
        for migration in sorted(self._migrations, key=lambda m: m.version):
            if migration.version <= current:
                continue
            with self.transaction() as db:
                db.executescript_in_tx(migration.sql)
                db.execute(f"PRAGMA user_version = {int(migration.version)}")

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """Run statements atomically: committed on normal exit, rolled back on an exception."""
        with self._lock:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one write statement in its own transaction; returns the last row id."""
        with self.transaction() as tx:
            return tx.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """Run one read statement and return every row."""
        with self._lock:
            return list(self._conn().execute(sql, params).fetchall())

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _connect(target: str, file: Path | None) -> sqlite3.Connection:
    try:
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(target, check_same_thread=False, isolation_level=None, timeout=10.0)
    except (OSError, sqlite3.Error) as exc:
        raise StateStoreError(f"{target}: cannot open the state database ({exc})") from None
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


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
