"""`workspace/executeCommand` handlers: thin calls into the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from aigentflow.lsp import commands
from aigentflow.lsp.code_actions import suppress_edit_for
from aigentflow.lsp.errors import request_failed_on_error
from aigentflow.review.findings import Finding

if TYPE_CHECKING:
    from aigentflow.lsp.server import AigentflowLanguageServer

# Command handlers annotate `ls` with pygls' base class: pygls resolves a command handler's
# type hints at call time (to structure its arguments), and our server class cannot be
# imported here at run time without an import cycle.

__all__ = ["register"]


def _finding(ls: AigentflowLanguageServer, args: tuple[Any, ...]) -> tuple[str, Finding]:
    if len(args) != 2 or not all(isinstance(a, str) for a in args):
        raise JsonRpcInvalidParams.of(ValueError("expected arguments [uri, fingerprint]"))
    uri, fingerprint = args
    for finding in ls.session.findings(uri):
        if finding.fingerprint == fingerprint:
            return uri, finding
    raise JsonRpcInvalidParams.of(ValueError(f"no current finding {fingerprint} in {uri}"))


def register(ls: AigentflowLanguageServer) -> None:
    @ls.command(commands.ADD_TO_BASELINE)
    def add_to_baseline(server: LanguageServer, *args: Any) -> dict[str, Any]:
        _, finding = _finding(ls, args)
        with request_failed_on_error():
            added = ls.services.baseline.add([finding])
        ls.services.findings.invalidate_all()
        ls.session.refresh_open()
        return {"added": added, "fingerprint": finding.fingerprint}

    @ls.command(commands.SUPPRESS_LINE)
    async def suppress_line(server: LanguageServer, *args: Any) -> dict[str, Any]:
        uri, finding = _finding(ls, args)
        edit = suppress_edit_for(ls, uri, finding)
        if edit is None:
            raise JsonRpcInvalidParams.of(ValueError("this file type cannot carry an allow comment"))
        from lsprotocol import types as lsp

        result = await ls.workspace_apply_edit_async(
            lsp.ApplyWorkspaceEditParams(edit=edit, label="aigentflow: allow")
        )
        return {"applied": result.applied}

    @ls.command(commands.SERVER_STATUS)
    def server_status(server: LanguageServer, *args: Any) -> dict[str, Any]:
        from aigentflow.status import daemon_status

        return daemon_status(ls.services).model_dump(mode="json")
