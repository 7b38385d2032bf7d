// The extension driven through a fake vscode module: every event kind ends up as the
// right spool line in a real temp data directory, terminal commands are dropped when a
// shell hook records them, settings and WORTHIT_DISABLE are honoured, and no failure
// ever reaches VS Code.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { activate, DIAGNOSTICS_TIMEOUT_US, type Deps, type Recorder } from '../src/core';
import { HOOK_WRITE_DELAY_MS } from '../src/dedup';
import { dayOf } from '../src/spool';
import { SpoolWriter } from '../src/writer';
import { FakeClock, FakeVscode, Location, Uri } from './fake-vscode';
import { fields, spoolLines, tempDir, type Fields } from './helpers';

const START_US = 1_790_000_000_000_000;
const PID = 4242;

interface World {
  fake: FakeVscode;
  clock: FakeClock;
  recorder: Recorder;
  /** WORTHIT_HOME. */
  home: string;
  /** A git repository with a `src/` folder, the workspace folder. */
  repo: string;
  env: Record<string, string | undefined>;
  sleeps: number[];
  /** Runs while the terminal handler waits for the shell hook. */
  duringSleep: (() => void) | undefined;
  lines(): Fields[];
}

function world(options: { shellIntegration?: boolean; deps?: Partial<Deps>; setup?: (fake: FakeVscode) => void } = {}): World {
  const dir = tempDir();
  const home = path.join(dir, 'data');
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
  const fake = new FakeVscode();
  fake.shellIntegration = options.shellIntegration ?? true;
  fake.workspaceFolders = [{ uri: Uri.file(path.join(repo, 'src')), name: 'src', index: 0 }];
  options.setup?.(fake);
  const clock = new FakeClock(START_US);
  const env: Record<string, string | undefined> = { WORTHIT_HOME: home };
  const w: World = {
    fake,
    clock,
    home,
    repo,
    env,
    sleeps: [],
    duringSleep: undefined,
    recorder: undefined as unknown as Recorder,
    lines: () => spoolLines(path.join(home, 'spool')).map(({ line }) => fields(line)),
  };
  const context = { subscriptions: [] as { dispose(): unknown }[] };
  w.recorder = activate(fake.api, context, {
    env,
    platform: 'linux',
    homedir: path.join(dir, 'home'),
    pid: PID,
    token: 'tok1',
    clock,
    flushDelayMs: 10,
    sleep: async (ms) => {
      w.sleeps.push(ms);
      w.duringSleep?.();
    },
    readdir: (d) => fs.promises.readdir(d),
    ...options.deps,
  });
  return w;
}

function taskExecution(task: object) {
  return { task: { scope: undefined, ...task } };
}

test('a shell task becomes its command line with duration, exit status and the repo root', async () => {
  const w = world();
  const folder = w.fake.workspaceFolders[0];
  const execution = taskExecution({ name: 'build', group: { id: 'build' }, scope: folder, execution: { commandLine: 'cargo build --release' } });
  w.fake.taskStart.fire({ execution, processId: 900 });
  w.clock.advance(1_500_000);
  w.fake.taskEnd.fire({ execution, exitCode: 101 });
  await w.recorder.flush();
  const [line, ...rest] = w.lines();
  assert.deepEqual(rest, []);
  assert.deepEqual(line, {
    version: '1',
    startUs: String(START_US),
    durationUs: '1500000',
    exit: '101',
    resolutionUs: '1',
    flags: '',
    shell: 'vscode',
    session: `vscode-${PID}-tok1`,
    cwd: w.repo,
    command: 'cargo build --release',
  });
  assert.deepEqual(fs.readdirSync(path.join(w.home, 'spool')), [`vscode-${PID}-tok1.${dayOf(START_US)}.spool`]);
});

