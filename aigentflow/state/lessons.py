"""The lesson store: what a user decided about a finding (fixed it, suppressed it, baselined it).

Each row keeps the rule, the decision, the file type and the code before and after, so later
work can learn which rules users accept and which they silence. Secret values never get here:
callers mask a `secrets.*` finding's span before recording (`aigentflow.review.masking`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from aigentflow.state.store import StateStore

__all__ = ["DECISIONS", "Lesson", "LessonStore", "file_type_of"]

Decision = Literal["fix", "suppress", "baseline"]
DECISIONS: tuple[Decision, ...] = ("fix", "suppress", "baseline")
MAX_TEXT = 2000  # characters kept of `before` / `after`


@dataclass(frozen=True)
class Lesson:
    rule_id: str
    decision: Decision
    path: str
    before: str
    after: str
    file_type: str = ""
    ts: float = field(default_factory=time.time)


def file_type_of(path: str) -> str:
    """`.py`, `.ts`, … or the file name when it has no suffix (`Dockerfile`)."""
    name = PurePosixPath(path).name
    return PurePosixPath(name).suffix or name


class LessonStore:
    """Appends and reads `lessons` rows."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record(self, lesson: Lesson) -> None:
        self.store.execute(
            "INSERT INTO lessons (ts, rule_id, decision, path, file_type, before, after)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                lesson.ts,
                lesson.rule_id,
                lesson.decision,
                lesson.path,
                lesson.file_type or file_type_of(lesson.path),
                lesson.before[:MAX_TEXT],
                lesson.after[:MAX_TEXT],
            ),
        )

    def recent(self, limit: int = 100) -> list[Lesson]:
        """The latest lessons, oldest first."""
        rows = self.store.query(
            "SELECT rule_id, decision, path, before, after, file_type, ts FROM lessons"
            " ORDER BY id DESC LIMIT ?",
            [limit],
        )
        return [Lesson(*tuple(row)) for row in reversed(rows)]

    def counts(self) -> dict[tuple[str, str], int]:
        """How often each (rule, decision) was taken."""
        rows = self.store.query("SELECT rule_id, decision, COUNT(*) FROM lessons GROUP BY 1, 2")
        return {(str(r[0]), str(r[1])): int(r[2]) for r in rows}
