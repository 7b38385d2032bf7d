// The spool line serialiser: escapes, caps and cuts exactly as src/spool.rs writes them,
// and the golden file the Rust parser also reads (tests/integration/vscode.rs).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { cutEscaped, dayOf, escapeField, MAX_LINE_BYTES, serialiseLine, sessionName, sessionToken, spoolFileName, type SpoolEvent } from '../src/spool';
import { goldenEvents, LONG_COMMAND } from './golden';
import { fields } from './helpers';

const GOLDEN = path.join(__dirname, '..', '..', 'test', 'fixtures', 'spool-golden.spool');

function event(overrides: Partial<SpoolEvent> = {}): SpoolEvent {
  return {
    startUs: 1_790_000_000_123_456,
    durationUs: 300_123,
    resolutionUs: 1,
    exit: 0,
    shell: 'vscode',
    session: 'vscode-77-abc',
    cwd: '/home/dev/api',
    command: 'cargo test',
    ...overrides,
  };
}

test('a line has ten tab-separated fields and one LF', () => {
  const line = serialiseLine(event()).toString('utf8');
  assert.equal(line, '1\t1790000000123456\t300123\t0\t1\t\tvscode\tvscode-77-abc\t/home/dev/api\tcargo test\n');
});

test('unknown duration, exit and cwd are empty fields, never zero', () => {
  const line = serialiseLine(event({ durationUs: undefined, exit: undefined, cwd: undefined })).toString('utf8');
  const f = fields(line);
  assert.deepEqual([f.durationUs, f.exit, f.resolutionUs, f.cwd], ['', '', '', '']);
});

test('text fields escape backslash, LF, TAB, CR and other control bytes', () => {
  assert.equal(escapeField('a\\b\nc\td\re').toString('utf8'), 'a\\\\b\\nc\\td\\re');
  assert.equal(escapeField('\u0001\u001f\u007f').toString('utf8'), '\\x01\\x1f\\x7f');
  assert.equal(escapeField('héllo 日本 🚀').toString('utf8'), 'héllo 日本 🚀');
  // A literal `\x41` is text, not an escape: its backslash is doubled.
  assert.equal(escapeField('\\x41').toString('utf8'), '\\\\x41');
  const line = serialiseLine(event({ command: 'for i in 1 2\ndo\techo \\$i\ndone', cwd: '/a\tb' })).toString('utf8');
  assert.equal(line.split('\n').length, 2);
  assert.equal(line.split('\t').length, 10);
});

test('an oversized command is cut at a character boundary and flagged t', () => {
  const line = serialiseLine(event({ command: LONG_COMMAND }));
  assert.ok(line.length <= MAX_LINE_BYTES, `${line.length} bytes`);
  assert.ok(line.length > MAX_LINE_BYTES - 8, 'the cut uses the budget');
  const f = fields(line.toString('utf8'));
  assert.equal(f.flags, 't');
  assert.ok(!f.command.endsWith('\\') || f.command.endsWith('\\\\'), 'no half escape at the end');
  assert.ok(!line.toString('utf8').includes('\ufffd'), 'no split UTF-8 character');
});

test('cuts never split an escape or a multi-byte character', () => {
  const escaped = escapeField('é\\\u0001');
  // é (2 bytes), \\ (2), \x01 (4)
  assert.deepEqual([1, 2, 3, 4, 5, 7, 8].map((max) => cutEscaped(escaped, max).length), [0, 2, 2, 4, 4, 4, 8]);
});

test('an oversized cwd is cut to a quarter of the budget, as the Rust serialiser does', () => {
  const line = serialiseLine(event({ cwd: '/' + 'd'.repeat(5000), command: 'x'.repeat(5000) }));
  assert.ok(line.length <= MAX_LINE_BYTES);
  const f = fields(line.toString('utf8'));
  assert.equal(f.flags, 't');
  const head = Buffer.byteLength('1\t1790000000123456\t300123\t0\t1\t\tvscode\tvscode-77-abc\t');
  assert.equal(f.cwd.length, Math.floor((MAX_LINE_BYTES - head - 3) / 4));
});

test('shell and session are capped', () => {
  const line = serialiseLine(event({ shell: 's'.repeat(100), session: 'x'.repeat(5000) }));
  const f = fields(line.toString('utf8'));
  assert.equal(f.shell.length, 64);
  assert.equal(f.session.length, 256);
  assert.equal(f.flags, 't');
});

test('an event already truncated keeps a single t flag', () => {
  const f = fields(serialiseLine(event({ truncated: true, command: LONG_COMMAND })).toString('utf8'));
  assert.equal(f.flags, 't');
});

test('files roll over per UTC day and sessions carry the pid', () => {
  assert.equal(dayOf(0), 0);
  assert.equal(dayOf(86_400_000_000 - 1), 0);
  assert.equal(dayOf(86_400_000_000), 1);
  assert.equal(dayOf(1_790_000_000_000_000), 20717);
  assert.equal(spoolFileName('vscode-1-a', 1_790_000_000_000_000), 'vscode-1-a.20717.spool');
  assert.equal(sessionName('vscode', 4242, 'ab-c_9'), 'vscode-4242-abc9');
  assert.equal(sessionName('vscode', 4242, '--'), 'vscode-4242-0');
  const token = sessionToken(Uint8Array.from([0, 25, 26, 35, 36, 255, 7, 8, 9, 10]));
  assert.match(token, /^[a-z0-9]{10}$/);
});

test('the golden file is exactly what the serialiser writes for the tricky events', () => {
  const produced = Buffer.concat(goldenEvents().map(serialiseLine));
  if (process.env.WORTHIT_UPDATE_GOLDEN === '1') {
    fs.writeFileSync(GOLDEN, produced);
  }
  const committed = fs.readFileSync(GOLDEN);
  assert.ok(produced.equals(committed), 'spool-golden.spool differs from the serialiser (WORTHIT_UPDATE_GOLDEN=1 rewrites it)');
  for (const line of committed.toString('utf8').split('\n').slice(0, -1)) {
    assert.ok(Buffer.byteLength(line) + 1 <= MAX_LINE_BYTES);
    assert.equal(fields(line).shell, 'vscode');
  }
});
