import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSearchHits, summarizeBuildTestFix } from "../results";
import { ProgressTracker, renderStatus } from "../status";

describe("ProgressTracker", () => {
  it("shows the newest unfinished progress with its latest report", () => {
    const tracker = new ProgressTracker();
    tracker.begin("a", "Indexing", "0/10", 0);
    tracker.begin(7, "Reviewing");
    tracker.report("a", undefined, 50);
    assert.deepEqual(tracker.current(), { title: "Reviewing", message: undefined, percentage: undefined });
    tracker.end(7);
    assert.deepEqual(tracker.current(), { title: "Indexing", message: "0/10", percentage: 50 });
    tracker.end("a");
    assert.equal(tracker.current(), undefined);
  });
});

describe("renderStatus", () => {
  it("shows indexing progress while the server works", () => {
    const view = renderStatus("running", { title: "Indexing", percentage: 42.4, message: "src/" }, undefined);
    assert.equal(view.text, "$(sync~spin) Aigentflow: Indexing 42%");
    assert.match(view.tooltip, /Indexing: src\//);
  });

  it("marks the last build–test–fix result", () => {
    const ok = renderStatus("running", undefined, { ok: true, summary: "COMPLETE" });
    assert.equal(ok.text, "$(shield) Aigentflow $(pass)");
    assert.match(ok.tooltip, /Last build–test–fix: COMPLETE/);
    assert.equal(renderStatus("running", undefined, { ok: false, summary: "x" }).text, "$(shield) Aigentflow $(error)");
  });

  it("says when the executable is missing", () => {
    assert.match(renderStatus("notInstalled", undefined, undefined).text, /not installed/);
  });
});

describe("parseSearchHits", () => {
  it("reads hits from a list or from an object's hits/results", () => {
    const hit = { path: "src/a.py", start_line: 3, end_line: 9, name: "load_keys", score: 0.5, snippet: "def load_keys():\n" };
    const [parsed] = parseSearchHits({ hits: [hit] });
    assert.deepEqual(parsed, {
      path: "src/a.py",
      line: 3,
      endLine: 9,
      label: "load_keys  src/a.py:3",
      detail: "score 0.500 · def load_keys():",
    });
    assert.equal(parseSearchHits([hit]).length, 1);
    assert.equal(parseSearchHits({ results: [{ file: "b.go", line: 2 }] })[0].label, "b.go:2");
  });

  it("skips malformed entries and results", () => {
    assert.deepEqual(parseSearchHits(undefined), []);
    assert.deepEqual(parseSearchHits({ hits: "no" }), []);
    assert.deepEqual(parseSearchHits([null, 3, { line: 1 }]), []);
  });
});

describe("summarizeBuildTestFix", () => {
  it("reads the final state and its reason", () => {
    assert.deepEqual(summarizeBuildTestFix({ state: "COMPLETE" }), { ok: true, summary: "COMPLETE" });
    assert.deepEqual(summarizeBuildTestFix({ state: "ESCALATING", reason: "same error twice" }), {
      ok: false,
      summary: "ESCALATING: same error twice",
    });
    assert.deepEqual(summarizeBuildTestFix(null), { ok: false, summary: "no result" });
  });
});
