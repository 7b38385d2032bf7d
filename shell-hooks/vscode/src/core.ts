// The extension's wiring: subscribes to VS Code's task, terminal, save and diagnostics
// events and registers the timed lookup commands, turning each finished action into one
// spool event. The vscode API comes in as a parameter (only its types are imported), so
// tests drive this module against a small fake. Nothing here may throw into VS Code:
// every handler is guarded and problems go to the "worthit" output channel.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import type * as vscode from 'vscode';

import { HOOK_WRITE_DELAY_MS, RecentSet, terminalVerdict } from './dedup';
import {
  diagnosticsCommand,
  lookupCommand,
  makeEvent,
  SOURCE,
  taskCommand,
  terminalCommand,
  type QuotedLike,
  type TaskLike,
  type Timing,
} from './events';
import { GitRoots } from './gitroot';
import { isDisabled, resolveHome, spoolDir } from './paths';
import { sessionName, sessionToken, type SpoolEvent } from './spool';
import { describe, SpoolWriter } from './writer';

/** The `vscode` module, or a fake with the parts this extension uses. */
export type VscodeApi = typeof vscode;

/** Wall-clock and monotonic time in microseconds. */
export interface Clock {
  wallUs(): number;
  monoUs(): number;
  /** Resolution of `monoUs`, written as the events' `resolution_us`. */
  resolutionUs: number;
}

/** Everything outside VS Code the extension reads, replaceable in tests. */
export interface Deps {
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  homedir: string;
  pid: number;
  token: string;
  clock: Clock;
  /** Waits before looking for a shell hook's spool file. */
  sleep(ms: number): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  flushDelayMs?: number;
}

/** A running extension. */
export interface Recorder {
  /** `vscode-<pid>-<token>`. */
  readonly session: string;
  /** Waits for handlers still running, then writes everything queued. */
  flush(): Promise<void>;
  /** Stops listening and writes what is left. */
  dispose(): Promise<void>;
}

/** A save with no diagnostics answer within this time is forgotten, not recorded. */
export const DIAGNOSTICS_TIMEOUT_US = 120_000_000;

// performance.now() has sub-microsecond precision in Node, so durations are microsecond-exact.
const systemClock: Clock = {
  wallUs: () => Math.floor((performance.timeOrigin + performance.now()) * 1000),
  monoUs: () => performance.now() * 1000,
  resolutionUs: 1,
};

/** The real environment. */
export function systemDeps(): Deps {
  return {
    env: process.env,
    platform: process.platform,
    homedir: os.homedir(),
    pid: process.pid,
    token: sessionToken(randomBytes(10)),
    clock: systemClock,
    sleep: (ms) =>
      new Promise((resolve) => {
        setTimeout(resolve, ms).unref();
      }),
    readdir: (dir) => fs.readdir(dir),
  };
}

interface Started {
  wallUs: number;
  monoUs: number;
}

interface PendingSave {
  started: Started;
  languageId: string;
  /** Diagnostic sources at save time: the fallback name when the answer has none. */
  sourcesBefore: string[];
}

type LookupMethod = 'definition' | 'references';

const LOOKUPS: Record<LookupMethod, { provider: string; builtIn: string; multiple: string; none: string }> = {
  definition: {
    provider: 'vscode.executeDefinitionProvider',
    builtIn: 'editor.action.revealDefinition',
    multiple: 'gotoLocation.multipleDefinitions',
    none: 'No definition found',
  },
  references: {
    provider: 'vscode.executeReferenceProvider',
    builtIn: 'editor.action.goToReferences',
    multiple: 'gotoLocation.multipleReferences',
    none: 'No references found',
  },
};

const MULTIPLE_MODES = new Set(['peek', 'gotoAndPeek', 'goto']);

