"""Diagnostics: pushed on open, change (debounced) and save; pulled where the client prefers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from aigentflow.lsp.convert import SOURCE

if TYPE_CHECKING:
    from aigentflow.lsp.server import AigentflowLanguageServer

__all__ = ["register"]


def register(ls: AigentflowLanguageServer) -> None:
    @ls.feature(lsp.INITIALIZE)
    def initialize(ls: AigentflowLanguageServer, params: lsp.InitializeParams) -> None:
        warning = ls.session.apply_client_settings(params.initialization_options)
        if warning:
            ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=warning))

    @ls.feature(lsp.INITIALIZED)
    def initialized(ls: AigentflowLanguageServer, params: lsp.InitializedParams) -> None:
        ls.session.configure(ls.client_capabilities)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AigentflowLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if ls.session.pull:
            ls.session.clear(params.text_document.uri)  # drop what was pushed for the file on disk
        else:
            ls.session.schedule(params.text_document.uri, 0)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AigentflowLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if not ls.session.pull:
            ls.session.schedule(params.text_document.uri, ls.session.review_settings.debounce_ms / 1000)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AigentflowLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if not ls.session.pull:
            ls.session.schedule(params.text_document.uri, 0)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AigentflowLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.session.clear(params.text_document.uri)

    @ls.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False),
    )
    async def pull(
        ls: AigentflowLanguageServer, params: lsp.DocumentDiagnosticParams
    ) -> lsp.DocumentDiagnosticReport:
        uri = params.text_document.uri
        items = ls.session.diagnostics(uri, await ls.session.findings_async(uri))
        return lsp.RelatedFullDocumentDiagnosticReport(items=items)
