/**
 * Names shared with the language server.
 *
 * SERVER COMMANDS are mirrored from aigentflow/lsp/commands.py (the one definition): keep the
 * names and values identical. tests/editors/test_command_mirrors.py and src/test/commands.test.ts
 * parse both files and fail when they drift.
 */

// --- server commands (workspace/executeCommand), mirrored from aigentflow/lsp/commands.py ---
export const SUPPRESS_LINE = "aigentflow.suppressLine";
export const ADD_TO_BASELINE = "aigentflow.addToBaseline";
export const BUILD_TEST_FIX = "aigentflow.buildTestFix";
export const REVIEW_CHANGES = "aigentflow.reviewChanges";
export const SEARCH_CODE = "aigentflow.searchCode";
export const INDEX_STATUS = "aigentflow.indexStatus";
export const SERVER_STATUS = "aigentflow.serverStatus";
export const RECORD_DECISION = "aigentflow.recordDecision";

export const ALL_COMMANDS: readonly string[] = [
  SUPPRESS_LINE,
  ADD_TO_BASELINE,
  BUILD_TEST_FIX,
  REVIEW_CHANGES,
  SEARCH_CODE,
  INDEX_STATUS,
  SERVER_STATUS,
  RECORD_DECISION,
];
// --- end of mirrored server commands ---

/**
 * Palette commands contributed in package.json. They live under `aigentflow.palette.` because
 * vscode-languageclient registers every server command under its own name: the two sets must
 * not collide.
 */
export const PALETTE = {
  buildTestFixProject: "aigentflow.palette.buildTestFixProject",
  buildTestFixCurrentTest: "aigentflow.palette.buildTestFixCurrentTest",
  reviewChanges: "aigentflow.palette.reviewChanges",
  searchCode: "aigentflow.palette.searchCode",
  showIndexStatus: "aigentflow.palette.showIndexStatus",
  restartServer: "aigentflow.palette.restartServer",
  showOutput: "aigentflow.palette.showOutput",
} as const;

/** The configuration section of package.json's `contributes.configuration`. */
export const CONFIG_SECTION = "aigentflow";

/** Shown whenever the `aigentflow` executable cannot be found. */
export const INSTALL_COMMAND = "python3 -m pip install aigentflow";
