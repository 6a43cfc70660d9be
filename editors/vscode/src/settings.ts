/**
 * Settings → server launch line and LSP initialization options. Pure: no `vscode` import, so
 * the mapping is unit-tested under plain Node.
 *
 * Only settings the user has set explicitly are sent to the server: an unset VS Code setting
 * must not override the project's own `.aigentflow/config.yaml` with VS Code's default.
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** Client-side settings (never sent to the server) with their defaults, as in package.json. */
export interface ClientSettings {
  serverPath: string;
  serverArgs: string[];
  standalone: boolean;
  maxRestarts: number;
  statusBarEnabled: boolean;
}

export const CLIENT_DEFAULTS: ClientSettings = {
  serverPath: "aigentflow",
  serverArgs: ["lsp"],
  standalone: false,
  maxRestarts: 5,
  statusBarEnabled: true,
};

/** Keys of package.json settings (under `aigentflow.`) that only the client reads. */
export const CLIENT_ONLY_KEYS: readonly string[] = [
  "server.path",
  "server.args",
  "server.standalone",
  "server.maxRestarts",
  "statusBar.enabled",
  "trace.server",
];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type ConfigTree = { [key: string]: Json };

/** How one VS Code setting lands in the server's configuration (aigentflow/settings.py). */
interface ServerSetting {
  /** Writes `value` into `tree` (the `settings` object of the initialization options). */
  apply(tree: ConfigTree, value: unknown): void;
}

function setPath(tree: ConfigTree, keys: readonly string[], value: Json): void {
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== "object" || child === null || Array.isArray(child)) {
      node[key] = {};
    }
    node = node[key] as ConfigTree;
  }
  node[keys[keys.length - 1]] = value;
}

function at(keys: readonly string[], check: (v: unknown) => boolean): ServerSetting {
  return {
    apply(tree, value) {
      if (check(value)) {
        setPath(tree, keys, value as Json);
      }
    },
  };
}

const isNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

/** VS Code key (under `aigentflow.`) → place in the server's configuration. */
export const SERVER_SETTINGS: Readonly<Record<string, ServerSetting>> = {
  "review.debounceMs": at(["review", "debounce_ms"], isNumber),
  "secrets.entropyThreshold": at(["review", "secrets", "entropy_threshold"], isNumber),
  "secrets.allowlist": at(["review", "secrets", "allowlist"], isStringList),
  "review.disabledRules": {
    apply(tree, value) {
      if (!isStringList(value)) {
        return;
      }
      for (const rule of value as string[]) {
        if (rule.trim()) {
          setPath(tree, ["review", "rules", rule.trim(), "enabled"], false);
        }
      }
    },
  },
};

export interface InitializationOptions {
  /** A partial configuration layered over the workspace's own (same schema as config.yaml). */
  settings: ConfigTree;
  client: { name: string; version: string };
}

/**
 * The initialization options for the explicitly set values in `explicit` (VS Code key under
 * `aigentflow.` → value). Unknown keys and ill-typed values are ignored (VS Code validates
 * settings against package.json's schema only in the editor UI, not in settings.json).
 */
export function toInitializationOptions(
  explicit: Readonly<Record<string, unknown>>,
  client: { name: string; version: string },
): InitializationOptions {
  const settings: ConfigTree = {};
  for (const [key, value] of Object.entries(explicit)) {
    if (value !== undefined) {
      SERVER_SETTINGS[key]?.apply(settings, value);
    }
  }
  return { settings, client };
}

export interface LaunchLine {
  command: string;
  args: string[];
  cwd: string | undefined;
}

/** The command line that starts the language server for the workspace at `folder`. */
export function launchLine(client: ClientSettings, folder: string | undefined): LaunchLine {
  const args = client.serverArgs.length > 0 ? [...client.serverArgs] : [...CLIENT_DEFAULTS.serverArgs];
  if (client.standalone && !args.includes("--standalone")) {
    args.push("--standalone");
  }
  return { command: client.serverPath.trim() || CLIENT_DEFAULTS.serverPath, args, cwd: folder };
}

/**
 * The absolute path of `command`: itself when it contains a path separator (relative ones
 * resolved against `cwd`), otherwise the first match on `envPath`; undefined when not found.
 */
export function resolveExecutable(
  command: string,
  envPath: string | undefined,
  cwd: string | undefined,
  platform: NodeJS.Platform = process.platform,
  pathExt: string | undefined = process.env.PATHEXT,
): string | undefined {
  const windows = platform === "win32";
  const extensions = windows ? ["", ...(pathExt ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean)] : [""];
  const runnable = (file: string): boolean => {
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) {
        return false;
      }
      fs.accessSync(file, windows ? fs.constants.F_OK : fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const withExtensions = (base: string): string | undefined =>
    extensions.map((ext) => base + ext).find(runnable);
  if (command.includes("/") || (windows && command.includes("\\"))) {
    return withExtensions(path.resolve(cwd ?? process.cwd(), command));
  }
  for (const dir of (envPath ?? "").split(path.delimiter)) {
    if (dir) {
      const found = withExtensions(path.join(dir, command));
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}
