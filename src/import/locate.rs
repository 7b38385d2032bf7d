//! Where each history lives when no path is given, read from the environment once.
//!
//! - zsh: `$HISTFILE`, `~/.zsh_history`, `~/.histfile`, `~/.zhistory` (prezto)
//! - bash: `$HISTFILE`, `~/.bash_history`
//! - fish: `$XDG_DATA_HOME/fish/fish_history` (default `~/.local/share`, also on macOS,
//!   as fish does)
//! - atuin: `$ATUIN_DB_PATH`, `$XDG_DATA_HOME/atuin/history.db`
//! - zsh-histdb: `$HISTDB_FILE`, `~/.histdb/zsh-history.db`
//!
//! `$HISTFILE` is only set in the environment when someone exported it, and bash and zsh
//! both use the name; a `$HISTFILE` whose first entry is plainly the other shell's format
//! (`#<epoch>` lines for bash, `: <epoch>:<elapsed>;` for zsh) is passed over.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Kind;

/// The variables the default paths depend on.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub home: Option<PathBuf>,
    pub histfile: Option<PathBuf>,
    pub xdg_data_home: Option<PathBuf>,
    pub atuin_db_path: Option<PathBuf>,
    pub histdb_file: Option<PathBuf>,
}

impl Env {
    /// This process's environment. Empty variables count as unset.
    pub fn from_process() -> Env {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Env {
            home: var("HOME").or_else(dirs::home_dir),
            histfile: var("HISTFILE"),
            // The XDG spec says relative values are to be ignored.
            xdg_data_home: var("XDG_DATA_HOME").filter(|p| p.is_absolute()),
            atuin_db_path: var("ATUIN_DB_PATH"),
            histdb_file: var("HISTDB_FILE"),
        }
    }

    fn in_home(&self, rest: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|h| h.join(rest))
    }

    fn data_home(&self) -> Option<PathBuf> {
        self.xdg_data_home
            .clone()
            .or_else(|| self.in_home(".local/share"))
    }
}

/// Where `kind`'s history may be, most specific first.
pub fn candidates(kind: Kind, env: &Env) -> Vec<PathBuf> {
    let mut list: Vec<Option<PathBuf>> = Vec::new();
    match kind {
        Kind::Zsh => {
            list.push(env.histfile.clone());
            list.push(env.in_home(".zsh_history"));
            list.push(env.in_home(".histfile"));
            list.push(env.in_home(".zhistory"));
        }
        Kind::Bash => {
            list.push(env.histfile.clone());
            list.push(env.in_home(".bash_history"));
        }
        Kind::Fish => list.push(env.data_home().map(|d| d.join("fish/fish_history"))),
        Kind::Atuin => {
            list.push(env.atuin_db_path.clone());
            list.push(env.data_home().map(|d| d.join("atuin/history.db")));
        }
        Kind::ZshHistdb => {
            list.push(env.histdb_file.clone());
            list.push(env.in_home(".histdb/zsh-history.db"));
        }
    }
    let mut out: Vec<PathBuf> = Vec::new();
    for path in list.into_iter().flatten() {
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The first candidate that exists and may be `kind`'s history.
pub fn pick(kind: Kind, candidates: &[PathBuf], env: &Env) -> Option<PathBuf> {
    candidates
        .iter()
        .find(|path| {
            path.is_file()
                && !(env.histfile.as_deref() == Some(path.as_path())
                    && sniff(path).is_some_and(|found| found != kind))
        })
        .cloned()
}

/// What the first non-blank line of a text history says about its format, if anything.
pub fn sniff(path: &Path) -> Option<Kind> {
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    let first = head
        .split(|&b| b == b'\n')
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))?;
    let digit_at = |i: usize| first.get(i).is_some_and(u8::is_ascii_digit);
    if first.starts_with(b": ") && digit_at(2) {
        Some(Kind::Zsh)
    } else if first.starts_with(b"#") && digit_at(1) {
        Some(Kind::Bash)
    } else if first.starts_with(b"- cmd:") {
        Some(Kind::Fish)
    } else {
        None
    }
}

