// The table of tricky events behind test/fixtures/spool-golden.spool. Each is built with
// the extension's own event builders, so the golden file is what the extension writes.
// tests/integration/vscode.rs holds the same table on the Rust side: keep them in step
// (regenerate with WORTHIT_UPDATE_GOLDEN=1 npm test, then update the Rust table).

import { diagnosticsCommand, lookupCommand, makeEvent, taskCommand, terminalCommand } from '../src/events';
import type { SpoolEvent } from '../src/spool';

export const GOLDEN_SESSION = 'vscode-4242-golden';
/** 2026-09-21T14:13:20Z; every event starts on that UTC day (20717). */
export const GOLDEN_START_US = 1_790_000_000_000_000;

function at(n: number, durationUs: number) {
  return { startUs: GOLDEN_START_US + n * 1_000_000, durationUs, resolutionUs: 1 };
}

const terminal = (text: string): string => {
  const command = terminalCommand(text);
  if (command === undefined) {
    throw new Error(`golden terminal command ${JSON.stringify(text)} is empty`);
  }
  return command;
};

/** A 10 KB command mixing two-byte characters, TABs and backslashes, which all cost escape or UTF-8 bytes. */
export const LONG_COMMAND = 'cargo run -- ' + 'données\t\\ '.repeat(850) + 'fin';
export const LONG_CWD = '/home/dev/' + 'd'.repeat(5000);

export function goldenEvents(): SpoolEvent[] {
  const s = GOLDEN_SESSION;
  return [
    makeEvent(s, at(0, 12_345_678), 0, '/home/dev/api', taskCommand({ name: 'build', group: { id: 'build' }, execution: { commandLine: 'cargo build --release' } })),
    makeEvent(s, at(1, 250_000), 1, '/home/dev/api', taskCommand({ name: 'Run\ttests "fast"', group: { id: 'test' } })),
    makeEvent(s, at(2, 3_000_001), 2, '/home/dev/api', taskCommand({ name: 'make', execution: { process: '/usr/bin/make', args: ['-C', 'sub dir', "it's"] } })),
    makeEvent(s, at(3, 1), 0, '/home/dev/api', terminal('for f in *.rs; do\n\techo "$f"\r\ndone\n')),
    makeEvent(s, at(4, 0), 127, '/home/dev/api', terminal("printf 'a\\tb\\n' | grep -E '\\d+' C:\\Users\\dev\\ \\x41 \\\\n")),
    makeEvent(s, at(5, 987_654), 0, '/home/dév/プロジェクト', terminal('echo héllo wörld 日本語 🚀 ∑')),
    makeEvent(s, at(6, 42), 0, '/home/dev/api', terminal('echo \u0001bell\u0007 del\u007f')),
    makeEvent(s, at(7, 1_500_000), 0, '/home/dev/py', diagnosticsCommand(['pyflakes', 'pycodestyle', 'pyflakes'], 'python')),
    makeEvent(s, at(8, 2_000), 0, undefined, diagnosticsCommand([], 'plaintext')),
    makeEvent(s, at(9, 3_456), 0, '/home/dev/api', lookupCommand('definition', 'rust')),
    makeEvent(s, at(10, 654_321), 1, '/home/dev/web', lookupCommand('references', 'typescript')),
    makeEvent(s, at(11, 5_000_000), undefined, '/home/dev/api', terminal('sleep 5')),
    makeEvent(s, at(12, 60_000_000), 0, '/home/dev/api', terminal(LONG_COMMAND)),
    makeEvent(s, at(13, 7), 0, LONG_CWD, terminal('x '.repeat(3000) + 'end')),
  ];
}