test('process tasks, tasks without a command line, and unknown exit statuses', async () => {
  const w = world();
  const make = taskExecution({ name: 'make', execution: { process: 'make', args: ['-C', 'sub dir'] } });
  const custom = taskExecution({ name: 'Run tests', group: { id: 'test' }, execution: {} });
  const global = taskExecution({ name: 'Deploy', scope: 1 });
  w.fake.taskStart.fire({ execution: make, processId: 901 });
  w.fake.taskStart.fire({ execution: custom, processId: 902 });
  w.fake.taskStart.fire({ execution: global, processId: 903 });
  w.clock.advance(2_000);
  w.fake.taskEnd.fire({ execution: make, exitCode: 0 });
  w.fake.taskEnd.fire({ execution: custom, exitCode: 1 });
  w.fake.taskEnd.fire({ execution: global, exitCode: undefined });
  // An end without a start (the extension started mid-task) records nothing.
  w.fake.taskEnd.fire({ execution: taskExecution({ name: 'late' }), exitCode: 0 });
  await w.recorder.flush();
  const got = w.lines().map((l) => [l.command, l.exit, l.durationUs, l.cwd]);
  assert.deepEqual(got, [
    ["make -C 'sub dir'", '0', '2000', w.repo],
    ['vscode task Run tests group=test', '1', '2000', w.repo],
    ['vscode task Deploy group=none', '', '2000', w.repo],
  ]);
});

test('a terminal command is recorded when no shell hook wrote it', async () => {
  const w = world();
  const execution = { commandLine: { value: 'npm test\n' }, cwd: Uri.file(path.join(w.repo, 'src', 'deep')) };
  const terminal = { processId: Promise.resolve(5555) };
  w.fake.shellStart.fire({ terminal, execution });
  w.clock.advance(3_250_000);
  w.fake.shellEnd.fire({ terminal, execution, exitCode: 1 });
  await w.recorder.flush();
  assert.deepEqual(w.sleeps, [HOOK_WRITE_DELAY_MS]);
  assert.deepEqual(
    w.lines().map((l) => [l.command, l.exit, l.durationUs, l.cwd, l.shell]),
    [['npm test', '1', '3250000', w.repo, 'vscode']],
  );
});

test('a terminal command is dropped when that shell hook writes its spool file at the prompt', async () => {
  const w = world();
  const spool = path.join(w.home, 'spool');
  fs.mkdirSync(spool, { recursive: true });
  // Another shell's hook file must not hide this terminal's command.
  fs.writeFileSync(path.join(spool, `zsh-1-99.${dayOf(START_US)}.spool`), '');
  const hooked = { processId: Promise.resolve(6001) };
  const plain = { processId: Promise.resolve(6002) };
  const cmd = (value: string) => ({ commandLine: { value }, cwd: undefined });
  const a = cmd('cargo test');
  const b = cmd('ls -la');
  w.fake.shellStart.fire({ terminal: hooked, execution: a });
  w.fake.shellStart.fire({ terminal: plain, execution: b });
  w.clock.advance(10_000);
  // The hook writes its line only at the next prompt, i.e. while the extension waits.
  w.duringSleep = () => fs.writeFileSync(path.join(spool, `bash-6001-123456.${dayOf(START_US)}.spool`), 'line\n');
  w.fake.shellEnd.fire({ terminal: hooked, execution: a, exitCode: 0 });
  w.fake.shellEnd.fire({ terminal: plain, execution: b, exitCode: 0 });
  await w.recorder.flush();
  const mine = spoolLines(spool).filter(({ file }) => file.startsWith('vscode-')).map(({ line }) => fields(line));
  assert.deepEqual(
    mine.map((l) => [l.command, l.cwd]),
    [['ls -la', w.repo]],
  );
});

test('a task terminal is left to the task events', async () => {
  const w = world();
  const execution = taskExecution({ name: 't', execution: { commandLine: 'make check' } });
  w.fake.taskStart.fire({ execution, processId: 7007 });
  const shell = { commandLine: { value: 'make check' }, cwd: undefined };
  const terminal = { processId: Promise.resolve(7007) };
  w.fake.shellStart.fire({ terminal, execution: shell });
  w.clock.advance(1_000);
  w.fake.shellEnd.fire({ terminal, execution: shell, exitCode: 0 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => l.command),
    ['make check'],
  );
});

