// The repository root the `cwd` field carries: walk up from a directory to the first one
// holding a `.git` entry (a directory, or a file in worktrees and submodules). Events
// record that root, never a file path. No vscode import.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Finds `.git` roots, remembering answers per starting directory. */
export class GitRoots {
  // Every save and lookup asks again for the same few folders; the walk costs one stat
  // per level, so cache it. Bounded so a long session over many folders stays small.
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly maxEntries = 512) {}

  /** The git root at or above `dir`, or undefined when `dir` is in no repository. */
  find(dir: string): Promise<string | undefined> {
    const start = path.resolve(dir);
    const known = this.cache.get(start);
    if (known) {
      return known;
    }
    if (this.cache.size >= this.maxEntries) {
      this.cache.clear();
    }
    const found = findGitRoot(start);
    this.cache.set(start, found);
    return found;
  }
}

/** Walks up from `dir` to the first directory with a `.git` entry; undefined at the top. */
export async function findGitRoot(dir: string): Promise<string | undefined> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      await fs.stat(path.join(current, '.git'));
      return current;
    } catch {
      // Not here (or unreadable): keep walking, as git itself does.
    }
    const parent = path.dirname(current);
    if (parent === current) {
      return undefined;
    }
    current = parent;
  }
}
