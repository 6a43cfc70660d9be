"""A findings cache for `aigentflow review`: an unchanged file is not analysed twice.

Entries live in `.aigentflow/cache/review.db` (SQLite), keyed by the file's path and the hash
of its text, under a *fingerprint* of everything else the findings depend on: Aigentflow's
version, the source of the review rules themselves, and the review configuration. Any change
to those starts a fresh generation. Findings are stored before the baseline is applied, so
that editing the baseline needs no re-analysis.

The cache is an accelerator only: a missing, locked, corrupt or unwritable database means
the review runs uncached, with a warning, and loses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter

from aigentflow import __version__
from aigentflow.review.findings import Finding
from aigentflow.settings import ReviewSettings

__all__ = ["ReviewCache", "rules_fingerprint", "text_hash"]

logger = logging.getLogger(__name__)
_FINDINGS = TypeAdapter(list[Finding])
_SCHEMA = """
CREATE TABLE IF NOT EXISTS findings (
    fingerprint TEXT NOT NULL,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    invalid_utf8 INTEGER NOT NULL,
    findings TEXT NOT NULL,
    PRIMARY KEY (fingerprint, path)
)
"""


@cache
def _rules_source_digest() -> str:
    """A hash of the review package's own source: a changed rule is a new generation."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def rules_fingerprint(settings: ReviewSettings) -> str:
    """What findings depend on besides a file's text."""
    digest = hashlib.sha256(f"{__version__}\0{_rules_source_digest()}\0".encode())
    digest.update(settings.model_dump_json().encode())
    return digest.hexdigest()[:32]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ReviewCache:
    """One generation of cached findings, loaded whole at start and written back at the end."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.hits = 0
        self._known: dict[str, tuple[str, bool, str]] = {}
        self._new: dict[str, tuple[str, bool, str]] = {}
        try:
            self._known = self._load()
        except sqlite3.DatabaseError as exc:  # not a database (any more): it is only a cache
            logger.warning("review cache %s is corrupt (%s): starting a new one", path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
        except (sqlite3.Error, OSError) as exc:
            logger.warning("review cache %s unusable (%s): reviewing without it", path, exc)

    def _load(self) -> dict[str, tuple[str, bool, str]]:
        with contextlib.closing(self._connect()) as db:
            rows = db.execute(
                "SELECT path, hash, invalid_utf8, findings FROM findings WHERE fingerprint = ?",
                (self.fingerprint,),
            ).fetchall()
        return {row[0]: (row[1], bool(row[2]), row[3]) for row in rows}

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)  # findings quote code: for the user only
        db = sqlite3.connect(self.path, timeout=5)
        db.execute(_SCHEMA)
        return db

    def get(self, path: str, digest: str) -> tuple[list[Finding], bool] | None:
        """Findings (before the baseline) and the invalid-UTF-8 flag of this exact text, if known."""
        known = self._known.get(path)
        if known is None or known[0] != digest:
            return None
        try:
            findings = _FINDINGS.validate_json(known[2])
        except ValueError:
            return None
        self.hits += 1
        return findings, known[1]

    def put(self, path: str, digest: str, findings: list[Finding], invalid_utf8: bool) -> None:
        self._new[path] = (digest, invalid_utf8, _FINDINGS.dump_json(findings).decode())

    def save(self) -> None:
        """Write the new entries and drop older generations; failures only warn."""
        if not self._new:
            return
        try:
            with contextlib.closing(self._connect()) as db, db:
                db.execute("DELETE FROM findings WHERE fingerprint != ?", (self.fingerprint,))
                db.executemany(
                    "INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?)",
                    [(self.fingerprint, p, h, int(bad), data) for p, (h, bad, data) in self._new.items()],
                )
            self._new.clear()
        except (sqlite3.Error, OSError) as exc:
            logger.warning("review cache %s not written (%s)", self.path, exc)
