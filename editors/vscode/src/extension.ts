/**
 * The Aigentflow extension: starts `aigentflow lsp` through vscode-languageclient, restarts it
 * with backoff when it crashes, and turns palette commands into `workspace/executeCommand`
 * requests. Everything that can be decided without VS Code lives in pure modules
 * (settings, backoff, status, results) with unit tests; this file only wires them up.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type CloseHandlerResult,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
} from "vscode-languageclient/node";
import { RestartPolicy } from "./backoff";
import * as C from "./commands";
import { parseSearchHits, summarizeBuildTestFix } from "./results";
import {
  CLIENT_DEFAULTS,
  SERVER_SETTINGS,
  launchLine,
  resolveExecutable,
  toInitializationOptions,
  type ClientSettings,
} from "./settings";
import { ProgressTracker, renderStatus, type BuildTestFixResult, type ServerState } from "./status";

class Controller implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private state: ServerState = "stopped";
  private lastRun: BuildTestFixResult | undefined;
  private readonly progress = new ProgressTracker();
  private readonly statusItem: vscode.StatusBarItem;
  private policy: RestartPolicy;

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
    this.statusItem.command = C.PALETTE.showIndexStatus;
    this.policy = new RestartPolicy({ maxRestarts: this.clientSettings().maxRestarts });
  }

  clientSettings(): ClientSettings {
    const cfg = vscode.workspace.getConfiguration(C.CONFIG_SECTION);
    return {
      serverPath: cfg.get<string>("server.path", CLIENT_DEFAULTS.serverPath),
      serverArgs: cfg.get<string[]>("server.args", CLIENT_DEFAULTS.serverArgs),
      standalone: cfg.get<boolean>("server.standalone", CLIENT_DEFAULTS.standalone),
      maxRestarts: cfg.get<number>("server.maxRestarts", CLIENT_DEFAULTS.maxRestarts),
      statusBarEnabled: cfg.get<boolean>("statusBar.enabled", CLIENT_DEFAULTS.statusBarEnabled),
    };
  }

  /** Settings the user set explicitly (any scope): only these override the project's config. */
  private explicitServerSettings(): Record<string, unknown> {
    const cfg = vscode.workspace.getConfiguration(C.CONFIG_SECTION);
    const explicit: Record<string, unknown> = {};
    for (const key of Object.keys(SERVER_SETTINGS)) {
      const seen = cfg.inspect(key);
      const value = seen?.workspaceFolderValue ?? seen?.workspaceValue ?? seen?.globalValue;
      if (value !== undefined) {
        explicit[key] = value;
      }
    }
    return explicit;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.render();
  }

  render(): void {
    const view = renderStatus(this.state, this.progress.current(), this.lastRun);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    if (this.clientSettings().statusBarEnabled) {
      this.statusItem.show();
    } else {
      this.statusItem.hide();
    }
  }

  async start(): Promise<void> {
    if (this.client !== undefined) {
      return;
    }
    const settings = this.clientSettings();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const line = launchLine(settings, folder);
    const executable = resolveExecutable(line.command, process.env.PATH, line.cwd);
    if (executable === undefined) {
      this.setState("notInstalled");
      this.output.error(`cannot find \`${line.command}\` (PATH=${process.env.PATH ?? ""})`);
      const choice = await vscode.window.showErrorMessage(
        `Aigentflow: cannot find the \`${line.command}\` executable. Install it with \`${C.INSTALL_COMMAND}\`, ` +
          "or set `aigentflow.server.path` to its full path (for example a virtualenv's bin/aigentflow).",
        "Open Settings",
        "Copy Install Command",
      );
      if (choice === "Open Settings") {
        await vscode.commands.executeCommand("workbench.action.openSettings", "aigentflow.server.path");
      } else if (choice === "Copy Install Command") {
        await vscode.env.clipboard.writeText(C.INSTALL_COMMAND);
      }
      return;
    }
    this.policy = new RestartPolicy({ maxRestarts: settings.maxRestarts });
    const serverOptions: ServerOptions = { command: executable, args: line.args, options: { cwd: line.cwd } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
      outputChannel: this.output,
      initializationOptions: toInitializationOptions(this.explicitServerSettings(), {
        name: "vscode",
        version: vscode.version,
      }),
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: () => this.onClosed(),
      },
    };
    const client = new LanguageClient("aigentflow", "Aigentflow", serverOptions, clientOptions);
    client.registerFeature(this.progressFeature(client));
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        this.policy.started();
        this.setState("running");
      } else if (event.newState === State.Starting) {
        this.setState(this.state === "restarting" ? "restarting" : "starting");
      } else if (this.state !== "restarting") {
        this.setState("stopped");
      }
    });
    this.client = client;
    this.output.info(`starting ${executable} ${line.args.join(" ")} in ${line.cwd ?? "(no folder)"}`);
    this.setState("starting");
    try {
      await client.start();
    } catch (error) {
      this.output.error(`the language server did not start: ${String(error)}`);
      this.setState("stopped");
    }
  }

  /** Crash handling: wait out the backoff, then let the client restart the server. */
  private async onClosed(): Promise<CloseHandlerResult> {
    this.progress.clear();
    const delay = this.policy.nextDelay();
    if (delay === undefined) {
      this.setState("stopped");
      const message = `Aigentflow: the language server crashed ${this.policy.crashCount} times; not restarting. See the output channel, then run "Aigentflow: Restart Server".`;
      void vscode.window.showErrorMessage(message, "Show Output").then((choice) => {
        if (choice === "Show Output") {
          this.output.show();
        }
      });
      return { action: CloseAction.DoNotRestart, message, handled: true };
    }
    this.setState("restarting");
    this.output.warn(`the language server exited; restarting in ${delay} ms (crash ${this.policy.crashCount})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    return { action: CloseAction.Restart, handled: true };
  }

  /**
   * Feeds the server's work-done progress into the status bar. Registered as a feature so it
   * is initialized after the built-in progress feature on every (re)start and takes over its
   * `window/workDoneProgress/create` handler.
   */
  private progressFeature(client: LanguageClient): StaticFeature {
    return {
      fillClientCapabilities: () => undefined,
      getState: () => ({ kind: "static" }),
      clear: () => this.progress.clear(),
      initialize: () => {
        client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
          const done = client.onProgress(WorkDoneProgress.type, token, (value) => {
            if (value.kind === "begin") {
              const begin = value as WorkDoneProgressBegin;
              this.progress.begin(token, begin.title, begin.message, begin.percentage);
            } else if (value.kind === "report") {
              const report = value as WorkDoneProgressReport;
              this.progress.report(token, report.message, report.percentage);
            } else {
              this.progress.end(token);
              done.dispose();
            }
            this.render();
          });
        });
      },
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.progress.clear();
    if (client !== undefined) {
      try {
        await client.stop();
      } catch (error) {
        this.output.warn(`stopping the language server: ${String(error)}`);
      }
      await client.dispose();
    }
    this.setState("stopped");
  }

  async restart(): Promise<void> {
    this.output.info("restart requested");
    await this.stop();
    await this.start();
  }

  /** `workspace/executeCommand`; shows the error (unless `quiet`) and returns undefined when it fails. */
  async execute(command: string, args: unknown[] = [], quiet = false): Promise<unknown> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      void vscode.window.showWarningMessage(
        'Aigentflow: the language server is not running. Run "Aigentflow: Restart Server".',
      );
      return undefined;
    }
    try {
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`${command} failed: ${message}`);
      if (!quiet) {
        void vscode.window.showErrorMessage(`Aigentflow: ${command} failed: ${message}`);
      }
      return undefined;
    }
  }

  async buildTestFix(scope: "project" | "test"): Promise<void> {
    const args: Record<string, unknown> = { scope };
    if (scope === "test") {
      const editor = vscode.window.activeTextEditor;
      if (editor === undefined || editor.document.uri.scheme !== "file") {
        void vscode.window.showWarningMessage("Aigentflow: open a test file first.");
        return;
      }
      args.uri = editor.document.uri.toString();
    }
    const result = await this.execute(C.BUILD_TEST_FIX, [args]);
    if (result === undefined) {
      return;
    }
    this.lastRun = summarizeBuildTestFix(result);
    this.render();
    const show = this.lastRun.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`Aigentflow build–test–fix: ${this.lastRun.summary}`);
  }

  async reviewChanges(): Promise<void> {
    const result = await this.execute(C.REVIEW_CHANGES, []);
    if (result === undefined) {
      return;
    }
    this.output.info(`review of changes: ${JSON.stringify(result)}`);
    await vscode.commands.executeCommand("workbench.actions.view.problems");
  }

  async searchCode(): Promise<void> {
    const query = await vscode.window.showInputBox({
      prompt: "Search the workspace index (words, identifiers or a description)",
      placeHolder: "where are API keys read?",
    });
    if (!query) {
      return;
    }
    const hits = parseSearchHits(await this.execute(C.SEARCH_CODE, [{ query, limit: 50 }]));
    if (hits.length === 0) {
      void vscode.window.showInformationMessage(`Aigentflow: no results for "${query}".`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      hits.map((hit) => ({ label: hit.label, detail: hit.detail, hit })),
      { matchOnDetail: true, placeHolder: `${hits.length} results for "${query}"` },
    );
    if (picked === undefined) {
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
    const target = picked.hit.path.startsWith("file:")
      ? vscode.Uri.parse(picked.hit.path)
      : vscode.Uri.file(path.resolve(folder, picked.hit.path));
    const start = new vscode.Position(Math.max(picked.hit.line - 1, 0), 0);
    const end = new vscode.Position(Math.max(picked.hit.endLine - 1, 0), 0);
    await vscode.window.showTextDocument(target, { selection: new vscode.Range(start, end) });
  }

  async showIndexStatus(): Promise<void> {
    // An older server may lack the index: fall back to the daemon's own status.
    const result = (await this.execute(C.INDEX_STATUS, [], true)) ?? (await this.execute(C.SERVER_STATUS, []));
    if (result !== undefined) {
      this.output.info(`status: ${JSON.stringify(result, null, 2)}`);
      this.output.show(true);
    }
  }

  dispose(): void {
    this.statusItem.dispose();
    void this.stop();
  }
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Aigentflow", { log: true });
  const ctl = new Controller(output);
  controller = ctl;
  const register = (id: string, run: () => Promise<void> | void): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  register(C.PALETTE.buildTestFixProject, () => ctl.buildTestFix("project"));
  register(C.PALETTE.buildTestFixCurrentTest, () => ctl.buildTestFix("test"));
  register(C.PALETTE.reviewChanges, () => ctl.reviewChanges());
  register(C.PALETTE.searchCode, () => ctl.searchCode());
  register(C.PALETTE.showIndexStatus, () => ctl.showIndexStatus());
  register(C.PALETTE.restartServer, () => ctl.restart());
  register(C.PALETTE.showOutput, () => output.show());
  context.subscriptions.push(
    output,
    ctl,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(C.CONFIG_SECTION)) {
        output.info("settings changed; restarting the language server");
        void ctl.restart();
      }
    }),
  );
  await ctl.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
