//! Every command-line flag in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Find the slow micro feedback loops in your day, and whether they are worth fixing.
///
/// Record with `eval "$(worthit init bash)"` (or zsh; `worthit init fish | source`),
/// then see what you ran with `worthit log`.
#[derive(Debug, Parser)]
#[command(name = "worthit", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the shell hook to load in your shell's rc file.
    ///
    /// bash: eval "$(worthit init bash)"   zsh: eval "$(worthit init zsh)"
    /// fish: worthit init fish | source
    Init(InitArgs),
    /// Move recorded commands from the spool into the database (runs automatically
    /// before any command that reads data).
    Ingest(IngestArgs),
    /// Show recorded events, newest first.
    Log(LogArgs),
    /// Import existing shell history so day one already shows something real.
    Import(ImportArgs),
    /// Check that recording works and say what to do about each problem.
    Doctor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The shell to print the hook for.
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Print nothing but warnings.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Print JSON Lines (one object per event; schema in docs/log-json.md).
    #[arg(long)]
    pub json: bool,
    /// Show at most N events (0 = all).
    #[arg(long, short = 'n', default_value_t = 50, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    /// Every history below that exists at its default path.
    Auto,
    /// zsh history (EXTENDED_HISTORY `: start:elapsed;cmd` lines, or plain).
    Zsh,
    /// bash history with HISTTIMEFORMAT `#epoch` lines.
    Bash,
    /// fish's fish_history.
    Fish,
    /// atuin's history.db (SQLite).
    Atuin,
    /// zsh-histdb's zsh-history.db (SQLite).
    ZshHistdb,
}

impl ImportKind {
    pub fn name(self) -> &'static str {
        match self {
            ImportKind::Auto => "auto",
            ImportKind::Zsh => "zsh",
            ImportKind::Bash => "bash",
            ImportKind::Fish => "fish",
            ImportKind::Atuin => "atuin",
            ImportKind::ZshHistdb => "zsh-histdb",
        }
    }
}

/// Shown after `worthit import --help`.
const IMPORT_AFTER_HELP: &str = "Importing again adds nothing, and commands a hook already \
recorded are skipped; formats and rules: docs/import.md.

Default paths: zsh $HISTFILE, ~/.zsh_history, ~/.histfile, ~/.zhistory; bash $HISTFILE, \
~/.bash_history; fish $XDG_DATA_HOME/fish/fish_history; atuin $ATUIN_DB_PATH, \
$XDG_DATA_HOME/atuin/history.db; zsh-histdb $HISTDB_FILE, ~/.histdb/zsh-history.db \
(XDG_DATA_HOME defaults to ~/.local/share).";

#[derive(Debug, clap::Args)]
#[command(after_help = IMPORT_AFTER_HELP)]
pub struct ImportArgs {
    /// Which history format to read (`auto`: every one found at its default path).
    pub kind: ImportKind,
    /// History file (default: the format's usual location; not with `auto`).
    pub path: Option<PathBuf>,
    /// Print nothing but warnings and errors: no progress bar, no summary.
    #[arg(long, short)]
    pub quiet: bool,
}
