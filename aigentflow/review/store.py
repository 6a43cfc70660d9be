"""Findings of the files on disk, kept current from file events.

Every client sees the same findings for a file at the same moment because they all read
this store. A change on disk re-checks the file and announces `FindingsChanged`.
"""

from __future__ import annotations

import logging

from aigentflow.errors import WorkspaceError
from aigentflow.events import EventBus, FileChanged, FindingsChanged
from aigentflow.review.engine import FileReview, ReviewEngine
from aigentflow.review.findings import Finding, Severity
from aigentflow.workspace import Workspace

__all__ = ["BASELINE_PATH", "FindingsStore"]

BASELINE_PATH = ".aigentflow/baseline.json"

logger = logging.getLogger(__name__)


class FindingsStore:
    """A cache of `FileReview`s by workspace-relative path."""

    def __init__(self, workspace: Workspace, engine: ReviewEngine, bus: EventBus) -> None:
        self.workspace = workspace
        self.engine = engine
        self.bus = bus
        self._reviews: dict[str, FileReview] = {}
        bus.subscribe("file.changed", self._on_file_changed)

    def get(self, path: str) -> FileReview:
        """The review of a file on disk, computed on first use. Raises PathOutsideWorkspace."""
        rel = self.workspace.relpath(path)
        review = self._reviews.get(rel)
        if review is None:
            review = self.engine.check_file(self.workspace, rel)
            self._reviews[rel] = review
        return review

    def refresh(self, path: str) -> FileReview:
        """Re-check a file now (after an edit on disk or a baseline change)."""
        rel = self.workspace.relpath(path)
        self._reviews.pop(rel, None)
        return self.get(rel)

    def under(
        self, path: str, *, rule_prefix: str = "", min_severity: Severity = Severity.INFO
    ) -> tuple[list[Finding], list[FileReview]]:
        """The findings of every file below `path` (a file or folder), worst first, filtered by
        rule-id prefix and severity; and the review of each file walked (skipped ones say why).
        Raises WorkspaceError (outside the workspace) or OSError."""
        reviews = [self.get(str(file)) for file in self.workspace.walk(path)]
        found = [
            f
            for review in reviews
            for f in review.findings
            if f.rule_id.startswith(rule_prefix) and f.severity.at_least(min_severity)
        ]
        found.sort(key=lambda f: (-f.severity.rank, f.path, f.line, f.column))
        return found, reviews

    def invalidate_all(self) -> None:
        self._reviews.clear()

    def known_paths(self) -> list[str]:
        return sorted(self._reviews)

    async def _on_file_changed(self, event: FileChanged) -> None:
        if event.path == BASELINE_PATH:
            known = self.known_paths()
            self.invalidate_all()
            for path in known:
                self.bus.publish(FindingsChanged(path=path))
            return
        if event.change == "deleted":
            self._reviews[event.path] = FileReview(path=event.path, skipped="deleted")
        else:
            import asyncio  # the daemon's; `aigentflow review` builds this store without a loop

            try:
                await asyncio.to_thread(self.refresh, event.path)
            except WorkspaceError as exc:
                logger.warning("cannot review %s: %s", event.path, exc)
                return
        self.bus.publish(FindingsChanged(path=event.path))
