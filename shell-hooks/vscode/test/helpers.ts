// Shared test plumbing: temp directories (a data dir and a git repository per test),
// reading back the spool the extension wrote, and parsing its lines.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh temp directory, removed when the test process ends. */
export function tempDir(prefix = 'worthit-vscode-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A spool line split into its ten fields, still escaped. */
export interface Fields {
  version: string;
  startUs: string;
  durationUs: string;
  exit: string;
  resolutionUs: string;
  flags: string;
  shell: string;
  session: string;
  cwd: string;
  command: string;
}

export function fields(line: string): Fields {
  const parts = line.replace(/\n$/, '').split('\t');
  if (parts.length !== 10) {
    throw new Error(`expected 10 fields, got ${parts.length}: ${JSON.stringify(line)}`);
  }
  const [version, startUs, durationUs, exit, resolutionUs, flags, shell, session, cwd, command] = parts;
  return { version, startUs, durationUs, exit, resolutionUs, flags, shell, session, cwd, command };
}

/** Every line of every file in a spool directory, with the file it came from. */
export function spoolLines(spool: string): Array<{ file: string; line: string }> {
  if (!fs.existsSync(spool)) {
    return [];
  }
  const out: Array<{ file: string; line: string }> = [];
  for (const file of fs.readdirSync(spool).sort()) {
    const text = fs.readFileSync(path.join(spool, file), 'utf8');
    for (const line of text.split('\n')) {
      if (line !== '') {
        out.push({ file, line });
      }
    }
  }
  return out;
}
