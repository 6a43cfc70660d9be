"""Code actions for our diagnostics: the rule's own fixes, suppress on this line, add to baseline."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from aigentflow.lsp import commands
from aigentflow.lsp.convert import SOURCE, to_lsp_edit
from aigentflow.review.decisions import lesson_for
from aigentflow.review.findings import Finding
from aigentflow.review.rules import SourceFile
from aigentflow.review.suppress import suppression_edit
from aigentflow.state.lessons import Lesson

if TYPE_CHECKING:
    from aigentflow.lsp.server import AigentflowLanguageServer

__all__ = ["register", "suppress_edit_for"]


def suppress_edit_for(ls: AigentflowLanguageServer, uri: str, finding: Finding) -> lsp.WorkspaceEdit | None:
    """The WorkspaceEdit adding an allow comment for `finding`, or None if the file cannot take one."""
    doc = ls.workspace.get_text_document(uri)
    edit = suppression_edit(finding, SourceFile.of(finding.path, doc.source))
    if edit is None:
        return None
    return lsp.WorkspaceEdit(changes={uri: [to_lsp_edit(edit, doc.lines, doc)]})


def _record(lesson: Lesson) -> lsp.Command:
    """The command a client runs after applying an action's edit: it records the decision.

    (LSP runs an action's `command` after its `edit`, so the server learns the user chose it.)
    """
    data = {k: v for k, v in asdict(lesson).items() if k != "ts"}
    return lsp.Command(title="Record the decision", command=commands.RECORD_DECISION, arguments=[data])


def _actions_for(
    ls: AigentflowLanguageServer, uri: str, diagnostic: lsp.Diagnostic, finding: Finding
) -> list[lsp.CodeAction]:
    doc = ls.workspace.get_text_document(uri)
    actions = [
        lsp.CodeAction(
            title=fix.title,
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=True,
            edit=lsp.WorkspaceEdit(changes={uri: [to_lsp_edit(e, doc.lines, doc) for e in fix.edits]}),
            command=_record(lesson_for(finding, doc.source, fix.edits, "fix")),
        )
        for fix in finding.fixes
    ]
    allow = suppression_edit(finding, SourceFile.of(finding.path, doc.source))
    if allow is not None:
        actions.append(
            lsp.CodeAction(
                title=f"Suppress {finding.rule_id} on this line (aigentflow: allow)",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=lsp.WorkspaceEdit(changes={uri: [to_lsp_edit(allow, doc.lines, doc)]}),
                command=_record(lesson_for(finding, doc.source, [allow], "suppress")),
            )
        )
    actions.append(
        lsp.CodeAction(
            title=f"Add {finding.rule_id} finding to the baseline",
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            command=lsp.Command(
                title="Add to baseline",
                command=commands.ADD_TO_BASELINE,
                arguments=[uri, finding.fingerprint],
            ),
        )
    )
    return actions


def register(ls: AigentflowLanguageServer) -> None:
    @ls.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix], resolve_provider=False),
    )
    async def code_action(ls: AigentflowLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        if not ls.session.is_open(uri):
            return []
        ours = [d for d in params.context.diagnostics if d.source == SOURCE]
        if not ours:
            return []
        by_fingerprint = {f.fingerprint: f for f in await ls.session.findings_async(uri)}
        actions: list[lsp.CodeAction] = []
        for diagnostic in ours:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            finding = by_fingerprint.get(str(data.get("fingerprint", "")))
            if finding is not None:
                actions.extend(_actions_for(ls, uri, diagnostic, finding))
        return actions
