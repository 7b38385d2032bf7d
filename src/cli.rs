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
    /// Without a subcommand, worthit opens the TUI (`worthit tui`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the shell hook to load in your shell's rc file, or install the Neovim plugin
    /// and print the Lua that loads it.
    ///
    /// bash: eval "$(worthit init bash)"   zsh: eval "$(worthit init zsh)"
    /// fish: worthit init fish | source    nvim: worthit init nvim >> ~/.config/nvim/init.lua
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
    /// Show how command lines are classified: reads one command per line on stdin (or
    /// takes them as arguments) and prints JSON Lines {"command","action","category","counted"}.
    Classify(ClassifyArgs),
    /// Rank your time sinks: runs/day, median, p90, time per week and what fixing each is
    /// worth over five years (XKCD 1205), as a table, JSON or CSV.
    Report(ReportArgs),
    /// Open the interactive ranking (the default without a subcommand).
    Tui(TuiArgs),
    /// Did a fix pay off? Compare an action's runs before and after a date.
    Compare(CompareArgs),
    /// Share daily aggregates (never commands, paths or names) with your team's server:
    /// off until `worthit upload enable`; `worthit upload --dry-run` shows every byte.
    Upload(UploadArgs),
    /// Run the team server that receives uploads and answers with k-anonymous reports,
    /// or manage its API tokens (`worthit serve token create --team NAME`).
    Serve(ServeArgs),
    /// Ingest the spool as it changes, time edit → feedback (a file save in a repository
    /// to its next build, test or lint) and sample machine load for `worthit report`.
    Watch(WatchArgs),
    /// Ask your team's champions to make a slow loop faster: sends that action's
    /// aggregate (as an upload would) and your note, after showing you every byte.
    Nominate(NominateArgs),
    /// A short weekly summary: top three time sinks, change since last week, fixes that
    /// landed for actions you use; `worthit digest enable` writes it weekly for your shell.
    Digest(DigestArgs),
}

/// Shown after `worthit nominate --help`.
const NOMINATE_AFTER_HELP: &str = "Needs uploading on (`worthit upload enable`). What is \
sent: the last 28 days of this action's aggregates exactly as an upload would send them \
(counts and duration histograms; an action worthit does not know by name is sent only as \
other:<category>), a nominator id that is an HMAC of your local secret and the action, and \
your note (at most 280 characters, one line). The whole request is printed before anything \
is sent; on a terminal you confirm with y, otherwise pass --yes. Exit status 2: uploading \
is off, the note or the action is not usable, or no confirmation. Format: docs/nominate.md.";

#[derive(Debug, clap::Args)]
#[command(after_help = NOMINATE_AFTER_HELP)]
pub struct NominateArgs {
    /// The action key as `worthit report` shows it, or a part of it that names one
    /// action (matched like `report --action`).
    pub action: String,
    /// Why it should be faster, in your words (at most 280 characters, one line).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Print the request and send nothing.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Send without asking (needed when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
}

/// Shown after `worthit digest --help`.
const DIGEST_AFTER_HELP: &str = "With `enable`, commands that read data write the digest \
once per ISO week to $WORTHIT_HOME/digest.txt (plain text, at most 20 lines) for your \
shell to print at start-up; the file's contract is in docs/digest.md.";

#[derive(Debug, clap::Args)]
#[command(after_help = DIGEST_AFTER_HELP)]
pub struct DigestArgs {
    #[command(subcommand)]
    pub command: Option<DigestCommand>,
}

#[derive(Debug, Subcommand)]
pub enum DigestCommand {
    /// Write the digest once a week for the shell to print (off by default).
    Enable,
    /// Stop writing it (and remove one not yet printed).
    Disable,
    /// Whether it is on, where it goes, and the last week it was written.
    Status,
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

/// What `worthit init` sets up: a shell's hook, or the Neovim plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitTarget {
    Bash,
    Zsh,
    Fish,
    /// Installs the plugin into $WORTHIT_HOME/nvim and prints the Lua for init.lua
    /// (docs/editor-hooks.md).
    Nvim,
}

