// Where the extension writes, and whether it writes at all: the data directory from the
// `worthit.home` setting, `WORTHIT_HOME` or the platform default (the same rules as the
// binary's src/config.rs), and the `WORTHIT_DISABLE` switch the shell hooks honour.
// No vscode import: the caller passes the setting in.

import * as path from 'node:path';

/** What the data directory depends on, passed in so tests need no real environment. */
export interface HomeInputs {
  /** The `worthit.home` setting; empty or undefined = not set. */
  setting?: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  /** The user's home directory. */
  homedir: string;
}

/** The worthit data directory (holds `spool/`), or undefined when none can be found. */
export function resolveHome(inputs: HomeInputs): string | undefined {
  const setting = inputs.setting?.trim();
  if (setting) {
    return expandTilde(setting, inputs.homedir);
  }
  const fromEnv = inputs.env.WORTHIT_HOME;
  if (fromEnv) {
    return fromEnv;
  }
  return defaultHome(inputs);
}

/** The spool directory inside a data directory. */
export function spoolDir(home: string): string {
  return path.join(home, 'spool');
}

/**
 * True when recording is switched off: `WORTHIT_DISABLE` set to anything but empty or
 * `0`, exactly as the shell hooks read it.
 */
export function isDisabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.WORTHIT_DISABLE;
  return value !== undefined && value !== '' && value !== '0';
}

function expandTilde(dir: string, homedir: string): string {
  if (dir === '~') {
    return homedir;
  }
  if (dir.startsWith('~/')) {
    return path.join(homedir, dir.slice(2));
  }
  return dir;
}

// The `dirs` crate's data_dir, which the binary uses: XDG_DATA_HOME only when absolute.
function defaultHome(inputs: HomeInputs): string | undefined {
  switch (inputs.platform) {
    case 'darwin':
      return inputs.homedir ? path.join(inputs.homedir, 'Library', 'Application Support', 'worthit') : undefined;
    case 'win32': {
      const appData = inputs.env.APPDATA;
      return appData ? path.win32.join(appData, 'worthit') : undefined;
    }
    default: {
      const xdg = inputs.env.XDG_DATA_HOME;
      if (xdg && path.isAbsolute(xdg)) {
        return path.join(xdg, 'worthit');
      }
      return inputs.homedir ? path.join(inputs.homedir, '.local', 'share', 'worthit') : undefined;
    }
  }
}
