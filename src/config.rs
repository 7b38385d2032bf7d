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
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::classify::{Category, Classifier, UserRule};

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
    /// The user's classification rules (`[classify]`): rules in file order, then tools
    /// and aliases.
    pub classify_rules: Vec<UserRule>,
    /// Engineers for "what if your team does this too" (`[report] team_size`).
    pub team_size: Option<u32>,
    /// Upload even when `CI` is set (`[upload] allow_ci`); off by default.
    pub upload_allow_ci: bool,
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
                    // Read with their positions below, for per-entry lines.
                    ("classify", "tools" | "aliases" | "rule") | ("report", "team_size") => {
                        continue;
                    }
                    ("upload", "allow_ci") => {
                        match value.as_bool() {
                            Some(allow) => config.upload_allow_ci = allow,
                            None => warn(&mut config, Some(&full), "expected true or false".into()),
                        }
                        continue;
                    }
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
        if table.contains_key("classify") || table.contains_key("report") {
            // The plain parse above succeeded, so this one does too.
            if let Ok(doc) = DeTable::parse(text) {
                let mut located = Located {
                    path,
                    text,
                    config: &mut config,
                };
                located.classify(doc.get_ref());
                located.report(doc.get_ref());
            }
        }
        config
    }

    /// The classifier with this config's rules.
    pub fn classifier(&self) -> Classifier {
        Classifier::new(self.classify_rules.clone())
    }

    /// Prints every warning to stderr.
    pub fn print_warnings(&self) {
        for warning in &self.warnings {
            eprintln!("worthit: warning: {warning}");
        }
    }
}

/// Reads the sections whose entries need their own line numbers (`[classify]`,
/// `[report]`) from the position-keeping parse.
struct Located<'c> {
    path: &'c Path,
    text: &'c str,
    config: &'c mut Config,
}

/// Most engineers `team_size` accepts: beyond this it is a typo.
const MAX_TEAM_SIZE: i64 = 10_000_000;