/** Starts recording. Never throws: on any failure it logs and records less. */
export function activate(api: VscodeApi, context: { subscriptions: { dispose(): unknown }[] }, overrides: Partial<Deps> = {}): Recorder {
  const deps: Deps = { ...systemDeps(), ...overrides };
  const session = sessionName(SOURCE, deps.pid, deps.token);
  let channel: vscode.OutputChannel | undefined;
  try {
    channel = api.window.createOutputChannel('worthit');
    context.subscriptions.push(channel);
  } catch {
    channel = undefined;
  }
  const log = (message: string): void => {
    try {
      channel?.appendLine(`[${new Date().toISOString()}] ${message}`);
    } catch {
      // Nowhere left to report to; recording must go on regardless.
    }
  };

  const writer = new SpoolWriter({ onError: log, delayMs: deps.flushDelayMs });
  const roots = new GitRoots();
  const inFlight = new Set<Promise<void>>();
  const disposables: { dispose(): unknown }[] = [];
  let noHomeLogged = false;

  // Wraps a handler so neither a throw nor a rejection reaches VS Code.
  const guard = <T>(what: string, handler: (arg: T) => void | Promise<void>) => {
    return (arg: T): void => {
      try {
        const result = handler(arg);
        if (result instanceof Promise) {
          const tracked: Promise<void> = result
            .catch((err: unknown) => log(`${what}: ${describe(err)}`))
            .finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
        }
      } catch (err) {
        log(`${what}: ${describe(err)}`);
      }
    };
  };

  const subscribe = <T>(what: string, event: vscode.Event<T> | undefined, handler: (arg: T) => void | Promise<void>): boolean => {
    if (typeof event !== 'function') {
      return false;
    }
    try {
      disposables.push(event(guard(what, handler)));
      return true;
    } catch (err) {
      log(`could not subscribe to ${what}: ${describe(err)}`);
      return false;
    }
  };

  const currentSpoolDir = (): string | undefined => {
    const setting = api.workspace.getConfiguration('worthit').get<string>('home', '');
    const home = resolveHome({ setting, env: deps.env, platform: deps.platform, homedir: deps.homedir });
    if (!home && !noHomeLogged) {
      noHomeLogged = true;
      log('no data directory: set worthit.home or WORTHIT_HOME; nothing is recorded');
    }
    return home ? spoolDir(home) : undefined;
  };

  const record = (event: SpoolEvent): void => {
    if (isDisabled(deps.env)) {
      return;
    }
    const dir = currentSpoolDir();
    if (dir) {
      writer.append(dir, event);
    }
  };

  const start = (): Started => ({ wallUs: deps.clock.wallUs(), monoUs: deps.clock.monoUs() });
  const timing = (started: Started): Timing => ({
    startUs: started.wallUs,
    durationUs: Math.max(0, Math.round(deps.clock.monoUs() - started.monoUs)),
    resolutionUs: deps.clock.resolutionUs,
  });

  // cwd: the git root of a folder, else the folder itself; never a file.
  const folderCwd = async (folder: vscode.Uri | undefined): Promise<string | undefined> => {
    const uri = folder ?? api.workspace.workspaceFolders?.[0]?.uri;
    if (!uri || uri.scheme !== 'file') {
      return undefined;
    }
    return (await roots.find(uri.fsPath)) ?? uri.fsPath;
  };
  const documentCwd = async (uri: vscode.Uri): Promise<string | undefined> => {
    if (uri.scheme === 'file') {
      const root = await roots.find(path.dirname(uri.fsPath));
      if (root) {
        return root;
      }
    }
    return folderCwd(api.workspace.getWorkspaceFolder(uri)?.uri);
  };

  // Each feature starts on its own: an API piece missing from this VS Code (or a fake)
  // costs that feature only.
  const feature = (name: string, setup: () => void): void => {
    try {
      setup();
    } catch (err) {
      log(`could not start recording ${name}: ${describe(err)}`);
    }
  };
  const taskPids = new RecentSet();

  feature('tasks', () => {
    // From the task's process start to its end, with its exit status.
    const taskStarts = new Map<vscode.TaskExecution, Started>();
    subscribe('task start', api.tasks.onDidStartTaskProcess, (e) => {
      taskPids.add(e.processId);
      boundedSet(taskStarts, e.execution, start());
    });
    subscribe('task end', api.tasks.onDidEndTaskProcess, async (e) => {
      const started = taskStarts.get(e.execution);
      if (!started) {
        return;
      }
      taskStarts.delete(e.execution);
      const took = timing(started);
      const task = e.execution.task;
      const scope = task.scope;
      const folder = typeof scope === 'object' && scope !== null ? scope.uri : undefined;
      record(makeEvent(session, took, e.exitCode, await folderCwd(folder), taskCommand(taskLike(task))));
    });
  });

  feature('terminal commands', () => {
    // Through shell integration (VS Code 1.93+).
    const shellStarts = new Map<vscode.TerminalShellExecution, Started>();
    const hasShellIntegration =
      subscribe('terminal command start', api.window.onDidStartTerminalShellExecution, (e) => {
        boundedSet(shellStarts, e.execution, start());
      }) &&
      subscribe('terminal command end', api.window.onDidEndTerminalShellExecution, async (e) => {
        const started = shellStarts.get(e.execution);
        if (!started) {
          return;
        }
        shellStarts.delete(e.execution);
        const took = timing(started);
        const command = terminalCommand(e.execution.commandLine?.value);
        if (!command || isDisabled(deps.env)) {
          return;
        }
        const pid = await Promise.resolve(e.terminal.processId).catch(() => undefined);
        // The shell hook writes its line at the next prompt: give it time before
        // deciding whether it recorded this command.
        await deps.sleep(HOOK_WRITE_DELAY_MS);
        const dir = currentSpoolDir();
        const names = dir ? await deps.readdir(dir).catch(() => [] as string[]) : [];
        if (terminalVerdict(pid, names, taskPids.view) !== 'record') {
          return;
        }
        const cwd = e.execution.cwd;
        const cwdDir = cwd?.scheme === 'file' ? ((await roots.find(cwd.fsPath)) ?? cwd.fsPath) : await folderCwd(undefined);
        record(makeEvent(session, took, e.exitCode, cwdDir, command));
      });
    if (!hasShellIntegration) {
      log('terminal shell integration events are missing (VS Code before 1.93): terminal commands are not recorded');
    }
  });

  feature('save → diagnostics', () => {
    // From a save to the first diagnostics update of that document.
    const saves = new Map<string, PendingSave>();
    subscribe('save', api.workspace.onDidSaveTextDocument, (doc) => {
      const now = deps.clock.monoUs();
      for (const [key, save] of saves) {
        if (now - save.started.monoUs > DIAGNOSTICS_TIMEOUT_US) {
          saves.delete(key);
        }
      }
      const key = doc.uri.toString();
      if (saves.has(key)) {
        return;
      }
      boundedSet(saves, key, {
        started: start(),
        languageId: doc.languageId,
        sourcesBefore: sourcesOf(api.languages.getDiagnostics(doc.uri)),
      });
    });
    subscribe('diagnostics', api.languages.onDidChangeDiagnostics, async (e) => {
      // Every answer in this update is timed now, before the first await below.
      const answered: Array<{ uri: vscode.Uri; took: Timing; command: string }> = [];
      for (const uri of e.uris) {
        const key = uri.toString();
        const save = saves.get(key);
        if (!save) {
          continue;
        }
        saves.delete(key);
        const took = timing(save.started);
        if (took.durationUs > DIAGNOSTICS_TIMEOUT_US) {
          continue;
        }
        const now = sourcesOf(api.languages.getDiagnostics(uri));
        answered.push({ uri, took, command: diagnosticsCommand(now.length > 0 ? now : save.sourcesBefore, save.languageId) });
      }
      for (const { uri, took, command } of answered) {
        record(makeEvent(session, took, 0, await documentCwd(uri), command));
      }
    });
    subscribe('close', api.workspace.onDidCloseTextDocument, (doc) => {
      saves.delete(doc.uri.toString());
    });
  });

  feature('lookups', () => {
    // VS Code has no event for them, so opt-in commands time the provider call.
    const lookup = async (method: LookupMethod): Promise<void> => {
      const spec = LOOKUPS[method];
      const editor = api.window.activeTextEditor;
      if (!api.workspace.getConfiguration('worthit').get<boolean>('timeLookups', false) || isDisabled(deps.env) || !editor) {
        await api.commands.executeCommand(spec.builtIn);
        return;
      }
      const doc = editor.document;
      const position = editor.selection.active;
      const started = start();
      let results: unknown;
      let exit = 0;
      try {
        results = await api.commands.executeCommand(spec.provider, doc.uri, position);
      } catch (err) {
        exit = 1;
        log(`${method} lookup failed: ${describe(err)}`);
      }
      const took = timing(started);
      // Reveal before recording: the user waits for the jump, not for the spool.
      try {
        const configured = api.workspace.getConfiguration('editor').get<string>(spec.multiple, 'peek');
        const multiple = MULTIPLE_MODES.has(configured) ? configured : 'peek';
        await api.commands.executeCommand('editor.action.goToLocations', doc.uri, position, toLocations(api, results), multiple, spec.none);
      } catch (err) {
        log(`could not show the ${method} results: ${describe(err)}`);
      }
      record(makeEvent(session, took, exit, await documentCwd(doc.uri), lookupCommand(method, doc.languageId)));
    };
    for (const [id, method] of [
      ['worthit.goToDefinition', 'definition'],
      ['worthit.findReferences', 'references'],
    ] as const) {
      try {
        disposables.push(api.commands.registerCommand(id, guard(id, () => lookup(method))));
      } catch (err) {
        log(`could not register ${id}: ${describe(err)}`);
      }
    }
  });
  try {
    context.subscriptions.push(...disposables);
  } catch (err) {
    log(`could not hand the subscriptions to VS Code: ${describe(err)}`);
  }

  const flush = async (): Promise<void> => {
    while (inFlight.size > 0) {
      await Promise.all([...inFlight]);
    }
    await writer.flush();
  };
  return {
    session,
    flush,
    dispose: async () => {
      for (const d of disposables.splice(0)) {
        try {
          d.dispose();
        } catch (err) {
          log(`dispose: ${describe(err)}`);
        }
      }
      await flush();
    },
  };
}

