// The editor-free parts: data directory rules, git roots, the terminal de-duplication
// decision and the event builders' command texts.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hookSpoolPids, RecentSet, terminalVerdict } from '../src/dedup';
import { diagnosticsCommand, lookupCommand, taskCommand, taskCommandLine, taskGroupName, terminalCommand } from '../src/events';
import { findGitRoot, GitRoots } from '../src/gitroot';
import { isDisabled, resolveHome, spoolDir } from '../src/paths';
import { tempDir } from './helpers';

test('the data directory: setting, then WORTHIT_HOME, then the platform default', () => {
  const base = { env: {}, platform: 'linux', homedir: '/home/u' };
  assert.equal(resolveHome({ ...base, setting: '/data/w', env: { WORTHIT_HOME: '/env/w' } }), '/data/w');
  assert.equal(resolveHome({ ...base, setting: '~/w' }), '/home/u/w');
  assert.equal(resolveHome({ ...base, setting: '  ', env: { WORTHIT_HOME: '/env/w' } }), '/env/w');
  assert.equal(resolveHome({ ...base, env: { WORTHIT_HOME: '' } }), '/home/u/.local/share/worthit');
  assert.equal(resolveHome({ ...base, env: { XDG_DATA_HOME: '/xdg' } }), '/xdg/worthit');
  // A relative XDG_DATA_HOME is invalid per the spec; the binary ignores it too.
  assert.equal(resolveHome({ ...base, env: { XDG_DATA_HOME: 'rel' } }), '/home/u/.local/share/worthit');
  assert.equal(resolveHome({ ...base, platform: 'darwin' }), '/home/u/Library/Application Support/worthit');
  assert.equal(resolveHome({ ...base, homedir: '' }), undefined);
  assert.equal(spoolDir('/w'), '/w/spool');
});

test('WORTHIT_DISABLE turns recording off unless empty or 0, like the shell hooks', () => {
  assert.equal(isDisabled({}), false);
  assert.equal(isDisabled({ WORTHIT_DISABLE: '' }), false);
  assert.equal(isDisabled({ WORTHIT_DISABLE: '0' }), false);
  assert.equal(isDisabled({ WORTHIT_DISABLE: '1' }), true);
  assert.equal(isDisabled({ WORTHIT_DISABLE: 'yes' }), true);
});

test('git roots: nearest .git directory or file upwards, none outside a repository', async () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const deep = path.join(repo, 'src', 'a', 'b');
  fs.mkdirSync(deep, { recursive: true });
  fs.mkdirSync(path.join(repo, '.git'));
  const worktree = path.join(dir, 'worktree');
  fs.mkdirSync(path.join(worktree, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(worktree, '.git'), 'gitdir: /elsewhere\n');
  const outside = path.join(dir, 'plain');
  fs.mkdirSync(outside);

  assert.equal(await findGitRoot(deep), repo);
  assert.equal(await findGitRoot(repo), repo);
  assert.equal(await findGitRoot(path.join(worktree, 'sub')), worktree);
  assert.equal(await findGitRoot(outside), undefined);

  const roots = new GitRoots(2);
  assert.equal(await roots.find(deep), repo);
  assert.equal(await roots.find(outside), undefined);
  assert.equal(await roots.find(path.join(worktree, 'sub')), worktree);
  assert.equal(await roots.find(deep), repo);
});

test('de-dup: a shell hook spool file for the terminal pid drops the extension event', () => {
  const names = ['bash-100-12345.20717.spool', 'zsh-200-9.20716.spool', 'fish-300-77.20717.spool', 'vscode-400-abc.20717.spool', '.bash-500-1.hist', 'bash-600-1.20717.spool.tmp'];
  assert.deepEqual([...hookSpoolPids(names)].sort(), [100, 200, 300]);
  const none = new Set<number>();
  assert.equal(terminalVerdict(100, names, none), 'shell-hook');
  assert.equal(terminalVerdict(200, names, none), 'shell-hook');
  assert.equal(terminalVerdict(300, names, none), 'shell-hook');
  // The extension's own files and the bash hook's scratch file say nothing about a shell hook.
  assert.equal(terminalVerdict(400, names, none), 'record');
  assert.equal(terminalVerdict(500, names, none), 'record');
  assert.equal(terminalVerdict(600, names, none), 'record');
  assert.equal(terminalVerdict(10, names, none), 'record');
  assert.equal(terminalVerdict(1000, ['bash-10000-1.20717.spool'], none), 'record');
  assert.equal(terminalVerdict(undefined, names, none), 'record');
  assert.equal(terminalVerdict(700, [], new Set([700])), 'task');
});

test('recent task pids stay bounded', () => {
  const recent = new RecentSet(3);
  for (const pid of [1, 2, 3, 1, 4]) {
    recent.add(pid);
  }
  assert.deepEqual([...recent.view], [3, 1, 4]);
});

test('task commands: command line, command with args, process, else label and group', () => {
  assert.equal(taskCommandLine({ commandLine: '  cargo build  ' }), 'cargo build');
  assert.equal(taskCommandLine({ command: 'npm', args: ['run', 'test:unit'] }), 'npm run test:unit');
  assert.equal(
    taskCommandLine({ command: { value: 'my tool', quoting: 2 }, args: [{ value: 'a b', quoting: 1 }, { value: 'x"$y', quoting: 3 }, 'two words', ''] }),
    `'my tool' a\\ b "x\\"\\$y" 'two words' ''`,
  );
  assert.equal(taskCommandLine({ process: '/usr/bin/make', args: ['-j4', "it's"] }), `/usr/bin/make -j4 'it'\\''s'`);
  assert.equal(taskCommandLine({}), undefined);
  assert.equal(taskCommandLine(undefined), undefined);
  assert.equal(taskCommand({ name: 'Deploy all', execution: {} }), 'vscode task Deploy all group=none');
  assert.equal(taskCommand({ name: 'unit', group: { id: 'test' } }), 'vscode task unit group=test');
  assert.deepEqual(
    ['build', 'rebuild', 'test', 'clean', undefined].map((id) => taskGroupName(id === undefined ? undefined : { id })),
    ['build', 'build', 'test', 'none', 'none'],
  );
});

test('terminal, diagnostics and lookup commands', () => {
  assert.equal(terminalCommand('cargo test\n'), 'cargo test');
  assert.equal(terminalCommand('  \n'), undefined);
  assert.equal(terminalCommand(undefined), undefined);
  assert.equal(diagnosticsCommand(['pyflakes', undefined, 'pyflakes', 'mypy'], 'python'), 'vscode diagnostics (pyflakes,mypy) ft=python');
  assert.equal(diagnosticsCommand([], 'rust'), 'vscode diagnostics (unknown) ft=rust');
  assert.equal(diagnosticsCommand(['Lua Diagnostics.', '(odd)'], 'lua'), 'vscode diagnostics (Lua-Diagnostics.,odd) ft=lua');
  assert.equal(lookupCommand('definition', 'rust'), 'vscode lsp definition (rust) ft=rust');
  assert.equal(lookupCommand('references', ''), 'vscode lsp references (unknown) ft=unknown');
});
