/**
 * Reading command results from the server into what the palette shows. Pure, unit-tested.
 * Tolerant by design: a field the server adds later must not break an older extension.
 */

import type { BuildTestFixResult } from "./status";

export interface SearchHit {
  /** Workspace-relative or absolute path, as the server gave it. */
  path: string;
  /** 1-based line of the hit's start. */
  line: number;
  endLine: number;
  label: string;
  detail: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The hits of a `aigentflow.searchCode` result: a list, or an object with `hits`/`results`. */
export function parseSearchHits(result: unknown): SearchHit[] {
  const list = Array.isArray(result) ? result : isObj(result) ? (result.hits ?? result.results) : undefined;
  if (!Array.isArray(list)) {
    return [];
  }
  const hits: SearchHit[] = [];
  for (const item of list) {
    if (!isObj(item)) {
      continue;
    }
    const path = str(item.path) ?? str(item.file) ?? str(item.uri);
    if (path === undefined) {
      continue;
    }
    const line = num(item.start_line) ?? num(item.line) ?? 1;
    const endLine = num(item.end_line) ?? line;
    const name = str(item.name) ?? str(item.symbol);
    const score = num(item.score);
    const snippet = str(item.snippet) ?? str(item.text) ?? "";
    hits.push({
      path,
      line,
      endLine,
      label: name ? `${name}  ${path}:${line}` : `${path}:${line}`,
      detail: [score !== undefined ? `score ${score.toFixed(3)}` : "", snippet.split("\n")[0].trim()]
        .filter(Boolean)
        .join(" · "),
    });
  }
  return hits;
}

const SUCCESS = new Set(["complete", "completed", "passed", "success", "ok"]);

/** One-line summary of a `aigentflow.buildTestFix` result. */
export function summarizeBuildTestFix(result: unknown): BuildTestFixResult {
  if (!isObj(result)) {
    return { ok: false, summary: "no result" };
  }
  const state = str(result.state) ?? str(result.status) ?? str(result.outcome) ?? "unknown";
  const ok = typeof result.ok === "boolean" ? result.ok : SUCCESS.has(state.toLowerCase());
  const detail = str(result.summary) ?? str(result.message) ?? str(result.reason);
  return { ok, summary: detail ? `${state}: ${detail}` : state };
}
