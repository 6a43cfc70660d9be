"""Names of the `workspace/executeCommand` commands the server offers.

Editors mirror this list (editors/vscode/src/commands.ts, editors/neovim/lua/aigentflow/commands.lua);
a test checks that the mirrors match it.
"""

from __future__ import annotations

__all__ = ["ALL_COMMANDS"]

SUPPRESS_LINE = "aigentflow.suppressLine"
ADD_TO_BASELINE = "aigentflow.addToBaseline"
BUILD_TEST_FIX = "aigentflow.buildTestFix"
REVIEW_CHANGES = "aigentflow.reviewChanges"
SEARCH_CODE = "aigentflow.searchCode"
INDEX_STATUS = "aigentflow.indexStatus"
SERVER_STATUS = "aigentflow.serverStatus"
RECORD_DECISION = "aigentflow.recordDecision"  # run by the client after a fix/suppress action

ALL_COMMANDS = (
    SUPPRESS_LINE,
    ADD_TO_BASELINE,
    BUILD_TEST_FIX,
    REVIEW_CHANGES,
    SEARCH_CODE,
    INDEX_STATUS,
    SERVER_STATUS,
    RECORD_DECISION,
)
