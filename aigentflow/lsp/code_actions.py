"""Code actions for our diagnostics: the rule's own fixes, suppress on this line, add to baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from aigentflow.lsp import commands
from aigentflow.lsp.convert import SOURCE, to_lsp_edit
from aigentflow.review.findings import Finding
from aigentflow.review.rules import SourceFile
from aigentflow.review.suppress import suppression_edit

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
        )
        for fix in finding.fixes
    ]
    suppress = suppress_edit_for(ls, uri, finding)
    if suppress is not None:
        actions.append(
            lsp.CodeAction(
                title=f"Suppress {finding.rule_id} on this line (aigentflow: allow)",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=suppress,
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
    def code_action(ls: AigentflowLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        if not ls.session.is_open(uri):
            return []
        ours = [d for d in params.context.diagnostics if d.source == SOURCE]
        if not ours:
            return []
        by_fingerprint = {f.fingerprint: f for f in ls.session.findings(uri)}
        actions: list[lsp.CodeAction] = []
        for diagnostic in ours:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            finding = by_fingerprint.get(str(data.get("fingerprint", "")))
            if finding is not None:
                actions.extend(_actions_for(ls, uri, diagnostic, finding))
        return actions