impl Located<'_> {
    fn warn(&mut self, at: usize, key: String, message: String) {
        self.config.warnings.push(ConfigWarning {
            file: self.path.to_owned(),
            line: Some(line_at(self.text, at)),
            key: Some(key),
            message,
        });
    }

    fn classify(&mut self, doc: &DeTable<'_>) {
        let Some(section) = doc.get("classify").and_then(|v| v.get_ref().as_table()) else {
            return;
        };
        if let Some(rules) = section.get("rule") {
            match rules.get_ref() {
                DeValue::Array(list) => {
                    for (i, rule) in list.iter().enumerate() {
                        self.rule(i + 1, rule);
                    }
                }
                DeValue::Table(_) => self.rule(1, rules),
                _ => self.warn(
                    rules.span().start,
                    "classify.rule".into(),
                    "expected [[classify.rule]] tables".into(),
                ),
            }
        }
        for (key, name_of) in [("tools", "category"), ("aliases", "program")] {
            let Some(value) = section.get(key) else {
                continue;
            };
            let Some(entries) = value.get_ref().as_table() else {
                self.warn(
                    value.span().start,
                    format!("classify.{key}"),
                    format!("expected a table of program = {name_of}"),
                );
                continue;
            };
            for (name, value) in entries {
                let full = format!("classify.{key}.{}", name.get_ref());
                let Some(given) = value.get_ref().as_str() else {
                    self.warn(
                        value.span().start,
                        full,
                        format!("expected a {name_of} string"),
                    );
                    continue;
                };
                let rule = match key {
                    "tools" => given
                        .parse::<Category>()
                        .map_err(|err| err.to_string())
                        .and_then(|category| UserRule::tool(name.get_ref(), category)),
                    _ => UserRule::alias(name.get_ref(), given),
                };
                match rule {
                    Ok(rule) => self.config.classify_rules.push(rule),
                    Err(err) => self.warn(value.span().start, full, err),
                }
            }
        }
    }

    /// One `[[classify.rule]]`; a rule with any bad field is skipped whole, since half
    /// a rule would classify lines in a way the user did not ask for.
    fn rule(&mut self, number: usize, rule: &Spanned<DeValue<'_>>) {
        let prefix = format!("classify.rule[{number}]");
        let Some(fields) = rule.get_ref().as_table() else {
            self.warn(rule.span().start, prefix, "expected a table".into());
            return;
        };
        let mut pattern = None;
        let mut action = None;
        let mut category = None;
        let mut counted = None;
        let mut bad = false;
        for (name, value) in fields {
            let key = format!("{prefix}.{}", name.get_ref());
            let at = value.span().start;
            match (name.get_ref().as_ref(), value.get_ref()) {
                ("match", DeValue::String(s)) => pattern = Some(s.as_ref()),
                ("action", DeValue::String(s)) => action = Some(s.as_ref()),
                ("category", DeValue::String(s)) => match s.parse::<Category>() {
                    Ok(c) => category = Some(c),
                    Err(err) => {
                        self.warn(at, key, format!("{err}, so this rule is skipped"));
                        bad = true;
                    }
                },
                ("counted", DeValue::Boolean(b)) => counted = Some(*b),
                ("match" | "action" | "category", _) => {
                    self.warn(at, key, "expected a string, so this rule is skipped".into());
                    bad = true;
                }
                ("counted", _) => {
                    self.warn(
                        at,
                        key,
                        "expected true or false, so this rule is skipped".into(),
                    );
                    bad = true;
                }
                _ => self.warn(name.span().start, key, "unknown key".into()),
            }
        }
        if bad {
            return;
        }
        let Some(pattern) = pattern else {
            self.warn(
                rule.span().start,
                prefix,
                "has no `match` regex, so this rule is skipped".into(),
            );
            return;
        };
        match UserRule::pattern(pattern, action, category, counted) {
            Ok(rule) => self.config.classify_rules.push(rule),
            Err(err) => {
                let field = if err.starts_with("action") {
                    Some("action")
                } else if err.starts_with("sets none") {
                    None
                } else {
                    Some("match")
                };
                let at = field
                    .and_then(|f| fields.get(f))
                    .map_or(rule.span().start, |v| v.span().start);
                let key = field.map_or(prefix.clone(), |f| format!("{prefix}.{f}"));
                self.warn(at, key, format!("{err}, so this rule is skipped"));
            }
        }
    }

    fn report(&mut self, doc: &DeTable<'_>) {
        let Some(value) = doc
            .get("report")
            .and_then(|v| v.get_ref().as_table())
            .and_then(|section| section.get("team_size"))
        else {
            return;
        };
        let size = value
            .get_ref()
            .as_integer()
            .and_then(|n| i64::from_str_radix(n.as_str(), n.radix()).ok());
        match size {
            Some(n) if (1..=MAX_TEAM_SIZE).contains(&n) => {
                self.config.team_size = u32::try_from(n).ok();
            }
            _ => self.warn(
                value.span().start,
                "report.team_size".into(),
                format!("expected a whole number from 1 to {MAX_TEAM_SIZE}"),
            ),
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

    #[test]
    fn classify_rules_tools_and_aliases() {
        let config = parse(concat!(
            "[classify]\n",
            "tools = { mytool = \"build\", deployctl = \"deploy\" }\n",
            "aliases = { k = \"kubectl\" }\n",
            "\n",
            "[[classify.rule]]\n",
            "match = '^\\./scripts/ci\\.sh\\b'\n",
            "action = \"ci.sh\"\n",
            "category = \"test\"\n",
            "\n",
            "[[classify.rule]]\n",
            "match = '^cargo test'\n",
            "counted = false\n",
        ));
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        assert_eq!(config.classify_rules.len(), 5);
        let classifier = config.classifier();
        assert_ne!(
            classifier.fingerprint(),
            Classifier::builtin().fingerprint()
        );
        let check = |command: &str, action: &str, category: Category, counted: bool| {
            let got = classifier.classify(command);
            assert_eq!(
                (got.action.as_str(), got.category, got.counted),
                (action, category, counted),
                "{command}"
            );
        };
        check("./scripts/ci.sh --fast", "ci.sh", Category::Test, true);
        check("cargo test -p x", "cargo test", Category::Test, false);
        check("mytool --all", "mytool", Category::Build, true);
        check("k get pods", "kubectl get", Category::Lookup, true);
    }

    #[test]
    fn a_single_rule_table_is_accepted() {
        let config = parse("[classify.rule]\nmatch = '^x'\ncategory = 'run'\n");
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        assert_eq!(config.classify_rules.len(), 1);
    }

    #[test]
    fn bad_classify_entries_name_line_and_key_and_keep_the_rest() {
        let text = concat!(
            "[classify]\n",                                                      // 1
            "tools = { good = \"test\", bad = \"tests\", \"a/b\" = \"run\" }\n", // 2
            "aliases = 3\n",                                                     // 3
            "colour = 1\n",                                                      // 4
            "\n",                                                                // 5
            "[[classify.rule]]\n",                                               // 6
            "match = '('\n",                                                     // 7
            "category = 'test'\n",                                               // 8
            "\n",                                                                // 9
            "[[classify.rule]]\n",                                               // 10
            "match = '^make e2e'\n",                                             // 11
            "category = 'tset'\n",                                               // 12
            "\n",                                                                // 13
            "[[classify.rule]]\n",                                               // 14
            "action = 'x'\n",                                                    // 15
            "\n",                                                                // 16
            "[[classify.rule]]\n",                                               // 17
            "match = '^ok'\n",                                                   // 18
            "category = 'run'\n",                                                // 19
            "frobnicate = true\n",                                               // 20
            "counted = 'yes'\n",                                                 // 21
            "\n",                                                                // 22
            "[[classify.rule]]\n",                                               // 23
            "match = '^fine'\n",                                                 // 24
            "category = 'lint'\n",                                               // 25
        );
        let config = parse(text);
        let warnings: Vec<String> = config.warnings.iter().map(|w| w.to_string()).collect();
        for expected in [
            ":2: key `classify.tools.bad`: unknown category `tests` (expected one of: build,",
            ":2: key `classify.tools.a/b`: `a/b` is not a program name",
            ":3: key `classify.aliases`: expected a table of program = program",
            ":4: key `classify.colour`: unknown key",
            ":7: key `classify.rule[1].match`: not a valid regex",
            ":12: key `classify.rule[2].category`: unknown category `tset`",
            ":14: key `classify.rule[3]`: has no `match` regex, so this rule is skipped",
            ":20: key `classify.rule[4].frobnicate`: unknown key",
            ":21: key `classify.rule[4].counted`: expected true or false",
        ] {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.starts_with("config /etc/worthit.toml:") && w.contains(expected)),
                "{expected} in {warnings:#?}"
            );
        }
        assert_eq!(warnings.len(), 9, "{warnings:#?}");
        // `good` and the last rule survive.
        assert_eq!(config.classify_rules.len(), 2);
        let classifier = config.classifier();
        assert_eq!(classifier.classify("good").category, Category::Test);
        assert_eq!(classifier.classify("fine").category, Category::Lint);
    }

    #[test]
    fn upload_allow_ci() {
        assert!(!parse("").upload_allow_ci);
        assert!(parse("[upload]\nallow_ci = true\n").upload_allow_ci);
        let config = parse("[upload]\nallow_ci = 'yes'\n");
        assert!(!config.upload_allow_ci);
        assert!(
            config.warnings[0]
                .to_string()
                .contains(":2: key `upload.allow_ci`: expected true or false"),
            "{:?}",
            config.warnings
        );
    }

    #[test]
    fn team_size() {
        assert_eq!(parse("[report]\nteam_size = 130\n").team_size, Some(130));
        assert_eq!(parse("[report]\nteam_size = 0x10\n").team_size, Some(16));
        assert_eq!(parse("").team_size, None);
        for bad in ["0", "-3", "1.5", "'130'", "100000000000"] {
            let config = parse(&format!("[report]\n\nteam_size = {bad}\n"));
            assert_eq!(config.team_size, None, "{bad}");
            let warning = config.warnings[0].to_string();
            assert!(
                warning.starts_with(
                    "config /etc/worthit.toml:3: key `report.team_size`: expected a whole number"
                ),
                "{warning}"
            );
        }
        let unknown = parse("[report]\nteam = 3\n");
        assert!(
            unknown.warnings[0]
                .to_string()
                .contains("key `report.team`: unknown key")
        );
    }
}
