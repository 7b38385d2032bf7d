// The `command` text of each event kind, per the editor contract
// (/work/notes/editor-contract.md, mirrored in README.md): a task's real command line or
// `vscode task <label> group=<g>`, a terminal's command line, `vscode diagnostics
// (<source>) ft=<lang>` and `vscode lsp <method> (<lang>) ft=<lang>`; and the spool
// event around it. The shapes below are the parts of VS Code's task types this reads, so
// the module needs no vscode import.

import type { SpoolEvent } from './spool';

/** The producer name every line of the extension carries. */
export const SOURCE = 'vscode';

/** `ShellQuotedString`: a value plus how the shell should quote it. */
export interface QuotedLike {
  value: string;
  /** ShellQuoting: 1 = escape, 2 = strong (single quotes), 3 = weak (double quotes). */
  quoting: number;
}

/** What `ShellExecution`, `ProcessExecution` and `CustomExecution` may hold. */
export interface TaskExecutionLike {
  commandLine?: string;
  command?: string | QuotedLike;
  args?: ReadonlyArray<string | QuotedLike>;
  process?: string;
}

export interface TaskLike {
  name: string;
  group?: { id?: string };
  execution?: TaskExecutionLike;
}

/** Start, duration and clock resolution of one action, in microseconds. */
export interface Timing {
  startUs: number;
  durationUs: number;
  resolutionUs: number;
}

/** A spool event of this extension's session. */
export function makeEvent(session: string, timing: Timing, exit: number | undefined, cwd: string | undefined, command: string): SpoolEvent {
  return {
    startUs: timing.startUs,
    durationUs: timing.durationUs,
    resolutionUs: timing.resolutionUs,
    exit,
    shell: SOURCE,
    session,
    cwd,
    command,
  };
}

/** `build`, `test` or `none` for a task group (a rebuild is a build; clean and others are none). */
export function taskGroupName(group: { id?: string } | undefined): 'build' | 'test' | 'none' {
  switch (group?.id) {
    case 'build':
    case 'rebuild':
      return 'build';
    case 'test':
      return 'test';
    default:
      return 'none';
  }
}

/**
 * The command line a task runs, when it has one: a shell task's `commandLine`, or its
 * command and arguments joined as the shell would see them; a process task's program and
 * arguments. Undefined for custom executions.
 */
export function taskCommandLine(execution: TaskExecutionLike | undefined): string | undefined {
  if (!execution) {
    return undefined;
  }
  if (typeof execution.commandLine === 'string' && execution.commandLine.trim() !== '') {
    return execution.commandLine.trim();
  }
  const program = execution.command ?? execution.process;
  if (program === undefined) {
    return undefined;
  }
  const line = [program, ...(execution.args ?? [])].map(shellWord).join(' ').trim();
  return line === '' ? undefined : line;
}

/** The event command of a task: its command line, else `vscode task <label> group=<g>`. */
export function taskCommand(task: TaskLike): string {
  return taskCommandLine(task.execution) ?? `${SOURCE} task ${task.name} group=${taskGroupName(task.group)}`;
}

/** A terminal command line as recorded: trailing newlines and spaces dropped; undefined if empty. */
export function terminalCommand(commandLine: string | undefined): string | undefined {
  const line = commandLine?.replace(/\s+$/, '');
  return line ? line : undefined;
}

/** `vscode diagnostics (<sources>) ft=<languageId>`; `(unknown)` without a source. */
export function diagnosticsCommand(sources: ReadonlyArray<string | undefined>, languageId: string): string {
  const names: string[] = [];
  for (const source of sources) {
    const name = source === undefined ? '' : label(source);
    if (name !== '' && !names.includes(name)) {
      names.push(name);
    }
  }
  const source = names.length > 0 ? names.join(',') : 'unknown';
  return `${SOURCE} diagnostics (${source}) ft=${label(languageId) || 'unknown'}`;
}

/**
 * `vscode lsp <method> (<languageId>) ft=<languageId>`: VS Code hides which server
 * answered, so the language id stands in for the server name.
 */
export function lookupCommand(method: 'definition' | 'references', languageId: string): string {
  const lang = label(languageId) || 'unknown';
  return `${SOURCE} lsp ${method} (${lang}) ft=${lang}`;
}

// Source and language names go inside `(…)` and before a space-separated `ft=`: keep
// them one word without parentheses so the classifier can split the command.
function label(name: string): string {
  return name.trim().replace(/[()]/g, '').replace(/\s+/g, '-');
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

// How a shell would see an argument: quoted strings keep the quoting VS Code applies;
// plain strings with spaces or shell characters are single-quoted so the recorded line
// reads back as the same words.
function shellWord(word: string | QuotedLike): string {
  if (typeof word === 'string') {
    return PLAIN_WORD.test(word) ? word : singleQuote(word);
  }
  switch (word.quoting) {
    case 1:
      return word.value.replace(/([^A-Za-z0-9_@%+=:,./-])/g, '\\$1');
    case 2:
      return singleQuote(word.value);
    case 3:
      return `"${word.value.replace(/(["\\$`])/g, '\\$1')}"`;
    default:
      return word.value;
  }
}

function singleQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
