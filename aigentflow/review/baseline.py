"""The baseline: findings a team has accepted, keyed by fingerprint.

Stored as `.aigentflow/baseline.json`, written atomically. A baseline that cannot be read is
reported and never overwritten, so a hand edit gone wrong loses nothing.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from aigentflow.errors import ReviewError
from aigentflow.review.findings import Finding

__all__ = ["Baseline", "BaselineEntry", "atomic_write"]

logger = logging.getLogger(__name__)


class BaselineEntry(BaseModel):
    fingerprint: str
    rule_id: str
    path: str
    line: int
    added_at: str


class _BaselineFile(BaseModel):
    version: int = 1
    findings: list[BaselineEntry] = Field(default_factory=list)


def atomic_write(path: Path, text: str, mode: int = 0o644) -> None:
    """Write `text` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Baseline:
    """Accepted fingerprints, reloaded when the file changes on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[str, BaselineEntry] = {}
        self.error: str | None = None

    def _current_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def _refresh(self) -> None:
        stamp = self._current_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self._entries = {}
        self.error = None
        if stamp is None:
            return
        try:
            parsed = _BaselineFile.model_validate_json(self.path.read_bytes())
        except (OSError, ValidationError, ValueError) as exc:
            self.error = f"{self.path}: unreadable baseline, ignored until fixed ({_short(exc)})"
            logger.warning("%s", self.error)
            return
        self._entries = {entry.fingerprint: entry for entry in parsed.findings}

    def contains(self, fingerprint: str) -> bool:
        with self._lock:
            self._refresh()
            return fingerprint in self._entries

    def entries(self) -> list[BaselineEntry]:
        with self._lock:
            self._refresh()
            return list(self._entries.values())

    def add(self, findings: Iterable[Finding]) -> int:
        """Accept findings; returns how many were new. Refuses to overwrite a broken file."""
        with self._lock:
            self._refresh()
            if self.error:
                raise ReviewError(self.error)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            entries = dict(self._entries)
            for finding in findings:
                entries.setdefault(
                    finding.fingerprint,
                    BaselineEntry(
                        fingerprint=finding.fingerprint,
                        rule_id=finding.rule_id,
                        path=finding.path,
                        line=finding.line,
                        added_at=now,
                    ),
                )
            added = len(entries) - len(self._entries)
            if added:
                ordered = sorted(entries.values(), key=lambda e: (e.path, e.line, e.rule_id))
                body = _BaselineFile(findings=ordered).model_dump(mode="json")
                try:
                    atomic_write(self.path, json.dumps(body, indent=2) + "\n")
                except OSError as exc:  # disk full, quota, read-only: the old file stays intact
                    raise ReviewError(
                        f"cannot write {self.path}: {exc.strerror or exc}; the baseline was not changed"
                    ) from exc
                self._entries = entries
                self._stamp = self._current_stamp()
            return added


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()
    return text[0] if text else type(exc).__name__
