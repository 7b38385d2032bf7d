//! Where worthit keeps its data, and the optional TOML config.
//!
//! Environment variables (each read by exactly one function here):
//! - `WORTHIT_HOME`: data directory (default: `$XDG_DATA_HOME/worthit`, i.e.
//!   `~/.local/share/worthit`). Holds `spool/` and `worthit.db`.
//! - `WORTHIT_CONFIG`: config file (default: `$XDG_CONFIG_HOME/worthit/config.toml`).
//!
//! A bad config never stops anything: every problem becomes a warning naming the file,
//! line and key, and that key falls back to its default.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use regex::Regex;

/// The data directory layout.
#[derive(Debug, Clone)]
pub struct Paths {
    pub home: PathBuf,
}

impl Paths {
    /// Resolves the data directory from `WORTHIT_HOME` or the XDG data dir.
    pub fn from_env() -> Result<Paths> {
        let home = match std::env::var_os("WORTHIT_HOME").filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => dirs::data_dir()
                .context("cannot find a data directory: set WORTHIT_HOME or HOME")?
                .join("worthit"),
        };
        Ok(Paths { home })
    }

    pub fn at(home: impl Into<PathBuf>) -> Paths {
        Paths { home: home.into() }
    }

    /// Where hooks append their lines.
    pub fn spool_dir(&self) -> PathBuf {
        self.home.join("spool")
    }

    /// The SQLite database.
    pub fn database(&self) -> PathBuf {
        self.home.join("worthit.db")
    }

    /// Creates the data and spool directories (private to the user).
    pub fn ensure(&self) -> Result<()> {
        for dir in [self.home.clone(), self.spool_dir()] {
            create_private_dir(&dir)?;
        }
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("could not create directory {}", dir.display()))
}

/// The config file's location (it need not exist).
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os("WORTHIT_CONFIG").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::config_dir().map(|dir| dir.join("worthit").join("config.toml")),
    }
}

/// One problem found in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}; using the default", self.message)
    }
}

/// Settings from the config file, already validated.
#[derive(Debug, Default)]
pub struct Config {
    /// Commands matching any of these are not stored (`[record] ignore`).
    pub ignore: Vec<Regex>,
    /// Extra secret patterns for the redactor (`[redact] patterns`).
    pub redact_patterns: Vec<String>,
    /// Problems found while reading; each command that reads the config prints them.
    pub warnings: Vec<ConfigWarning>,
}

impl Config {
    /// Loads the config from its usual place; a missing file means defaults.
    pub fn load() -> Config {
        match config_path() {
            Some(path) => Config::load_from(&path),
            None => Config::default(),
        }
    }

    pub fn load_from(path: &Path) -> Config {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(path, &text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(err) => Config {
                warnings: vec![ConfigWarning {
                    file: path.to_owned(),
                    line: None,
                    key: None,
                    message: format!("could not read it ({err})"),
                }],
                ..Config::default()
            },
        }
    }

    /// Parses config text, collecting a warning for every bad key.
    pub fn parse(path: &Path, text: &str) -> Config {
        let mut config = Config::default();
        let warn = |config: &mut Config, key: Option<&str>, message: String| {
            let line = key.and_then(|k| line_of_key(text, k));
            config.warnings.push(ConfigWarning {
                file: path.to_owned(),
                line,
                key: key.map(str::to_owned),
                message,
            });
        };
        let table: toml::Table = match text.parse() {
            Ok(table) => table,
            Err(err) => {
                let line = err.span().map(|span| line_at(text, span.start));
                config.warnings.push(ConfigWarning {
                    file: path.to_owned(),
                    line,
                    key: None,
                    message: format!("not valid TOML ({})", err.message()),
                });
                return config;
            }
        };
        for (section, value) in &table {
            let Some(entries) = value.as_table() else {
                warn(&mut config, Some(section), "expected a [section]".into());
                continue;
            };
            for (key, value) in entries {
                let full = format!("{section}.{key}");
                let target = match (section.as_str(), key.as_str()) {
                    ("record", "ignore") => PatternKey::Ignore,
                    ("redact", "patterns") => PatternKey::Redact,
                    _ => {
                        warn(&mut config, Some(&full), "unknown key".into());
                        continue;
                    }
                };
                let Some(patterns) = string_list(value) else {
                    warn(
                        &mut config,
                        Some(&full),
                        "expected a list of strings".into(),
                    );
                    continue;
                };
                for (i, pattern) in patterns.into_iter().enumerate() {
                    match (Regex::new(&pattern), target) {
                        (Ok(re), PatternKey::Ignore) => config.ignore.push(re),
                        (Ok(_), PatternKey::Redact) => config.redact_patterns.push(pattern),
                        (Err(err), _) => warn(
                            &mut config,
                            Some(&full),
                            format!("pattern {} is not a valid regex: {err}", i + 1),
                        ),
                    }
                }
            }
        }
        config
    }

    /// Prints every warning to stderr.
    pub fn print_warnings(&self) {
        for warning in &self.warnings {
            eprintln!("worthit: warning: {warning}");
        }
    }
}

/// The config's keys, all lists of regular expressions so far.
#[derive(Debug, Clone, Copy)]
enum PatternKey {
    Ignore,
    Redact,
}

fn string_list(value: &toml::Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// 1-based line where `section.key` is assigned, found by scanning the text.
fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let (section, key) = dotted.split_once('.').unwrap_or(("", dotted));
    let mut current = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
            if key.is_empty() || (section == dotted && current == section) {
                return Some(i + 1);
            }
            continue;
        }
        let assigned = line
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if current == section && assigned == key {
            return Some(i + 1);
        }
    }
    // A bad top-level value (`record = 3`) or a section given as a key.
    text.lines()
        .position(|l| l.trim().starts_with(section) && l.contains('='))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::parse(Path::new("/etc/worthit.toml"), text)
    }

    #[test]
    fn good_config() {
        let config = parse("[record]\nignore = ['^ls$']\n[redact]\npatterns = ['corp_[a-z]{8}']\n");
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        assert_eq!(config.ignore.len(), 1);
        assert_eq!(config.redact_patterns, vec!["corp_[a-z]{8}".to_string()]);
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let config = parse("[record]\nignore = [\n\n  'a',, ]\n");
        let warning = config.warnings[0].to_string();
        assert!(
            warning.starts_with("config /etc/worthit.toml:4: not valid TOML"),
            "{warning}"
        );
    }

    #[test]
    fn bad_keys_name_line_and_key_and_keep_the_rest() {
        let text =
            "[record]\nignore = ['(unclosed', '^cd ']\n\n[redact]\npatterns = 3\ncolour = 'x'\n";
        let config = parse(text);
        let warnings: Vec<String> = config.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(config.ignore.len(), 1, "the good pattern is kept");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        for expected in [
            ":2: key `record.ignore`: pattern 1 is not a valid regex",
            ":5: key `redact.patterns`: expected a list of strings",
            ":6: key `redact.colour`: unknown key",
        ] {
            assert!(
                warnings.iter().any(|w| w.contains(expected)),
                "{expected} in {warnings:?}"
            );
        }
    }
}
