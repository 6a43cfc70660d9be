"""Per-connection state: which documents are open, pending re-checks, push or pull mode."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path

from aigentflow.errors import WorkspaceError
from aigentflow.events import FindingsChanged
from aigentflow.lsp.convert import to_diagnostic
from aigentflow.review.findings import Finding
from aigentflow.services import Services

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
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._unsubscribe = services.bus.subscribe("findings.changed", self._on_findings_changed)

    # -- lifecycle ---------------------------------------------------------------------

    def configure(self, capabilities: lsp.ClientCapabilities) -> None:
        text = capabilities.text_document
        self.pull = bool(text and text.diagnostic)

    def close(self) -> None:
        self._unsubscribe()
        for task in self._pending.values():
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
        """Findings for the editor's current text of a document (disk text if it is not open)."""
        if self.is_open(uri):
            doc = self.ls.workspace.get_text_document(uri)
            return self.services.review.check_text(self.relpath(uri), doc.source)
        return self.services.findings.get(self.relpath(uri)).findings

    def diagnostics(self, uri: str, findings: list[Finding]) -> list[lsp.Diagnostic]:
        doc = self.ls.workspace.get_text_document(uri) if self.is_open(uri) else None
        lines = doc.lines if doc else []
        root = self.services.workspace.root.as_posix()
        return [to_diagnostic(f, lines, doc, root) for f in findings]

    def schedule(self, uri: str, delay_s: float) -> None:
        """(Re)check a document after `delay_s`, replacing a pending check (debounce)."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay_s))

    async def _publish_later(self, uri: str, delay_s: float) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        self._pending.pop(uri, None)
        self.publish(uri)

    def publish(self, uri: str, findings: list[Finding] | None = None) -> None:
        try:
            found = self.findings(uri) if findings is None else findings
            diagnostics = self.diagnostics(uri, found)
        except Exception:  # boundary: one file's failure must not end the session
            logger.exception("cannot compute diagnostics for %s", uri)
            return
        doc_version = self.ls.workspace.get_text_document(uri).version if self.is_open(uri) else None
        self.ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=doc_version)
        )

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
        review = self.services.findings.get(event.path)
        self.publish(uri, review.findings)