test('terminal commands without a start, without text, or with an unknown pid and exit', async () => {
  const w = world();
  const unseen = { commandLine: { value: 'echo late' }, cwd: undefined };
  const empty = { commandLine: { value: '   ' }, cwd: undefined };
  const nopid = { commandLine: { value: 'echo "multi\nline"\tx' }, cwd: Uri.untitled('x') };
  const terminal = { processId: Promise.resolve(undefined) };
  w.fake.shellStart.fire({ terminal, execution: empty });
  w.fake.shellStart.fire({ terminal, execution: nopid });
  w.clock.advance(5);
  w.fake.shellEnd.fire({ terminal, execution: unseen, exitCode: 0 });
  w.fake.shellEnd.fire({ terminal, execution: empty, exitCode: 0 });
  w.fake.shellEnd.fire({ terminal, execution: nopid, exitCode: undefined });
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => [l.command, l.exit, l.durationUs, l.cwd]),
    [['echo "multi\\nline"\\tx', '', '5', w.repo]],
  );
});

test('without shell integration events (VS Code < 1.93) the rest still records', async () => {
  const w = world({ shellIntegration: false });
  assert.ok(w.fake.channel.lines.some((l) => l.includes('terminal shell integration events are missing')));
  const execution = taskExecution({ name: 'b', execution: { commandLine: 'go build ./...' } });
  w.fake.taskStart.fire({ execution, processId: 1 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => l.command),
    ['go build ./...'],
  );
});

test('save → diagnostics: timed to the first update for that document, named by source', async () => {
  const w = world();
  const file = Uri.file(path.join(w.repo, 'src', 'deep', 'app.py'));
  const other = Uri.file(path.join(w.repo, 'src', 'other.py'));
  const doc = { uri: file, languageId: 'python' };
  w.fake.save.fire(doc);
  w.clock.advance(400_000);
  // A second save while waiting keeps the first start: the user has waited since then.
  w.fake.save.fire(doc);
  w.clock.advance(300_000);
  w.fake.diagnostics.set(other.toString(), [{ source: 'mypy', message: 'x' }]);
  w.fake.diagnosticsChange.fire({ uris: [other] });
  w.clock.advance(500_000);
  w.fake.diagnostics.set(file.toString(), [
    { source: 'pyflakes', message: 'unused import' },
    { source: 'pycodestyle', message: 'E501' },
    { source: 'pyflakes', message: 'undefined name' },
  ]);
  w.fake.diagnosticsChange.fire({ uris: [other, file] });
  // Later updates without a new save are not timed.
  w.clock.advance(100);
  w.fake.diagnosticsChange.fire({ uris: [file] });
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => [l.command, l.durationUs, l.exit, l.cwd]),
    [['vscode diagnostics (pyflakes,pycodestyle) ft=python', '1200000', '0', w.repo]],
  );
});

test('save → diagnostics without a source, with the source from before the save, and timed out', async () => {
  const w = world();
  const dir = tempDir();
  const plain = Uri.file(path.join(dir, 'notes.txt'));
  const fixed = Uri.file(path.join(w.repo, 'src', 'lib.rs'));
  const slow = Uri.file(path.join(w.repo, 'src', 'slow.ts'));
  const closed = Uri.file(path.join(w.repo, 'src', 'closed.ts'));
  w.fake.diagnostics.set(plain.toString(), [{ message: 'no source' }]);
  w.fake.diagnostics.set(fixed.toString(), [{ source: 'rust-analyzer', message: 'error' }]);
  w.fake.save.fire({ uri: plain, languageId: 'plaintext' });
  w.fake.save.fire({ uri: fixed, languageId: 'rust' });
  w.fake.save.fire({ uri: closed, languageId: 'typescript' });
  w.fake.close.fire({ uri: closed, languageId: 'typescript' });
  w.clock.advance(20_000);
  // The save fixed every error: no diagnostics left, the source is the one from before.
  w.fake.diagnostics.set(fixed.toString(), []);
  w.fake.diagnosticsChange.fire({ uris: [plain, fixed, closed] });
  w.fake.save.fire({ uri: slow, languageId: 'typescript' });
  w.clock.advance(DIAGNOSTICS_TIMEOUT_US + 1);
  w.fake.diagnosticsChange.fire({ uris: [slow] });
  await w.recorder.flush();
  // A file outside every repository records the workspace folder's repository.
  assert.deepEqual(
    w.lines().map((l) => [l.command, l.durationUs, l.cwd]),
    [
      ['vscode diagnostics (unknown) ft=plaintext', '20000', w.repo],
      ['vscode diagnostics (rust-analyzer) ft=rust', '20000', w.repo],
    ],
  );
});

