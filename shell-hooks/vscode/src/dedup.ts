// Whether a terminal command seen through VS Code's shell integration is the extension's
// to record. When the terminal's shell runs worthit's own hook, the hook already wrote
// the command (with a finer clock) to `<shell>-<pid>-<token>.<day>.spool`; recording it
// again would count it twice. Task terminals are recorded by the task events. No vscode
// import: the caller lists the spool directory and passes the names.

/** Shells whose hooks write to the spool, and how they name their files. */
const HOOK_SPOOL_FILE = /^(bash|zsh|fish)-(\d+)-[A-Za-z0-9]+\.\d+\.spool$/;

/** How long to wait after a command ends before looking for the hook's file: the hook writes at the next prompt. */
export const HOOK_WRITE_DELAY_MS = 2000;

export type TerminalVerdict =
  /** No hook recorded it: the extension writes the event. */
  | 'record'
  /** A shell hook in that terminal records its commands: drop ours. */
  | 'shell-hook'
  /** The terminal runs a task, which the task events already record. */
  | 'task';

/**
 * Decides for one finished terminal command.
 * @param pid the terminal's shell process id, when VS Code knows it
 * @param spoolNames file names in the spool directory
 * @param taskPids process ids of recently started tasks
 */
export function terminalVerdict(
  pid: number | undefined,
  spoolNames: Iterable<string>,
  taskPids: ReadonlySet<number>,
): TerminalVerdict {
  if (pid === undefined) {
    return 'record';
  }
  if (taskPids.has(pid)) {
    return 'task';
  }
  return hookSpoolPids(spoolNames).has(pid) ? 'shell-hook' : 'record';
}

/** Pids of the shell sessions whose hooks have spool files among `names`. */
export function hookSpoolPids(names: Iterable<string>): Set<number> {
  const pids = new Set<number>();
  for (const name of names) {
    const match = HOOK_SPOOL_FILE.exec(name);
    if (match) {
      pids.add(Number(match[2]));
    }
  }
  return pids;
}

/** A set of the most recent `limit` numbers: task pids stay known for a while after the task ends. */
export class RecentSet {
  private readonly items = new Set<number>();

  constructor(private readonly limit = 128) {}

  add(value: number): void {
    this.items.delete(value);
    this.items.add(value);
    while (this.items.size > this.limit) {
      const oldest = this.items.values().next();
      if (oldest.done) {
        break;
      }
      this.items.delete(oldest.value);
    }
  }

  get view(): ReadonlySet<number> {
    return this.items;
  }
}