/** The diagnostic sources of a document, first-seen order, without blanks. */
function sourcesOf(diagnostics: readonly vscode.Diagnostic[] | undefined): string[] {
  const sources: string[] = [];
  for (const d of diagnostics ?? []) {
    if (d.source && !sources.includes(d.source)) {
      sources.push(d.source);
    }
  }
  return sources;
}

/** The parts of a task the event builders read. */
function taskLike(task: vscode.Task): TaskLike {
  const exec = task.execution as Partial<vscode.ShellExecution & vscode.ProcessExecution> | undefined;
  return {
    name: task.name,
    group: task.group ? { id: task.group.id } : undefined,
    execution: exec
      ? {
          commandLine: exec.commandLine,
          command: exec.command as string | QuotedLike | undefined,
          args: exec.args as ReadonlyArray<string | QuotedLike> | undefined,
          process: exec.process,
        }
      : undefined,
  };
}

/** Definition and reference providers answer Locations or LocationLinks; goToLocations wants Locations. */
function toLocations(api: VscodeApi, results: unknown): vscode.Location[] {
  if (!Array.isArray(results)) {
    return [];
  }
  const locations: vscode.Location[] = [];
  for (const item of results as Array<vscode.Location | vscode.LocationLink | null>) {
    if (!item || typeof item !== 'object') {
      continue;
    }
    if ('targetUri' in item) {
      locations.push(new api.Location(item.targetUri, item.targetSelectionRange ?? item.targetRange));
    } else if ('uri' in item) {
      locations.push(item);
    }
  }
  return locations;
}

// Start records whose end never comes (a crashed task host) must not pile up.
function boundedSet<K, V>(map: Map<K, V>, key: K, value: V, limit = 256): void {
  map.set(key, value);
  while (map.size > limit) {
    const oldest = map.keys().next();
    if (oldest.done) {
      break;
    }
    map.delete(oldest.value);
  }
}
