"""Core findings ↔ lsprotocol types. The only place the two type systems meet."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pygls.workspace import TextDocument

from aigentflow.review.findings import Finding, Severity, TextEdit

__all__ = ["SOURCE", "to_diagnostic", "to_lsp_edit", "to_range"]

SOURCE = "aigentflow"

_SEVERITY = {
    Severity.CRITICAL: lsp.DiagnosticSeverity.Error,
    Severity.HIGH: lsp.DiagnosticSeverity.Error,
    Severity.MEDIUM: lsp.DiagnosticSeverity.Warning,
    Severity.LOW: lsp.DiagnosticSeverity.Information,
    Severity.INFO: lsp.DiagnosticSeverity.Hint,
}


def to_range(
    lines: Sequence[str], doc: TextDocument | None, line: int, col: int, end_line: int, end_col: int
) -> lsp.Range:
    """1-based code-point span → 0-based range in the client's position encoding."""
    start = lsp.Position(line=max(line - 1, 0), character=max(col - 1, 0))
    end = lsp.Position(line=max(end_line - 1, 0), character=max(end_col - 1, 0))
    if doc is None:
        return lsp.Range(start=start, end=end)
    codec = doc.position_codec
    return lsp.Range(
        start=codec.position_to_client_units(lines, start), end=codec.position_to_client_units(lines, end)
    )


def to_diagnostic(
    finding: Finding, lines: Sequence[str], doc: TextDocument | None, root: str
) -> lsp.Diagnostic:
    related = [
        lsp.DiagnosticRelatedInformation(
            location=lsp.Location(
                uri=from_fs_path(f"{root}/{rel.path}") or "",
                range=to_range(
                    lines, doc, rel.line, rel.column, rel.end_line or rel.line, rel.end_column or 1
                )
                if rel.path == finding.path
                else lsp.Range(
                    start=lsp.Position(line=rel.line - 1, character=rel.column - 1),
                    end=lsp.Position(
                        line=(rel.end_line or rel.line) - 1, character=(rel.end_column or 1) - 1
                    ),
                ),
            ),
            message=rel.message,
        )
        for rel in finding.related
    ]
    return lsp.Diagnostic(
        range=to_range(lines, doc, finding.line, finding.column, finding.end_line, finding.end_column),
        message=finding.message + (f"\nFix: {finding.fix_hint}" if finding.fix_hint else ""),
        severity=_SEVERITY[finding.severity],
        code=finding.rule_id,
        code_description=lsp.CodeDescription(
            href=f"https://cwe.mitre.org/data/definitions/{finding.cwe}.html"
        )
        if finding.cwe
        else None,
        source=SOURCE,
        related_information=related or None,
        data={"fingerprint": finding.fingerprint, "rule_id": finding.rule_id},
    )


def to_lsp_edit(edit: TextEdit, lines: Sequence[str], doc: TextDocument | None) -> lsp.TextEdit:
    return lsp.TextEdit(
        range=to_range(lines, doc, edit.line, edit.column, edit.end_line, edit.end_column),
        new_text=edit.new_text,
    )