test('lookups run the built-in commands untimed unless worthit.timeLookups is on', async () => {
  const w = world();
  w.fake.activeTextEditor = { document: { uri: Uri.file(path.join(w.repo, 'src', 'main.rs')), languageId: 'rust' }, selection: { active: { line: 3, character: 7 } } };
  await w.fake.run('worthit.goToDefinition');
  await w.fake.run('worthit.findReferences');
  await w.recorder.flush();
  assert.deepEqual(
    w.fake.executed.map((c) => c.id),
    ['editor.action.revealDefinition', 'editor.action.goToReferences'],
  );
  assert.deepEqual(w.lines(), []);
});

test('timed lookups record the provider round trip, then reveal the results', async () => {
  const w = world();
  w.fake.settings.set('worthit.timeLookups', true);
  w.fake.settings.set('editor.gotoLocation.multipleReferences', 'gotoAndPeek');
  const uri = Uri.file(path.join(w.repo, 'src', 'deep', 'main.rs'));
  const position = { line: 3, character: 7 };
  w.fake.activeTextEditor = { document: { uri, languageId: 'rust' }, selection: { active: position } };
  const target = Uri.file(path.join(w.repo, 'src', 'lib.rs'));
  w.fake.stubs.set('vscode.executeDefinitionProvider', () => {
    w.clock.advance(84_000);
    return [{ targetUri: target, targetRange: 'whole', targetSelectionRange: 'name' }];
  });
  w.fake.stubs.set('vscode.executeReferenceProvider', () => {
    w.clock.advance(1_234_567);
    return [new Location(target, 'r1'), new Location(uri, 'r2')];
  });
  await w.fake.run('worthit.goToDefinition');
  await w.fake.run('worthit.findReferences');
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => [l.command, l.durationUs, l.exit, l.cwd]),
    [
      ['vscode lsp definition (rust) ft=rust', '84000', '0', w.repo],
      ['vscode lsp references (rust) ft=rust', '1234567', '0', w.repo],
    ],
  );
  const shown = w.fake.executed.filter((c) => c.id === 'editor.action.goToLocations');
  assert.equal(shown.length, 2);
  const [defUri, defPos, defLocations, defMode] = shown[0].args as [Uri, unknown, Location[], string];
  assert.equal(defUri, uri);
  assert.equal(defPos, position);
  assert.deepEqual(defLocations.map((l) => [l.uri.fsPath, l.range]), [[target.fsPath, 'name']]);
  assert.equal(defMode, 'peek');
  assert.equal(shown[1].args[3], 'gotoAndPeek');
  assert.equal((shown[1].args[2] as Location[]).length, 2);
});

test('a failing lookup records exit 1 and still throws nothing', async () => {
  const w = world();
  w.fake.settings.set('worthit.timeLookups', true);
  w.fake.activeTextEditor = { document: { uri: Uri.file(path.join(w.repo, 'a.py')), languageId: 'python' }, selection: { active: {} } };
  w.fake.stubs.set('vscode.executeDefinitionProvider', () => {
    w.clock.advance(9);
    throw new Error('server crashed');
  });
  w.fake.stubs.set('editor.action.goToLocations', () => {
    throw new Error('no editor');
  });
  await w.fake.run('worthit.goToDefinition');
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => [l.command, l.durationUs, l.exit]),
    [['vscode lsp definition (python) ft=python', '9', '1']],
  );
  const log = w.fake.channel.lines.join('\n');
  assert.match(log, /definition lookup failed: server crashed/);
  assert.match(log, /could not show the definition results: no editor/);
});

