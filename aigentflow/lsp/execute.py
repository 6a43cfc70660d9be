"""`workspace/executeCommand` handlers: thin calls into the services."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from aigentflow.lsp import commands
from aigentflow.lsp.code_actions import suppress_edit_for
from aigentflow.lsp.errors import request_failed_on_error
from aigentflow.review.decisions import lesson_for
from aigentflow.review.findings import Finding
from aigentflow.state.lessons import DECISIONS, Lesson, LessonStore

if TYPE_CHECKING:
    from aigentflow.lsp.server import AigentflowLanguageServer

logger = logging.getLogger(__name__)

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


def _lesson(args: tuple[Any, ...]) -> Lesson:
    """The lesson a client sends back with RECORD_DECISION (as the code action carried it)."""
    fields = ("rule_id", "decision", "path", "before", "after", "file_type")
    data = args[0] if len(args) == 1 and isinstance(args[0], dict) else None
    if data is None or not all(isinstance(data.get(k, ""), str) for k in fields):
        raise JsonRpcInvalidParams.of(
            ValueError("expected one object with string fields " + ", ".join(fields))
        )
    if data.get("decision") not in DECISIONS or not data.get("rule_id"):
        raise JsonRpcInvalidParams.of(ValueError(f"decision must be one of {', '.join(DECISIONS)}"))
    return Lesson(**{k: data.get(k, "") for k in fields})


def _remember(ls: AigentflowLanguageServer, lesson: Lesson) -> None:
    """Record a decision in the project state; a failure to record never fails the user's action."""
    if ls.services.state is None:
        return
    try:
        LessonStore(ls.services.state).record(lesson)
    except Exception:  # the state DB is a side record: log and go on
        logger.exception("could not record the %s decision on %s", lesson.decision, lesson.rule_id)


def register(ls: AigentflowLanguageServer) -> None:
    @ls.command(commands.ADD_TO_BASELINE)
    def add_to_baseline(server: LanguageServer, *args: Any) -> dict[str, Any]:
        uri, finding = _finding(ls, args)
        with request_failed_on_error():
            added = ls.services.baseline.add([finding])
        if added:
            doc = ls.workspace.get_text_document(uri)
            _remember(ls, lesson_for(finding, doc.source, [], "baseline"))
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

    @ls.command(commands.RECORD_DECISION)
    def record_decision(server: LanguageServer, *args: Any) -> dict[str, Any]:
        _remember(ls, _lesson(args))
        return {"recorded": ls.services.state is not None}

    @ls.command(commands.SERVER_STATUS)
    def server_status(server: LanguageServer, *args: Any) -> dict[str, Any]:
        from aigentflow.status import daemon_status

        return daemon_status(ls.services).model_dump(mode="json")
