"""What a build-test-fix run is, as data: states, failures, attempts, the report; and where it lasts.

A `RunRecord` is rewritten atomically to `<workspace>/.aigentflow/runs/<id>.json` at every
transition, so `aigentflow://runs/{id}`, `run_status` and a restarted daemon all read the same
record. The runs folder ignores itself for git (a `.gitignore` of `*`), so runs never show up in
the user's `git status`.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from aigentflow.agents.classify import FailureClass
from aigentflow.agents.context import FixerContext
from aigentflow.agents.detect import ProjectCommands
from aigentflow.agents.results import TestCase
from aigentflow.events import Event

__all__ = [
    "RUNS_DIR",
    "AttemptRecord",
    "EscalationReport",
    "FailureRecord",
    "RunRecord",
    "RunState",
    "RunStore",
    "RunTransition",
    "Transition",
]

RUNS_DIR = Path(".aigentflow") / "runs"


class RunState(StrEnum):
    IDLE = "idle"
    BUILDING = "building"
    TESTING = "testing"
    CLASSIFYING = "classifying"
    BUG_FIXING = "bug_fixing"
    RETESTING = "retesting"
    COMPLETE = "complete"
    ESCALATING = "escalating"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (RunState.COMPLETE, RunState.ESCALATING, RunState.CANCELLED)


class Transition(BaseModel):
    state: RunState
    at: float
    note: str = ""


class FailureRecord(BaseModel):
    test: TestCase
    classification: FailureClass
    signature: str


class AttemptRecord(BaseModel):
    number: int
    explanation: str = ""
    diff: str = ""
    files: list[str] = Field(default_factory=list)
    outcome: Literal["verified", "rejected"] = "rejected"
    reason: str = ""


class EscalationReport(BaseModel):
    """Why a run stopped without a verified fix, and what the user can do."""

    reason: str
    failing_tests: list[FailureRecord] = Field(default_factory=list)
    attempts: list[AttemptRecord] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)
    context: FixerContext | None = Field(
        default=None, description="What was (or would have been) sent to the fixer."
    )
    markdown: str = ""


class RunRecord(BaseModel):
    schema_version: str = "1"
    id: str
    root: str
    target: str | None = None
    fix: bool = True
    state: RunState = RunState.IDLE
    transitions: list[Transition] = Field(default_factory=list)
    commands: ProjectCommands | None = None
    build_output: str = ""
    failures: list[FailureRecord] = Field(default_factory=list)
    flaky: list[str] = Field(default_factory=list)
    passed: int = 0
    attempts: list[AttemptRecord] = Field(default_factory=list)
    diff: str | None = Field(default=None, description="The verified fix, offered to the user.")
    changed_files: list[str] = Field(default_factory=list)
    worktree: str | None = None
    branch: str | None = None
    escalation: EscalationReport | None = None
    resolution: Literal["accepted", "rejected"] | None = None
    created_at: float = Field(default_factory=time.time)
    updated_at: float = Field(default_factory=time.time)

    @property
    def done(self) -> bool:
        return self.state.terminal


@dataclass(frozen=True)
class RunTransition(Event):
    """A run entered a state (published on the bus at every transition)."""

    run_id: str
    state: str
    note: str = ""
    attempt: int = 0
    topic: str = field(init=False, default="run.transition")


class RunStore:
    """Run records as JSON files, one per run, written atomically."""

    def __init__(self, root: Path) -> None:
        self.dir = root / RUNS_DIR

    def save(self, record: RunRecord) -> None:
        record.updated_at = time.time()
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=f".{record.id}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(record.model_dump_json(indent=1))
        os.replace(tmp, self.dir / f"{record.id}.json")

    def load(self, run_id: str) -> RunRecord | None:
        if not run_id.replace("-", "").isalnum():
            return None
        path = self.dir / f"{run_id}.json"
        try:
            return RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError):
            return None

    def all(self) -> list[RunRecord]:
        records = [self.load(p.stem) for p in sorted(self.dir.glob("*.json"))] if self.dir.is_dir() else []
        return sorted((r for r in records if r is not None), key=lambda r: r.created_at)
