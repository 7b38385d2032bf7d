// A small stand-in for the `vscode` module: the events, commands, settings and
// diagnostics the extension uses, each one a test can fire or stub. The real editor
// cannot run in CI, so core.ts is driven through this instead.

import * as path from 'node:path';

import type { Clock, VscodeApi } from '../src/core';

/** An event source: `event` is what the extension subscribes to, `fire` what a test calls. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => unknown>();

  readonly event = (listener: (value: T) => unknown): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}

  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }

  static untitled(name: string): Uri {
    return new Uri('untitled', name);
  }

  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: unknown,
  ) {}
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
}

export interface FakeDiagnostic {
  source?: string;
  message: string;
}

export class OutputChannel {
  readonly lines: string[] = [];

  appendLine(line: string): void {
    this.lines.push(line);
  }

  dispose(): void {}
}

/** Everything a test can reach: emitters, settings, stubs and what the extension did. */
export class FakeVscode {
  readonly taskStart = new Emitter<unknown>();
  readonly taskEnd = new Emitter<unknown>();
  readonly shellStart = new Emitter<unknown>();
  readonly shellEnd = new Emitter<unknown>();
  readonly save = new Emitter<FakeDocument>();
  readonly close = new Emitter<FakeDocument>();
  readonly diagnosticsChange = new Emitter<{ uris: Uri[] }>();

  /** `section.key` → value. */
  readonly settings = new Map<string, unknown>();
  readonly diagnostics = new Map<string, FakeDiagnostic[]>();
  workspaceFolders: Array<{ uri: Uri; name: string; index: number }> = [];
  activeTextEditor: { document: FakeDocument; selection: { active: unknown } } | undefined;
  readonly channels: OutputChannel[] = [];
  /** Commands the extension ran that it did not register itself, with their arguments. */
  readonly executed: Array<{ id: string; args: unknown[] }> = [];
  /** Answers for commands such as vscode.executeDefinitionProvider. */
  readonly stubs = new Map<string, (...args: unknown[]) => unknown>();
  private readonly registered = new Map<string, (...args: unknown[]) => unknown>();
  /** When false, the window lacks the 1.93 shell integration events. */
  shellIntegration = true;
  /** Makes getDiagnostics throw, to check errors stay inside the extension. */
  diagnosticsThrow = false;
  /** Makes createOutputChannel throw. */
  channelThrows = false;

  get channel(): OutputChannel {
    const channel = this.channels[0];
    if (!channel) {
      throw new Error('the extension created no output channel');
    }
    return channel;
  }

  /** The fake as the vscode module type. */
  get api(): VscodeApi {
    const fake = this;
    const window = {
      createOutputChannel: (name: string) => {
        if (fake.channelThrows) {
          throw new Error('no output channels');
        }
        const channel = new OutputChannel();
        if (name !== 'worthit') {
          throw new Error(`unexpected output channel ${name}`);
        }
        fake.channels.push(channel);
        return channel;
      },
      get activeTextEditor() {
        return fake.activeTextEditor;
      },
      onDidStartTerminalShellExecution: fake.shellIntegration ? fake.shellStart.event : undefined,
      onDidEndTerminalShellExecution: fake.shellIntegration ? fake.shellEnd.event : undefined,
    };
    const api = {
      Location,
      Uri,
      window,
      workspace: {
        getConfiguration: (section: string) => ({
          get: <T>(key: string, fallback: T): T => {
            const value = fake.settings.get(`${section}.${key}`);
            return value === undefined ? fallback : (value as T);
          },
        }),
        get workspaceFolders() {
          return fake.workspaceFolders.length > 0 ? fake.workspaceFolders : undefined;
        },
        getWorkspaceFolder: (uri: Uri) =>
          fake.workspaceFolders.find((f) => uri.scheme === 'file' && (uri.fsPath + path.sep).startsWith(f.uri.fsPath + path.sep)),
        onDidSaveTextDocument: fake.save.event,
        onDidCloseTextDocument: fake.close.event,
      },
      tasks: {
        onDidStartTaskProcess: fake.taskStart.event,
        onDidEndTaskProcess: fake.taskEnd.event,
      },
      languages: {
        onDidChangeDiagnostics: fake.diagnosticsChange.event,
        getDiagnostics: (uri: Uri) => {
          if (fake.diagnosticsThrow) {
            throw new Error('diagnostics service gone');
          }
          return fake.diagnostics.get(uri.toString()) ?? [];
        },
      },
      commands: {
        registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
          fake.registered.set(id, handler);
          return { dispose: () => fake.registered.delete(id) };
        },
        executeCommand: async (id: string, ...args: unknown[]) => {
          const own = fake.registered.get(id);
          if (own) {
            return own(...args);
          }
          fake.executed.push({ id, args });
          const stub = fake.stubs.get(id);
          return stub ? stub(...args) : undefined;
        },
      },
    };
    return api as unknown as VscodeApi;
  }

  /** Runs a command the way a keybinding would. */
  run(id: string): Promise<unknown> {
    const handler = this.registered.get(id);
    if (!handler) {
      throw new Error(`command ${id} is not registered`);
    }
    return Promise.resolve(handler());
  }
}

/** A clock a test moves by hand. */
export class FakeClock implements Clock {
  resolutionUs = 1;
  private wall: number;
  private mono = 1_000_000;

  constructor(startUs: number) {
    this.wall = startUs;
  }

  wallUs(): number {
    return this.wall;
  }

  monoUs(): number {
    return this.mono;
  }

  advance(us: number): void {
    this.wall += us;
    this.mono += us;
  }
}