impl InitTarget {
    /// The shell whose hook to print; `None` for an editor.
    pub fn shell(self) -> Option<Shell> {
        match self {
            InitTarget::Bash => Some(Shell::Bash),
            InitTarget::Zsh => Some(Shell::Zsh),
            InitTarget::Fish => Some(Shell::Fish),
            InitTarget::Nvim => None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The shell to print the hook for, or `nvim` for the Neovim plugin.
    pub target: InitTarget,
}

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Print nothing but warnings.
    #[arg(long, short)]
    pub quiet: bool,
    /// Reclassify every stored event and rebuild the per-day rollups from scratch
    /// (happens by itself when classification rules change).
    #[arg(long)]
    pub rebuild: bool,
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

/// Shown after `worthit classify --help`.
const CLASSIFY_AFTER_HELP: &str = "Each output line is {\"command\",\"action\",\"category\",\"counted\"} \
in that order. Categories: build, test, lint, run, deps, vcs, lookup, deploy, container, \
interactive, other; counted is false when the time is not waiting (sessions, pagers, \
editors, prompts). Your [classify] rules from the config apply. Rules and examples: \
docs/classify.md.";

#[derive(Debug, clap::Args)]
#[command(after_help = CLASSIFY_AFTER_HELP)]
pub struct ClassifyArgs {
    /// Command lines to classify; without any, one per line is read from stdin.
    pub commands: Vec<String>,
    /// Classify as recorded by this source (the spool's shell field): `nvim`, `vscode`
    /// and `watch` have their own grammar for editor actions (docs/editor-events.md).
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
}

/// Which data to rank and how; shared by `report` and `tui`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ScopeArgs {
    /// Start of the period: a date (2026-11-01), `today`, `yesterday`, or an age such as
    /// `30d`, `4w` or `6m` [default: 30d].
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Last day of the period (same forms as --since) [default: today].
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only commands run inside this repository: a path (`.` for the current one) or a
    /// repository's directory name.
    #[arg(long, value_name = "REPO")]
    pub repo: Option<String>,
    /// Engineers who run the same loops, for the "across your team" budget
    /// [default: `[report] team_size` in the config, else 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub team_size: Option<u32>,
    /// Budgets in working time (230 days of 8 h a year) instead of calendar time.
    #[arg(long)]
    pub working_time: bool,
    /// Also rank interactive sessions (editors, shells, REPLs, dev servers).
    #[arg(long)]
    pub include_interactive: bool,
}

/// Shown after `worthit report --help`.
const REPORT_AFTER_HELP: &str = "Columns: runs/day (per active day: days with any recorded \
command), median and p90 duration, time per week, and the XKCD 1205 budget: how long you may \
spend making the action faster before, over five years, you spend more than you save \
(5 years × runs per year × seconds saved per run). The table shows the budget for shaving \
half of the median; JSON and CSV carry 10%, 50% and 100%. Definitions and the JSON schema: \
docs/report.md.";

#[derive(Debug, clap::Args)]
#[command(after_help = REPORT_AFTER_HELP)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Only these categories (comma-separated or repeated): build, test, lint, run, deps,
    /// vcs, lookup, deploy, container, interactive, other.
    #[arg(long, value_name = "CATEGORY", value_delimiter = ',')]
    pub category: Vec<String>,
    /// Only actions whose key contains this text (e.g. `cargo`).
    #[arg(long, value_name = "TEXT")]
    pub action: Option<String>,
    /// Show the N biggest time sinks (0: all) [default: 15 on a terminal table, all in
    /// JSON and CSV].
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// A JSON array of objects (schema: docs/report.md).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV with a header row (same fields as JSON, budgets flattened).
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Default, clap::Args)]
pub struct TuiArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The action key as `worthit report` shows it, e.g. "cargo test".
    pub action: String,
    /// The fix landed on this date: the "before" window ends the day before it
    /// [default: the fix date your team's server reported for this action, as cached by
    /// uploads].
    #[arg(long, value_name = "DATE")]
    pub before: Option<String>,
    /// The "after" window starts on this date [default: the --before date].
    #[arg(long, value_name = "DATE")]
    pub after: Option<String>,
    /// Days in each window (the after window stops at today).
    #[arg(long, value_name = "DAYS", default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..))]
    pub window: u32,
    /// Only runs inside this repository (as for `report --repo`).
    #[arg(long, value_name = "REPO")]
    pub repo: Option<String>,
    /// Print JSON (schema: docs/report.md).
    #[arg(long)]
    pub json: bool,
}

/// Shown after `worthit upload --help`.
const UPLOAD_AFTER_HELP: &str = "What is sent, per day × action × machine class: run and \
failure counts and a duration histogram. Action keys only from the built-in list of known \
tools (anything else is sent as other:<category>); repositories as an HMAC of their remote \
URL keyed by your team token; you as a pseudonym that changes every ISO week. Never command \
lines, arguments, paths, host names, user names, branches, or times finer than a day. \
DO_NOT_TRACK=1 or WORTHIT_UPLOAD=0 always turns uploading off; nothing is sent from CI \
unless the config says so. Format: docs/upload-format.md.";

#[derive(Debug, clap::Args)]
#[command(after_help = UPLOAD_AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct UploadArgs {
    #[command(subcommand)]
    pub command: Option<UploadCommand>,
    /// Print the exact JSON that would be sent (pretty-printed) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Internal: the detached run other commands start when an upload is due.
    #[arg(long, hide = true)]
    pub background: bool,
}

#[derive(Debug, Subcommand)]
pub enum UploadCommand {
    /// Turn uploading on.
    Enable(UploadEnableArgs),
    /// Turn uploading off (the local audit log is kept).
    Disable,
    /// Whether uploading is on, where to, what is queued, and the last result.
    Status,
    /// Every payload sent so far, newest first, exactly as sent.
    Log(UploadLogArgs),
}

