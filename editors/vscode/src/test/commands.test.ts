import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as C from "../commands";

const extensionRoot = path.resolve(__dirname, "..", "..");
const packageJson = JSON.parse(fs.readFileSync(path.join(extensionRoot, "package.json"), "utf8"));

/** NAME = "aigentflow.x" assignments of aigentflow/lsp/commands.py, when the repo is around. */
function pythonCommands(): Map<string, string> | undefined {
  const file = path.resolve(extensionRoot, "..", "..", "aigentflow", "lsp", "commands.py");
  if (!fs.existsSync(file)) {
    return undefined;
  }
  const found = new Map<string, string>();
  for (const match of fs.readFileSync(file, "utf8").matchAll(/^([A-Z_]+)\s*=\s*"(aigentflow\.[^"]+)"/gm)) {
    found.set(match[1], match[2]);
  }
  return found;
}

describe("server command names", () => {
  it("equal the Python definitions in aigentflow/lsp/commands.py", (t) => {
    const python = pythonCommands();
    if (python === undefined) {
      t.skip("aigentflow/lsp/commands.py is not beside this extension (built outside the repository)");
      return;
    }
    const ours = new Map(
      Object.entries(C as Record<string, unknown>).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string" && entry[1].startsWith("aigentflow."),
      ),
    );
    assert.ok(python.size > 0);
    assert.deepEqual(new Map([...ours].sort()), new Map([...python].sort()));
  });

  it("are all listed once in ALL_COMMANDS", () => {
    assert.equal(new Set(C.ALL_COMMANDS).size, C.ALL_COMMANDS.length);
    for (const name of [C.SUPPRESS_LINE, C.BUILD_TEST_FIX, C.REVIEW_CHANGES, C.SEARCH_CODE, C.INDEX_STATUS]) {
      assert.ok(C.ALL_COMMANDS.includes(name), name);
    }
  });

  it("never collide with the palette commands", () => {
    for (const palette of Object.values(C.PALETTE)) {
      assert.ok(!C.ALL_COMMANDS.includes(palette), palette);
    }
  });
});

describe("palette commands", () => {
  it("are exactly the commands contributed in package.json", () => {
    const contributed = packageJson.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(C.PALETTE).sort());
  });
});
