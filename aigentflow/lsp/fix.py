"""`aigentflow.buildTestFix`: the build-test-fix loop from the editor.

Arguments: none (every test), a test target (a node id, a path or a document URI), or
`[uri, position]` (the test under the cursor). The command starts a run, shows its states as
work-done progress (cancelling the progress cancels the run), publishes the failing tests as
diagnostics at their assertion line, and offers a verified fix as a `workspace/applyEdit` the
user confirms. It answers with the run's id, state, and the diff or the escalation report.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import from_fs_path

from aigentflow.agents.callees import test_node_id_at
from aigentflow.agents.frames import traceback_frames
from aigentflow.agents.records import FailureRecord, RunRecord
from aigentflow.agents.runs import RunError, RunManager
from aigentflow.lsp import commands

if TYPE_CHECKING:
    from aigentflow.lsp.server import AigentflowLanguageServer

__all__ = ["register"]

SOURCE = "aigentflow-tests"


def _target(ls: AigentflowLanguageServer, args: tuple[Any, ...]) -> str | None:
    """None (every test), a node id/path/URI, or [uri, position]: the test under the cursor."""
    if not args or args[0] in (None, ""):
        return None
    target = args[0]
    if len(args) >= 2 and isinstance(target, str) and isinstance(args[1], dict) and "line" in args[1]:
        rel = ls.session.relpath(target)
        return test_node_id_at(ls.services.workspace.root, rel, int(args[1]["line"]) + 1) or rel
    if not isinstance(target, str):
        raise JsonRpcInvalidParams.of(ValueError("expected [target?]: a test node id, path or document URI"))
    if target.startswith("file:"):
        target = ls.session.relpath(target)
    if ls.services.runs is not None:
        try:
            ls.services.runs.check_target(target)
        except RunError as exc:
            raise JsonRpcInvalidParams.of(ValueError(str(exc))) from None
    return target


def _line_of(failure: FailureRecord, root: Any) -> int:
    """0-based line of the failing assertion: the test file's innermost frame, else the test itself."""
    test = failure.test
    frames = [f for f in traceback_frames(test.details, root) if f.path == test.file]
    line = frames[-1].line if frames else (test.line or 1)
    return max(0, line - 1)


def publish_failures(ls: AigentflowLanguageServer, record: RunRecord) -> list[str]:
    """Failing tests as diagnostics, kept with the file's review findings; the URIs touched."""
    root = ls.services.workspace.root
    by_uri: dict[str, list[lsp.Diagnostic]] = {}
    for failure in record.failures:
        if not failure.test.file or (uri := from_fs_path(str(root / failure.test.file))) is None:
            continue
        line = _line_of(failure, root)
        by_uri.setdefault(uri, []).append(
            lsp.Diagnostic(
                range=lsp.Range(
                    start=lsp.Position(line=line, character=0), end=lsp.Position(line=line + 1, character=0)
                ),
                message=f"{failure.test.id}: {failure.classification.value}: {failure.test.message}",
                severity=lsp.DiagnosticSeverity.Error,
                source=SOURCE,
                code=failure.classification.value,
            )
        )
    ls.session.replace_extra(by_uri)  # shown with the review findings until the next run
    return list(by_uri)


def _edit(ls: AigentflowLanguageServer, runs: RunManager, record: RunRecord) -> lsp.WorkspaceEdit:
    """The verified fix as whole-document replacements that need the user's confirmation."""
    root = ls.services.workspace.root
    annotation = lsp.ChangeAnnotation(label="aigentflow: verified fix", needs_confirmation=True,
                                      description=f"run {record.id}")  # fmt: skip
    changes: list[Any] = []
    for rel, text in runs.fixed_texts(record.id).items():
        uri = from_fs_path(str(root / rel)) or rel
        doc = ls.workspace.get_text_document(uri)
        old_lines = len(doc.lines) if doc.source else (root / rel).read_text(encoding="utf-8").count("\n") + 1
        whole = lsp.Range(
            start=lsp.Position(line=0, character=0), end=lsp.Position(line=old_lines, character=0)
        )
        changes.append(
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[lsp.AnnotatedTextEdit(range=whole, new_text=text, annotation_id="fix")],
            )
        )
    return lsp.WorkspaceEdit(document_changes=changes, change_annotations={"fix": annotation})


async def _progress(ls: AigentflowLanguageServer, runs: RunManager, record: RunRecord) -> RunRecord:
    caps = ls.client_capabilities.window
    token = f"aigentflow-fix-{uuid.uuid4().hex[:8]}" if caps and caps.work_done_progress else None
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[RunRecord] = asyncio.Queue()
    stop = runs.watch(lambda r: loop.call_soon_threadsafe(queue.put_nowait, r) if r.id == record.id else None)
    try:
        if token is not None:
            await ls.work_done_progress.create_async(token)
            run_id = record.id

            def cancelled(future: Any) -> None:  # the user pressed "cancel" on the progress
                if future.cancelled():
                    runs.cancel(run_id)

            ls.work_done_progress.tokens[token].add_done_callback(cancelled)
            begin = lsp.WorkDoneProgressBegin(
                title="Build-test-fix", cancellable=True, message=record.state.value
            )
            ls.work_done_progress.begin(token, begin)
        record = runs.get(record.id)
        while not record.done:
            record = await queue.get()
            if token is not None:
                last = record.transitions[-1]
                ls.work_done_progress.report(
                    token, lsp.WorkDoneProgressReport(message=f"{last.state.value}: {last.note}")
                )
        return record
    finally:
        stop()
        if token is not None:
            ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=record.state.value))


def register(ls: AigentflowLanguageServer) -> None:
    # pygls evaluates a command's annotations at call time: no names that exist only for type checkers
    @ls.command(commands.BUILD_TEST_FIX)
    async def build_test_fix(ls: Any, *args: Any) -> dict[str, Any]:
        return await _build_test_fix(ls, args)


async def _offer(ls: AigentflowLanguageServer, runs: RunManager, record: RunRecord) -> bool:
    """Offer a verified fix as an edit the user confirms; True when the editor applied it."""
    try:
        edit = _edit(ls, runs, record)
    except (RunError, OSError):
        return False
    params = lsp.ApplyWorkspaceEditParams(edit=edit, label="aigentflow: apply the verified fix")
    result = await ls.workspace_apply_edit_async(params)
    if result.applied:
        runs.mark_applied(record.id)  # the editor changed its buffers; the worktree has served
    return bool(result.applied)


async def _build_test_fix(ls: AigentflowLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    runs = ls.services.runs
    if runs is None:
        raise JsonRpcInvalidParams.of(ValueError("build-test-fix is not available"))
    record = await _progress(ls, runs, await runs.start(_target(ls, args)))
    publish_failures(ls, record)
    await ls.session.published()  # the failing tests are on screen when the command answers
    applied = await _offer(ls, runs, record) if record.diff and record.resolution is None else False
    return {
        "runId": record.id,
        "state": record.state.value,
        "applied": applied,
        "diff": record.diff,
        "report": record.escalation.markdown if record.escalation else None,
    }
