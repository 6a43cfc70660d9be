import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  CLIENT_DEFAULTS,
  CLIENT_ONLY_KEYS,
  SERVER_SETTINGS,
  launchLine,
  resolveExecutable,
  toInitializationOptions,
} from "../settings";

const packageJson = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"));
const properties: Record<string, { default: unknown }> = packageJson.contributes.configuration.properties;
const client = { name: "test", version: "0" };

describe("contributed settings", () => {
  it("are each either client-only or mapped to the server configuration", () => {
    const keys = Object.keys(properties).map((k) => k.replace(/^aigentflow\./, ""));
    assert.deepEqual(keys.sort(), [...CLIENT_ONLY_KEYS, ...Object.keys(SERVER_SETTINGS)].sort());
  });

  it("have the client defaults that package.json declares", () => {
    assert.equal(properties["aigentflow.server.path"].default, CLIENT_DEFAULTS.serverPath);
    assert.deepEqual(properties["aigentflow.server.args"].default, CLIENT_DEFAULTS.serverArgs);
    assert.equal(properties["aigentflow.server.standalone"].default, CLIENT_DEFAULTS.standalone);
    assert.equal(properties["aigentflow.server.maxRestarts"].default, CLIENT_DEFAULTS.maxRestarts);
    assert.equal(properties["aigentflow.statusBar.enabled"].default, CLIENT_DEFAULTS.statusBarEnabled);
  });
});

describe("toInitializationOptions", () => {
  it("sends nothing when nothing was set explicitly", () => {
    assert.deepEqual(toInitializationOptions({}, client), { settings: {}, client });
  });

  it("maps every server setting into the config.yaml schema", () => {
    const options = toInitializationOptions(
      {
        "review.debounceMs": 100,
        "review.disabledRules": ["secrets.generic-high-entropy", " ", "quality.*"],
        "secrets.entropyThreshold": 4.25,
        "secrets.allowlist": ["^test-"],
      },
      client,
    );
    assert.deepEqual(options.settings, {
      review: {
        debounce_ms: 100,
        rules: { "secrets.generic-high-entropy": { enabled: false }, "quality.*": { enabled: false } },
        secrets: { entropy_threshold: 4.25, allowlist: ["^test-"] },
      },
    });
  });

  it("ignores unknown keys, client-only keys and ill-typed values", () => {
    const options = toInitializationOptions(
      { "review.debounceMs": "fast", "server.path": "/x", "secrets.allowlist": [1], nonsense: true },
      client,
    );
    assert.deepEqual(options.settings, {});
  });
});

describe("launchLine", () => {
  it("runs `aigentflow lsp` in the workspace folder by default", () => {
    assert.deepEqual(launchLine(CLIENT_DEFAULTS, "/w"), { command: "aigentflow", args: ["lsp"], cwd: "/w" });
  });

  it("adds --standalone once when asked", () => {
    const line = launchLine({ ...CLIENT_DEFAULTS, standalone: true, serverArgs: ["lsp", "--standalone"] }, "/w");
    assert.deepEqual(line.args, ["lsp", "--standalone"]);
    assert.deepEqual(launchLine({ ...CLIENT_DEFAULTS, standalone: true }, undefined).args, ["lsp", "--standalone"]);
  });

  it("falls back to the defaults for an empty path or argument list", () => {
    const line = launchLine({ ...CLIENT_DEFAULTS, serverPath: " ", serverArgs: [] }, undefined);
    assert.equal(line.command, "aigentflow");
    assert.deepEqual(line.args, ["lsp"]);
  });
});

describe("resolveExecutable", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aigentflow-vscode-"));
  const exe = path.join(dir, "aigentflow");
  fs.writeFileSync(exe, "#!/bin/sh\n");
  fs.chmodSync(exe, 0o755);
  const plain = path.join(dir, "not-executable");
  fs.writeFileSync(plain, "");
  fs.chmodSync(plain, 0o644);

  it("finds a name on PATH", { skip: process.platform === "win32" ? "POSIX modes" : false }, () => {
    assert.equal(resolveExecutable("aigentflow", ["/nonexistent", dir].join(path.delimiter), undefined), exe);
  });

  it("returns undefined when the name is nowhere on PATH", () => {
    assert.equal(resolveExecutable("aigentflow", "/nonexistent", undefined), undefined);
    assert.equal(resolveExecutable("aigentflow", undefined, undefined), undefined);
  });

  it("accepts a path, relative to the workspace folder", { skip: process.platform === "win32" ? "POSIX modes" : false }, () => {
    assert.equal(resolveExecutable(exe, "", undefined), exe);
    assert.equal(resolveExecutable("./aigentflow", "", dir), exe);
    assert.equal(resolveExecutable(plain, "", undefined), undefined);
  });
});
