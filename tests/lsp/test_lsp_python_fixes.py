"""Python quick fixes through a real LSP client: request the code actions of a diagnostic,
apply the rule's WorkspaceEdit, and the diagnostic is gone while the file still parses."""

from __future__ import annotations

import ast
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.test_lsp_review import client, diagnostics_for, open_doc, type_text

__all__ = ["client"]  # the fixture, shared with the review tests

LOADER = (
    "import yaml\n\n\ndef load(path):\n    with open(path) as handle:\n"
    "        return yaml.load(handle, Loader=yaml.Loader)\n"
)
HASHER = "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


def apply_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (0-based lines, UTF-16 characters; ASCII here) from the bottom up."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = starts[edit.range.start.line] + edit.range.start.character
        end = starts[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


async def _fix(client: LanguageClient, uri: str, text: str, rule: str, title: str, expect: int = 1) -> str:
    diagnostics = await diagnostics_for(client, uri, expect=expect)
    [diagnostic] = [d for d in diagnostics if d.code == rule]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    action = next(a for a in actions if isinstance(a, lsp.CodeAction) and title in a.title)
    assert action.kind == lsp.CodeActionKind.QuickFix
    assert action.edit is not None and action.edit.changes is not None
    return apply_edits(text, list(action.edit.changes[uri]))


async def test_quick_fixes_remove_their_diagnostics_one_after_the_other(
    client: LanguageClient, workspace: Path
) -> None:
    text = LOADER + "\n\n" + HASHER.replace("import hashlib\n\n\n", "")
    text = "import hashlib\n" + text
    uri = open_doc(client, workspace / "loader.py", text)
    # three diagnostics: unsafe yaml.load, MD5, and the information that the file does cryptography
    text = await _fix(client, uri, text, "python.unsafe-yaml-load", "yaml.safe_load", expect=3)
    assert "return yaml.safe_load(handle)" in text
    ast.parse(text)
    type_text(client, uri, 2, text)
    text = await _fix(client, uri, text, "python.weak-hash", "SHA-256", expect=2)
    assert "hashlib.sha256(data)" in text
    ast.parse(text)
    type_text(client, uri, 3, text)
    remaining = await diagnostics_for(client, uri, expect=1)
    assert [d.code for d in remaining] == ["review.auth-or-crypto"]