#[derive(Debug, clap::Args)]
pub struct UploadEnableArgs {
    /// The team server, e.g. https://worthit.example.com
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// Your team's name on that server.
    #[arg(long, value_name = "NAME")]
    pub team: String,
    /// The team token from `worthit serve token create --team NAME`.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "WORTHIT_UPLOAD_TOKEN",
        hide_env_values = true
    )]
    pub token: String,
}

#[derive(Debug, clap::Args)]
pub struct UploadLogArgs {
    /// Show at most N payloads (0 = all).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub limit: usize,
}

/// Shown after `worthit serve --help`.
const SERVE_AFTER_HELP: &str = "Endpoints, tokens, errors, limits, the k-anonymity rule \
and retention: docs/server.md. On start the server prints `worthit serve: listening on \
http://ADDR` to stdout; logs are JSON lines on stderr (filter with WORTHIT_LOG, e.g. \
WORTHIT_LOG=worthit=debug). SIGTERM or Ctrl-C stops it after the requests in flight.";

#[derive(Debug, clap::Args)]
#[command(after_help = SERVE_AFTER_HELP)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    pub listen: std::net::SocketAddr,
    /// Directory of the server's SQLite database (default: $WORTHIT_HOME/server).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Where to store data: a SQLite file path or sqlite://PATH (default:
    /// DIR/worthit-server.db), or postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL
    /// (several instances may share one database).
    #[arg(
        long,
        value_name = "URL",
        env = "WORTHIT_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<DatabaseUrl>,
    /// Hide every cell with fewer than K distinct contributors (at least 3).
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = parse_min_contributors)]
    pub min_contributors: u32,
    /// Delete aggregates older than N days (396 days: about 13 months).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 396,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub retention_days: u32,
    /// Serve Prometheus `GET /metrics` on this address, apart from the API (default: off).
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Requests a minute per token on uploads and reports, with a burst of up to 30; 0 turns
    /// the limit off. Each server instance counts on its own.
    #[arg(long, value_name = "PER_MINUTE", default_value_t = 60)]
    pub rate_limit: u32,
    /// Seconds a client may take to send a request's headers before it is disconnected.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub header_timeout: u64,
}

fn parse_min_contributors(text: &str) -> Result<u32, String> {
    let k: u32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    if k < 3 {
        return Err(format!(
            "{k} is too small: groups of fewer than 3 people are too easy to single out"
        ));
    }
    Ok(k)
}

/// `--database-url`; its `Debug` hides credentials, so settings can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(pub String);

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(DatabaseUrl(text.to_string()))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.split_once("://") {
            Some((scheme, rest)) if rest.contains('@') => {
                let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                write!(f, "DatabaseUrl(\"{scheme}://***@{host}\")")
            }
            _ => write!(f, "DatabaseUrl({:?})", self.0),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Create, list and revoke API tokens (also while the server runs).
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once; only its SHA-256 is stored.
    Create(TokenCreateArgs),
    /// List tokens: prefix, role, team, created and revoked (never the token itself).
    List,
    /// Revoke a token, named by the prefix `token list` prints or by the whole token.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, clap::Args)]
pub struct TokenCreateArgs {
    /// The team the token uploads for and reports on (with --admin: an optional label).
    #[arg(long, value_name = "NAME", required_unless_present = "admin")]
    pub team: Option<String>,
    /// An admin token: reads the org-wide report and every team's, cannot upload.
    #[arg(long)]
    pub admin: bool,
}

#[derive(Debug, clap::Args)]
pub struct TokenRevokeArgs {
    /// `wit_` and at least 4 more characters of the token.
    #[arg(value_name = "PREFIX")]
    pub prefix: String,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("mode").args(["daemon", "stop", "status"]))]
pub struct WatchArgs {
    /// Run in the background: log to $WORTHIT_HOME/watch.log, pid in
    /// $WORTHIT_HOME/watch.pid (only one watch runs at a time).
    #[arg(long)]
    pub daemon: bool,
    /// Stop the running watch.
    #[arg(long)]
    pub stop: bool,
    /// Say whether a watch runs: exit status 0 if it does, 3 if not.
    #[arg(long)]
    pub status: bool,
    /// Also watch this git repository (repeatable); by default watch watches the
    /// repositories commands ran in during the last `--days`.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["stop", "status"])]
    pub repo: Vec<PathBuf>,
    /// Watch the repositories commands ran in during the last N days.
    #[arg(long, value_name = "N", default_value_t = 30, conflicts_with_all = ["stop", "status"])]
    pub days: u32,
    /// Milliseconds between two machine-load samples.
    #[arg(long, hide = true, value_name = "MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(50..))]
    pub sample_interval_ms: u64,
}
