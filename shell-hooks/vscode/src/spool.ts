// The spool line format v1 (docs/spool-format.md), written exactly as worthit's own
// serialiser (src/spool.rs `serialise`) writes it: same escapes, same caps, same cut
// points, so a golden file checks both sides byte for byte. Also the spool file naming
// (`<session>.<day>.spool`) and the session id. No vscode import: unit-tested in node.

/** Longest line (LF included) a writer may append; below PIPE_BUF so appends never interleave. */
export const MAX_LINE_BYTES = 4000;
/** Caps on the escaped `shell` and `session` fields, as in src/spool.rs. */
const MAX_SHELL_BYTES = 64;
const MAX_SESSION_BYTES = 256;
/** Microseconds in a UTC day: spool files roll over per day. */
export const DAY_US = 86_400_000_000;

/** One finished action, as a spool line carries it. Times are integer microseconds. */
export interface SpoolEvent {
  /** Wall-clock start, microseconds since the Unix epoch (UTC). */
  startUs: number;
  /** How long it took; undefined = unknown (never written as 0). */
  durationUs?: number;
  /** Exit status; undefined = unknown. */
  exit?: number;
  /** How fine `durationUs` is (1 for a microsecond clock). */
  resolutionUs?: number;
  /** Producer: `vscode`. */
  shell: string;
  /** `<producer>-<pid>-<token>`. */
  session: string;
  /** A directory (the repository root), never a file path; undefined = unknown. */
  cwd?: string;
  command: string;
  /** Already cut short by the producer. */
  truncated?: boolean;
}

/** Spool file name for an event: `<session>.<day>.spool`. */
export function spoolFileName(session: string, startUs: number): string {
  return `${session}.${dayOf(startUs)}.spool`;
}

/** UTC days since the epoch of a start time: `floor(start_us / 86_400_000_000)`. */
export function dayOf(startUs: number): number {
  return Math.floor(startUs / DAY_US);
}

/**
 * Session id `<source>-<pid>-<token>`. The ingest reads the pid back (second field from
 * the end when split on `-`) to tell a live session from an ended one, so the token
 * must not contain `-`: anything but ASCII letters and digits is dropped.
 */
export function sessionName(source: string, pid: number, token: string): string {
  const clean = token.replace(/[^A-Za-z0-9]/g, '');
  return `${source}-${Math.trunc(pid)}-${clean === '' ? '0' : clean}`;
}

/** A token of `length` random letters and digits from `random` (bytes). */
export function sessionToken(random: Uint8Array, length = 10): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let token = '';
  for (let i = 0; i < length && i < random.length; i++) {
    token += alphabet[random[i] % alphabet.length];
  }
  return token;
}

/** Escapes a text field: `\`, LF, TAB, CR as two-byte escapes; other C0 controls and DEL as `\xHH`. */
export function escapeField(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length * 4);
  let n = 0;
  for (const b of bytes) {
    switch (b) {
      case 0x5c:
        out[n++] = 0x5c;
        out[n++] = 0x5c;
        break;
      case 0x0a:
        out[n++] = 0x5c;
        out[n++] = 0x6e;
        break;
      case 0x09:
        out[n++] = 0x5c;
        out[n++] = 0x74;
        break;
      case 0x0d:
        out[n++] = 0x5c;
        out[n++] = 0x72;
        break;
      default:
        if (b < 0x20 || b === 0x7f) {
          n += out.write(`\\x${b.toString(16).padStart(2, '0')}`, n, 'latin1');
        } else {
          out[n++] = b;
        }
    }
  }
  return out.subarray(0, n);
}

/**
 * Cuts escaped text to at most `max` bytes without splitting an escape sequence or a
 * UTF-8 character (the same walk as src/spool.rs `cut_escaped`).
 */
export function cutEscaped(escaped: Buffer, max: number): Buffer {
  if (escaped.length <= max) {
    return escaped;
  }
  let end = 0;
  let i = 0;
  while (i < escaped.length) {
    const b = escaped[i];
    let step: number;
    if (b === 0x5c) {
      step = escaped[i + 1] === 0x78 ? 4 : 2;
    } else if (b < 0x80) {
      step = 1;
    } else if (b >= 0xf0) {
      step = 4;
    } else if (b >= 0xe0) {
      step = 3;
    } else {
      step = 2;
    }
    if (i + step > max) {
      break;
    }
    i += step;
    end = i;
  }
  return escaped.subarray(0, end);
}

/** An integer field, or empty when unknown or not a safe integer. */
function intField(value: number | undefined): string {
  return value !== undefined && Number.isSafeInteger(value) ? String(value) : '';
}

/**
 * One spool line, LF included, never longer than MAX_LINE_BYTES: an oversized cwd or
 * command is cut at a character boundary (after escaping, never inside an escape) and
 * the line is flagged `t`.
 */
export function serialiseLine(event: SpoolEvent): Buffer {
  const start = Number.isFinite(event.startUs) ? Math.trunc(event.startUs) : 0;
  const duration = intField(event.durationUs);
  const exit = event.exit !== undefined && Number.isInteger(event.exit) && Math.abs(event.exit) <= 0x7fffffff
    ? String(event.exit)
    : '';
  // The resolution only means something next to a duration, as in src/spool.rs.
  const resolution = duration !== '' ? intField(event.resolutionUs) : '';
  const flags = event.truncated === true ? 't' : '';
  let truncated = event.truncated === true;

  const fixed: Buffer[] = [Buffer.from(`1\t${start}\t${duration}\t${exit}\t${resolution}\t${flags}`, 'latin1')];
  for (const [text, cap] of [
    [event.shell, MAX_SHELL_BYTES],
    [event.session, MAX_SESSION_BYTES],
  ] as const) {
    let field = escapeField(text);
    if (field.length > cap) {
      field = cutEscaped(field, cap);
      truncated = true;
    }
    fixed.push(Buffer.from('\t'), field);
  }
  fixed.push(Buffer.from('\t'));
  const head = Buffer.concat(fixed);

  let cwd = escapeField(event.cwd ?? '');
  let command = escapeField(event.command);
  // Budget: the head so far, cwd, command, one TAB, the LF, and a `t` flag added below.
  const budget = Math.max(0, MAX_LINE_BYTES - (head.length + 3));
  if (cwd.length > Math.floor(budget / 4) && cwd.length + command.length > budget) {
    cwd = cutEscaped(cwd, Math.floor(budget / 4));
    truncated = true;
  }
  if (cwd.length + command.length > budget) {
    command = cutEscaped(command, Math.max(0, budget - cwd.length));
    truncated = true;
  }
  let headOut = head;
  if (truncated && event.truncated !== true) {
    // The flags field sits right before the TAB that precedes the shell field.
    const flagsAt = Buffer.byteLength(`1\t${start}\t${duration}\t${exit}\t${resolution}\t`, 'latin1');
    headOut = Buffer.concat([head.subarray(0, flagsAt), Buffer.from('t'), head.subarray(flagsAt)]);
  }
  return Buffer.concat([headOut, cwd, Buffer.from('\t'), command, Buffer.from('\n')]);
}
