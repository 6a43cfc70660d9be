"""Per-connection state: which documents are open, pending re-checks, push or pull mode."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pydantic import ValidationError
from pygls.uris import from_fs_path, to_fs_path

from aigentflow.compose import build_review_engine
from aigentflow.config import deep_merge
from aigentflow.errors import AigentflowError, WorkspaceError
from aigentflow.events import FindingsChanged
from aigentflow.lsp.convert import to_diagnostic
from aigentflow.review.findings import Finding
from aigentflow.services import Services
from aigentflow.settings import ReviewSettings

if TYPE_CHECKING:
    from aigentflow.lsp.server import AigentflowLanguageServer

__all__ = ["LspSession"]

logger = logging.getLogger(__name__)


class LspSession:
    """What one editor connection knows; subscribes to disk changes while it lives."""

    def __init__(self, ls: AigentflowLanguageServer, services: Services) -> None:
        self.ls = ls
        self.services = services
        self.pull = False
        # Diagnostics from other sources than review (failing tests), shown with the findings.
        self.extra: dict[str, list[lsp.Diagnostic]] = {}
        # The review this connection sees: the daemon's, or one with the editor's settings layered on.
        self.review_settings = services.settings.review
        self.engine = services.review
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._publishing: set[asyncio.Task[None]] = set()
        self._unsubscribe = services.bus.subscribe("findings.changed", self._on_findings_changed)

    # -- lifecycle ---------------------------------------------------------------------

    def configure(self, capabilities: lsp.ClientCapabilities) -> None:
        text = capabilities.text_document
        self.pull = bool(text and text.diagnostic)

    def apply_client_settings(self, options: Any) -> str | None:
        """Layer the editor's `initializationOptions.settings.review` over the workspace's.

        Returns a warning for the user when the settings are invalid (the workspace's apply).
        Only the `review` section is per connection; other sections belong to the daemon.
        """
        settings = options.get("settings") if isinstance(options, dict) else None
        if not isinstance(settings, dict) or not settings:
            return None
        ignored = sorted(key for key in settings if key != "review")
        override = settings.get("review") or {}
        if not isinstance(override, dict):
            return "aigentflow: editor setting 'review' must be an object; using the workspace's"
        merged = deep_merge(self.services.settings.review.model_dump(mode="json"), override)
        try:
            review = ReviewSettings.model_validate(merged)
            self.engine = build_review_engine(review, self.services.baseline)
        except (ValidationError, AigentflowError) as exc:
            reason = str(exc).splitlines()[0] if isinstance(exc, AigentflowError) else _first_error(exc)
            return f"aigentflow: ignoring the editor's review settings ({reason})"
        self.review_settings = review
        if ignored:
            logger.info("editor settings for %s are daemon-wide and were not applied", ", ".join(ignored))
        return None

    @property
    def custom(self) -> bool:
        """Whether this connection reviews with settings of its own."""
        return self.engine is not self.services.review

    def close(self) -> None:
        self._unsubscribe()
        for task in [*self._pending.values(), *self._publishing]:
            task.cancel()
        self._pending.clear()

    # -- documents ---------------------------------------------------------------------

    def relpath(self, uri: str) -> str:
        """Workspace-relative path for a document URI; absolute POSIX path when outside."""
        fs_path = to_fs_path(uri) or uri
        try:
            return self.services.workspace.relpath(fs_path)
        except WorkspaceError:
            return Path(fs_path).as_posix()

    def is_open(self, uri: str) -> bool:
        return uri in self.ls.workspace.text_documents

    def findings(self, uri: str) -> list[Finding]:
        """Findings for the editor's current text of a document (disk text if it is not open).

        Blocking (a big file takes tens of milliseconds): on the event loop use `findings_async`.
        """
        text = self.ls.workspace.get_text_document(uri).source if self.is_open(uri) else None
        return self._findings_of(uri, text)

    async def findings_async(self, uri: str) -> list[Finding]:
        """`findings`, computed in a worker thread so no client waits on the review."""
        text = self.ls.workspace.get_text_document(uri).source if self.is_open(uri) else None
        return await asyncio.to_thread(self._findings_of, uri, text)

    def _findings_of(self, uri: str, text: str | None) -> list[Finding]:
        if text is not None:
            return self.engine.check_text(self.relpath(uri), text)
        if self.custom:
            return self.engine.check_file(self.services.workspace, self.relpath(uri)).findings
        return self.services.findings.get(self.relpath(uri)).findings

    def diagnostics(self, uri: str, findings: list[Finding]) -> list[lsp.Diagnostic]:
        doc = self.ls.workspace.get_text_document(uri) if self.is_open(uri) else None
        lines = doc.lines if doc else []
        root = self.services.workspace.root.as_posix()
        return [to_diagnostic(f, lines, doc, root) for f in findings] + self.extra.get(uri, [])

    def replace_extra(self, by_uri: dict[str, list[lsp.Diagnostic]]) -> None:
        """Show `by_uri` (e.g. failing tests) alongside the findings, dropping the previous set."""
        touched = set(self.extra) | set(by_uri)
        self.extra = {uri: diagnostics for uri, diagnostics in by_uri.items() if diagnostics}
        if self.pull:
            self._request_refresh()
        for uri in touched:
            if not self.pull or not self.is_open(uri):
                self.publish(uri)

    def schedule(self, uri: str, delay_s: float) -> None:
        """(Re)check a document after `delay_s`, replacing a pending check (debounce)."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay_s))

    async def _publish_later(self, uri: str, delay_s: float) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        await self.publish_async(uri)
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]

    def publish(self, uri: str, findings: list[Finding] | None = None) -> None:
        """Send `uri`'s diagnostics soon (computed off the event loop)."""
        task = asyncio.ensure_future(self.publish_async(uri, findings))
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)

    async def published(self) -> None:
        """Wait until every publish started so far has been sent (a command that changed what
        is shown answers after the editor has it)."""
        if self._publishing:
            await asyncio.gather(*list(self._publishing), return_exceptions=True)

    async def publish_async(self, uri: str, findings: list[Finding] | None = None) -> None:
        version = self._version(uri)
        try:
            found = await self.findings_async(uri) if findings is None else findings
            if self._version(uri) != version:
                return  # the text changed while we looked: the newer check publishes
            diagnostics = self.diagnostics(uri, found)
        except Exception:  # boundary: one file's failure must not end the session
            logger.exception("cannot compute diagnostics for %s", uri)
            return
        self.ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def _version(self, uri: str) -> int | None:
        return self.ls.workspace.get_text_document(uri).version if self.is_open(uri) else None

    def clear(self, uri: str) -> None:
        self.ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def refresh_open(self) -> None:
        """Re-send diagnostics for every open document (after a baseline or config change)."""
        if self.pull:
            self._request_refresh()
            return
        for uri in list(self.ls.workspace.text_documents):
            self.publish(uri)

    def _request_refresh(self) -> None:
        workspace_caps = self.ls.client_capabilities.workspace
        diag = workspace_caps.diagnostics if workspace_caps else None
        if diag and diag.refresh_support:
            self.ls.workspace_diagnostic_refresh(None)

    async def _on_findings_changed(self, event: FindingsChanged) -> None:
        uri = from_fs_path(str(self.services.workspace.root / event.path))
        if uri is None:
            return
        if self.is_open(uri):
            if self.pull:
                self._request_refresh()
            else:
                self.publish(uri)
            return
        self.publish(uri, None if self.custom else self.services.findings.get(event.path).findings)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"review.{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
