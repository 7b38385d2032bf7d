//! The one record worthit keeps: a finished command (or editor action) with its timing.
//!
//! Everything that produces events (the shell hooks via the spool, the history importers)
//! produces [`Event`]s, and the store persists exactly these fields.

use std::fmt;

/// Where an event came from: a live hook or a history import of some kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// Recorded by a shell or editor hook through the spool.
    Hook,
    /// Imported from an existing history file; the payload is the importer kind
    /// (`zsh`, `bash`, `fish`, `atuin`, `zsh-histdb`).
    Import(String),
}

impl Source {
    /// Parses the stored form (`hook` or `import:<kind>`).
    pub fn parse(s: &str) -> Option<Source> {
        if s == "hook" {
            Some(Source::Hook)
        } else {
            s.strip_prefix("import:")
                .filter(|kind| !kind.is_empty())
                .map(|kind| Source::Import(kind.to_string()))
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Hook => f.write_str("hook"),
            Source::Import(kind) => write!(f, "import:{kind}"),
        }
    }
}

/// A finished command.
///
/// Times are integers in microseconds since the Unix epoch (UTC) so that every producer
/// (bash `EPOCHREALTIME`, fish `CMD_DURATION` in ms, zsh history in whole seconds) fits
/// without loss; `duration_resolution_us` says how fine the duration really is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Start time, microseconds since the Unix epoch (UTC).
    pub start_us: i64,
    /// Wall-clock duration in microseconds; `None` when the source does not know it
    /// (never stored as 0, which would read as "instant").
    pub duration_us: Option<i64>,
    /// Resolution of `duration_us` in microseconds (1 for bash/zsh hooks, 1000 for fish,
    /// 1_000_000 for zsh extended history). `None` when the duration is unknown.
    pub duration_resolution_us: Option<i64>,
    /// Exit status; `None` when unknown (history formats without it).
    pub exit: Option<i32>,
    /// Working directory the command ran in, if known.
    pub cwd: Option<String>,
    /// The command line as typed (multi-line commands keep their newlines).
    pub command: String,
    /// `bash`, `zsh`, `fish`, `nvim`, `vscode`, …
    pub shell: String,
    /// Identifies one shell or editor session.
    pub session: String,
    /// Hook or import.
    pub source: Source,
    /// True when the producer cut the command (or cwd) short to keep a spool line atomic.
    pub truncated: bool,
}
