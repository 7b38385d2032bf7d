// Appending events to the spool without ever blocking the editor: events are serialised
// into a memory queue and a timer flushes them with async file APIs, one write() per
// line on a file opened for append (O_APPEND), so every line lands whole even while the
// ingest or another writer touches the same directory. Errors go to a callback, never up.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { serialiseLine, spoolFileName, type SpoolEvent } from './spool';

/** How long events wait in memory before a flush: a burst of them costs one open(). */
export const FLUSH_DELAY_MS = 250;
/** Lines kept while the disk refuses them; beyond this the oldest are dropped. */
const MAX_QUEUED_LINES = 10_000;

interface Pending {
  file: string;
  line: Buffer;
}

export interface WriterOptions {
  /** Reports a failure (the caller shows it in the output channel). */
  onError: (message: string) => void;
  /** Milliseconds between the first queued line and its flush. */
  delayMs?: number;
}

/** Queues spool lines and appends them asynchronously. */
export class SpoolWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dropped = 0;

  constructor(private readonly options: WriterOptions) {}

  /** Queues `event` for `<spoolDir>/<session>.<day>.spool` and schedules a flush. */
  append(spoolDir: string, event: SpoolEvent): void {
    const file = path.join(spoolDir, spoolFileName(event.session, event.startUs));
    this.queue.push({ file, line: serialiseLine(event) });
    if (this.queue.length > MAX_QUEUED_LINES) {
      this.dropped += this.queue.length - MAX_QUEUED_LINES;
      this.queue.splice(0, this.queue.length - MAX_QUEUED_LINES);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.delayMs ?? FLUSH_DELAY_MS);
      // A pending flush must not keep a closing extension host alive; deactivate flushes.
      this.timer.unref?.();
    }
  }

  /** Lines waiting to be written. */
  get queued(): number {
    return this.queue.length;
  }

  /** Writes everything queued so far; resolves when done. Never rejects. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // One flush at a time keeps lines of one file in order.
    while (this.running) {
      await this.running;
    }
    if (this.queue.length === 0) {
      return;
    }
    const batch = this.queue;
    this.queue = [];
    this.running = this.writeBatch(batch).finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (this.dropped > 0) {
      this.options.onError(`dropped ${this.dropped} spool lines: more than ${MAX_QUEUED_LINES} were waiting for the disk`);
      this.dropped = 0;
    }
    const byFile = new Map<string, Buffer[]>();
    for (const { file, line } of batch) {
      const lines = byFile.get(file);
      if (lines) {
        lines.push(line);
      } else {
        byFile.set(file, [line]);
      }
    }
    for (const [file, lines] of byFile) {
      try {
        await this.appendLines(file, lines);
      } catch (err) {
        this.options.onError(`could not append ${lines.length} line(s) to spool file ${file}: ${describe(err)}`);
      }
    }
  }

  private async appendLines(file: string, lines: Buffer[]): Promise<void> {
    // Every flush, not once: the spool directory may be removed while VS Code runs.
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const handle = await fs.open(file, 'a', 0o600);
    try {
      for (const line of lines) {
        // One write() per line: with O_APPEND and < PIPE_BUF bytes it lands whole.
        const { bytesWritten } = await handle.write(line, 0, line.length);
        if (bytesWritten !== line.length) {
          throw new Error(`short write: ${bytesWritten} of ${line.length} bytes`);
        }
      }
    } finally {
      await handle.close();
    }
  }
}

/** An error's message for the output channel. */
export function describe(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}
