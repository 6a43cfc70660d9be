-- Names of the server's workspace/executeCommand commands, mirrored from
-- aigentflow/lsp/commands.py (the one definition). tests/editors/test_command_mirrors.py fails
-- when the two drift.
return {
  SUPPRESS_LINE = "aigentflow.suppressLine",
  ADD_TO_BASELINE = "aigentflow.addToBaseline",
  BUILD_TEST_FIX = "aigentflow.buildTestFix",
  REVIEW_CHANGES = "aigentflow.reviewChanges",
  SEARCH_CODE = "aigentflow.searchCode",
  INDEX_STATUS = "aigentflow.indexStatus",
  SERVER_STATUS = "aigentflow.serverStatus",
  RECORD_DECISION = "aigentflow.recordDecision",
}