/// Every kind whose default history exists, richest first (the order `auto` imports
/// in), each file once.
pub fn found(env: &Env) -> Vec<(Kind, PathBuf)> {
    let mut found: Vec<(Kind, PathBuf)> = Vec::new();
    for kind in Kind::RICHEST_FIRST {
        let Some(path) = pick(kind, &candidates(kind, env), env) else {
            continue;
        };
        let same = |p: &PathBuf| canonical(p) == canonical(&path);
        if !found.iter().any(|(_, p)| same(p)) {
            found.push((kind, path));
        }
    }
    found
}

fn canonical(path: &Path) -> OsString {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .into_os_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(home: &Path) -> Env {
        Env {
            home: Some(home.to_owned()),
            ..Env::default()
        }
    }

    #[test]
    fn defaults_follow_each_tool() {
        let home = Path::new("/home/u");
        let e = env(home);
        assert_eq!(
            candidates(Kind::Zsh, &e),
            [".zsh_history", ".histfile", ".zhistory"].map(|f| home.join(f))
        );
        assert_eq!(candidates(Kind::Bash, &e), [home.join(".bash_history")]);
        assert_eq!(
            candidates(Kind::Fish, &e),
            [home.join(".local/share/fish/fish_history")]
        );
        assert_eq!(
            candidates(Kind::Atuin, &e),
            [home.join(".local/share/atuin/history.db")]
        );
        assert_eq!(
            candidates(Kind::ZshHistdb, &e),
            [home.join(".histdb/zsh-history.db")]
        );
        let e = Env {
            histfile: Some("/h/hist".into()),
            xdg_data_home: Some("/data".into()),
            atuin_db_path: Some("/a.db".into()),
            histdb_file: Some("/h.db".into()),
            ..env(home)
        };
        assert_eq!(candidates(Kind::Zsh, &e)[0], Path::new("/h/hist"));
        assert_eq!(candidates(Kind::Bash, &e)[0], Path::new("/h/hist"));
        assert_eq!(
            candidates(Kind::Fish, &e),
            [Path::new("/data/fish/fish_history")]
        );
        assert_eq!(
            candidates(Kind::Atuin, &e),
            [Path::new("/a.db"), Path::new("/data/atuin/history.db")]
        );
        assert_eq!(candidates(Kind::ZshHistdb, &e)[0], Path::new("/h.db"));
    }

    #[test]
    fn an_exported_histfile_of_the_other_shell_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let bash_file = home.join("bash-hist");
        std::fs::write(&bash_file, "#1700000000\nls\n").unwrap();
        std::fs::write(home.join(".zsh_history"), ": 1700000000:0;ls\n").unwrap();
        let e = Env {
            histfile: Some(bash_file.clone()),
            ..env(home)
        };
        assert_eq!(
            pick(Kind::Zsh, &candidates(Kind::Zsh, &e), &e),
            Some(home.join(".zsh_history"))
        );
        assert_eq!(
            pick(Kind::Bash, &candidates(Kind::Bash, &e), &e),
            Some(bash_file)
        );
        assert_eq!(sniff(&home.join(".zsh_history")), Some(Kind::Zsh));
    }

    #[test]
    fn found_lists_existing_histories_richest_first_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        std::fs::write(home.join(".zsh_history"), ": 1700000000:0;ls\n").unwrap();
        std::fs::create_dir_all(home.join(".local/share/atuin")).unwrap();
        std::fs::write(home.join(".local/share/atuin/history.db"), b"").unwrap();
        // A plain history exported as HISTFILE could be either shell's: it is listed once.
        let plain = home.join("plain");
        std::fs::write(&plain, "ls\n").unwrap();
        let e = Env {
            histfile: Some(plain.clone()),
            ..env(home)
        };
        assert_eq!(
            found(&e),
            [
                (Kind::Atuin, home.join(".local/share/atuin/history.db")),
                (Kind::Zsh, plain),
            ]
        );
        assert!(found(&env(&home.join("nowhere"))).is_empty());
    }
}