test('WORTHIT_DISABLE=1 records nothing; 0 records', async () => {
  const w = world();
  w.env.WORTHIT_DISABLE = '1';
  const execution = taskExecution({ name: 'x', execution: { commandLine: 'make' } });
  w.fake.taskStart.fire({ execution, processId: 1 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  const shell = { commandLine: { value: 'ls' }, cwd: undefined };
  const terminal = { processId: Promise.resolve(2) };
  w.fake.shellStart.fire({ terminal, execution: shell });
  w.fake.shellEnd.fire({ terminal, execution: shell, exitCode: 0 });
  await w.recorder.flush();
  assert.equal(fs.existsSync(path.join(w.home, 'spool')), false);
  w.env.WORTHIT_DISABLE = '0';
  w.fake.taskStart.fire({ execution, processId: 1 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  await w.recorder.flush();
  assert.deepEqual(
    w.lines().map((l) => l.command),
    ['make'],
  );
});

test('the worthit.home setting overrides WORTHIT_HOME', async () => {
  const w = world();
  const elsewhere = path.join(tempDir(), 'w');
  w.fake.settings.set('worthit.home', elsewhere);
  const execution = taskExecution({ name: 'x', execution: { commandLine: 'make' } });
  w.fake.taskStart.fire({ execution, processId: 1 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  await w.recorder.flush();
  assert.equal(fs.existsSync(path.join(w.home, 'spool')), false);
  assert.deepEqual(
    spoolLines(path.join(elsewhere, 'spool')).map(({ line }) => fields(line).command),
    ['make'],
  );
});

test('errors stay inside: a throwing API, an unwritable spool and a broken output channel', async () => {
  const w = world();
  w.fake.diagnosticsThrow = true;
  const doc = { uri: Uri.file(path.join(w.repo, 'x.rs')), languageId: 'rust' };
  assert.doesNotThrow(() => w.fake.save.fire(doc));
  assert.match(w.fake.channel.lines.join('\n'), /save: diagnostics service gone/);

  // The data directory is a file: the append fails, flush still resolves, the error is logged.
  const blocked = path.join(tempDir(), 'file');
  fs.writeFileSync(blocked, '');
  w.env.WORTHIT_HOME = blocked;
  const execution = taskExecution({ name: 'x', execution: { commandLine: 'make' } });
  w.fake.taskStart.fire({ execution, processId: 1 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  await w.recorder.flush();
  assert.match(w.fake.channel.lines.join('\n'), /could not append 1 line\(s\) to spool file .*: /);

  // No output channel at all, and a terminal whose pid lookup rejects.
  const broken = world({
    setup: (fake) => {
      fake.channelThrows = true;
    },
  });
  const shell = { commandLine: { value: 'true' }, cwd: undefined };
  const terminal = { processId: Promise.reject(new Error('gone')) };
  broken.fake.shellStart.fire({ terminal, execution: shell });
  assert.doesNotThrow(() => broken.fake.shellEnd.fire({ terminal, execution: shell, exitCode: 0 }));
  await broken.recorder.flush();
  assert.deepEqual(
    broken.lines().map((l) => l.command),
    ['true'],
  );
});

test('an API missing a piece costs only that feature', async () => {
  const fake = new FakeVscode();
  const home = tempDir();
  const api = { ...fake.api, tasks: undefined } as unknown as typeof fake.api;
  const clock = new FakeClock(START_US);
  const recorder = activate(api, { subscriptions: [] }, { env: { WORTHIT_HOME: home }, token: 't', pid: 1, clock });
  assert.match(fake.channel.lines.join('\n'), /could not start recording tasks: /);
  const doc = { uri: Uri.file(path.join(home, 'a.go')), languageId: 'go' };
  fake.save.fire(doc);
  clock.advance(70);
  fake.diagnosticsChange.fire({ uris: [doc.uri] });
  await recorder.dispose();
  assert.deepEqual(
    spoolLines(path.join(home, 'spool')).map(({ line }) => fields(line).command),
    ['vscode diagnostics (unknown) ft=go'],
  );
});

test('dispose stops listening and writes what is queued', async () => {
  const w = world();
  const execution = taskExecution({ name: 'x', execution: { commandLine: 'make' } });
  w.fake.taskStart.fire({ execution, processId: 1 });
  w.fake.taskEnd.fire({ execution, exitCode: 0 });
  await w.recorder.dispose();
  assert.equal(w.fake.taskEnd.listenerCount, 0);
  assert.equal(w.fake.diagnosticsChange.listenerCount, 0);
  assert.deepEqual(
    w.lines().map((l) => l.command),
    ['make'],
  );
});

test('the writer appends whole lines in order and keeps appending to the same day file', async () => {
  const spool = path.join(tempDir(), 'spool');
  const errors: string[] = [];
  const writer = new SpoolWriter({ onError: (m) => errors.push(m), delayMs: 5 });
  const base = { shell: 'vscode', session: 'vscode-1-w', durationUs: 1, resolutionUs: 1, exit: 0 };
  for (let i = 0; i < 50; i++) {
    writer.append(spool, { ...base, startUs: START_US + i, command: `cmd ${i}` });
  }
  // The next UTC day goes to its own file.
  writer.append(spool, { ...base, startUs: START_US + 86_400_000_000, command: 'tomorrow' });
  assert.equal(writer.queued, 51);
  await writer.flush();
  writer.append(spool, { ...base, startUs: START_US + 50, command: 'cmd 50' });
  // The timer flushes on its own too.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(writer.queued, 0);
  assert.deepEqual(errors, []);
  const day = dayOf(START_US);
  assert.deepEqual(fs.readdirSync(spool).sort(), [`vscode-1-w.${day}.spool`, `vscode-1-w.${day + 1}.spool`]);
  const today = fs.readFileSync(path.join(spool, `vscode-1-w.${day}.spool`), 'utf8').split('\n');
  assert.equal(today.pop(), '');
  assert.deepEqual(
    today.map((l) => fields(l).command),
    Array.from({ length: 51 }, (_, i) => `cmd ${i}`),
  );
  assert.equal(fs.statSync(path.join(spool, `vscode-1-w.${day}.spool`)).mode & 0o777, 0o600);
});

test('the entry point loads the vscode module, records, and flushes on deactivate', async () => {
  const fake = new FakeVscode();
  const home = tempDir();
  // Resolve `require('vscode')` to the fake, as the extension host resolves it to the real API.
  const Module = require('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake.api } as unknown as NodeJS.Module;
  const saved = { home: process.env.WORTHIT_HOME, disable: process.env.WORTHIT_DISABLE };
  process.env.WORTHIT_HOME = home;
  delete process.env.WORTHIT_DISABLE;
  try {
    const entry = require('../src/extension') as typeof import('../src/extension');
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    entry.activate(context as unknown as Parameters<typeof entry.activate>[0]);
    assert.ok(context.subscriptions.length >= 8, `${context.subscriptions.length} subscriptions`);
    const execution = taskExecution({ name: 'x', execution: { command: 'pytest', args: ['-q'] } });
    fake.taskStart.fire({ execution, processId: 1 });
    fake.taskEnd.fire({ execution, exitCode: 0 });
    await entry.deactivate();
    const [line, ...rest] = spoolLines(path.join(home, 'spool'));
    assert.deepEqual(rest, []);
    assert.equal(line.file, `vscode-${process.pid}-${fields(line.line).session.split('-')[2]}.${dayOf(Number(fields(line.line).startUs))}.spool`);
    assert.match(fields(line.line).session, new RegExp(`^vscode-${process.pid}-[a-z0-9]{10}$`));
    assert.equal(fields(line.line).command, 'pytest -q');
    assert.equal(entry.deactivate(), undefined);
  } finally {
    Module._resolveFilename = resolve;
    delete require.cache.vscode;
    if (saved.home === undefined) {
      delete process.env.WORTHIT_HOME;
    } else {
      process.env.WORTHIT_HOME = saved.home;
    }
    if (saved.disable !== undefined) {
      process.env.WORTHIT_DISABLE = saved.disable;
    }
  }
});
