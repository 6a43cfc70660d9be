/**
 * The status-bar model: server state, work-done progress from the server (indexing, reviews,
 * build–test–fix) and the last build–test–fix result, rendered to text. Pure, unit-tested.
 */

export type ServerState = "starting" | "running" | "restarting" | "stopped" | "notInstalled";

export interface Progress {
  title: string;
  message?: string;
  percentage?: number;
}

export interface BuildTestFixResult {
  ok: boolean;
  summary: string;
}

/** Work-done progress by token; the newest unfinished one is what the status bar shows. */
export class ProgressTracker {
  private readonly active = new Map<string, Progress>();

  begin(token: string | number, title: string, message?: string, percentage?: number): void {
    this.active.delete(String(token)); // re-insert so it becomes the newest
    this.active.set(String(token), { title, message, percentage });
  }

  report(token: string | number, message?: string, percentage?: number): void {
    const current = this.active.get(String(token));
    if (current !== undefined) {
      this.active.set(String(token), {
        title: current.title,
        message: message ?? current.message,
        percentage: percentage ?? current.percentage,
      });
    }
  }

  end(token: string | number): void {
    this.active.delete(String(token));
  }

  clear(): void {
    this.active.clear();
  }

  current(): Progress | undefined {
    let last: Progress | undefined;
    for (const progress of this.active.values()) {
      last = progress;
    }
    return last;
  }
}

export interface StatusView {
  text: string;
  tooltip: string;
}

const STATE_TEXT: Record<ServerState, string> = {
  starting: "$(loading~spin) Aigentflow",
  running: "$(shield) Aigentflow",
  restarting: "$(sync~spin) Aigentflow: restarting",
  stopped: "$(error) Aigentflow: stopped",
  notInstalled: "$(warning) Aigentflow: not installed",
};

/** Status-bar text (with codicons) and tooltip for the current state. */
export function renderStatus(
  state: ServerState,
  progress: Progress | undefined,
  lastRun: BuildTestFixResult | undefined,
): StatusView {
  let text = STATE_TEXT[state];
  const tooltip: string[] = [`Aigentflow language server: ${state}`];
  if (state === "running" && progress !== undefined) {
    const pct = progress.percentage !== undefined ? ` ${Math.round(progress.percentage)}%` : "";
    text = `$(sync~spin) Aigentflow: ${progress.title}${pct}`;
    tooltip.push(progress.message ? `${progress.title}: ${progress.message}` : progress.title);
  } else if (state === "running" && lastRun !== undefined) {
    text += lastRun.ok ? " $(pass)" : " $(error)";
  }
  if (lastRun !== undefined) {
    tooltip.push(`Last build–test–fix: ${lastRun.summary}`);
  }
  tooltip.push("Click for the index status.");
  return { text, tooltip: tooltip.join("\n") };
}
