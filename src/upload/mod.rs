//! The opt-in uploader: builds privacy-safe daily aggregates from the rollups and sends
//! them to a team server (`worthit serve`). Off until the user enables it.
//!
//! - [`payload`]: the wire format, shared with the server.
//! - [`settings`]: on/off, server, token, progress (`upload.json`, mode 0600).
//! - [`build`]: rollups → payload, with every privacy rule applied.
//! - [`send`]: one HTTP attempt and its verdict.
//! - [`nominate`]: "please make this faster": one action's aggregate and a note.
//! - [`fixes`]: the server's list of fixed actions, cached for `compare`, the TUI and
//!   the digest.
//!
//! Days are sent from the day after the last complete day the server accepted, through
//! today; today is sent again next time (a re-send replaces a day on the server). Each
//! payload sent is appended, byte for byte, to `upload-log.jsonl` for the user to audit.
//! Other commands start a detached `worthit upload --background` when an upload is due,
//! so a slow or broken server never holds up the shell or the TUI.

pub mod build;
pub mod fixes;
pub mod nominate;
pub mod payload;
pub mod send;
pub mod settings;

use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Paths};
use crate::store::Store;
use build::Builder;
use payload::{MAX_DAYS, MachineClass};
use send::Outcome;
use settings::Settings;

/// How often other commands start a background upload at most.
pub const BACKGROUND_EVERY_SECS: i64 = 3600;

/// One payload ready to go: the exact bytes, and the days it covers.
#[derive(Debug, Clone)]
pub struct Batch {
    pub body: Vec<u8>,
    pub first_day: i32,
    pub last_day: i32,
    pub rows: usize,
}

/// The payloads for every day not yet accepted, oldest first.
pub fn pending_batches(
    store: &Store,
    settings: &Settings,
    machine: MachineClass,
    today: i32,
) -> Result<Vec<Batch>> {
    let first = settings
        .acked_through
        .map_or(today - build::FIRST_UPLOAD_DAYS + 1, |day| day + 1)
        .max(today - 365);
    let mut builder = Builder::new(settings, machine);
    let mut batches = Vec::new();
    let mut from = first;
    while from <= today {
        let to = (from + MAX_DAYS as i32 - 1).min(today);
        if let Some(upload) = builder.build(store, from, to)? {
            // Sent pretty-printed so that `--dry-run` shows exactly the bytes sent.
            let mut body = serde_json::to_vec_pretty(&upload)?;
            body.push(b'\n');
            batches.push(Batch {
                body,
                first_day: from,
                last_day: to,
                rows: upload.days.iter().map(|d| d.actions.len()).sum(),
            });
        }
        from = to + 1;
    }
    Ok(batches)
}

/// What an upload run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub sent: usize,
    pub rows: usize,
    /// Set when the run stopped early: why, and whether it will be retried.
    pub problem: Option<String>,
}

/// One entry of the local audit log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub server: String,
    /// `sent (200)`, `retry: …` or `rejected (422): …`.
    pub result: String,
    /// The exact JSON sent (before gzip).
    pub body: String,
    /// What was sent; absent in the log means an upload (the log predates nominations).
    #[serde(default, skip_serializing_if = "LogKind::is_upload")]
    pub kind: LogKind,
}

/// What an audit log entry sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    /// Daily aggregates to `/api/v1/uploads`.
    #[default]
    Upload,
    /// A nomination to `/api/v1/nominations`.
    Nomination,
}

impl LogKind {
    fn is_upload(&self) -> bool {
        *self == LogKind::Upload
    }
}

pub fn log_path(paths: &Paths) -> PathBuf {
    paths.home.join("upload-log.jsonl")
}

/// The audit log, oldest first; unreadable lines are skipped.
pub fn read_log(paths: &Paths) -> Result<Vec<LogEntry>> {
    let text = match std::fs::read_to_string(log_path(paths)) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).context("could not read the upload log"),
    };
    Ok(text
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect())
}

pub(crate) fn append_log(paths: &Paths, entry: &LogEntry) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = log_path(paths);
    // Keep the log bounded: past 16 MB, the older half of the history moves aside.
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 16 << 20) {
        let _ = std::fs::rename(&path, path.with_extension("jsonl.1"));
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("could not write {}", path.display()))?;
    let mut line = serde_json::to_vec(entry)?;
    line.push(b'\n');
    file.write_all(&line)?;
    Ok(())
}

/// Holds `upload.lock` so two uploads never run at once; `None` if another has it.
fn try_lock(paths: &Paths) -> Result<Option<File>> {
    try_lock_file(&paths.home.join("upload.lock"))
}

/// Holds an exclusive lock on `path` (created if missing) until the file is dropped;
/// `None` if another process holds it.
pub(crate) fn try_lock_file(path: &std::path::Path) -> Result<Option<File>> {
    let file = File::create(path).with_context(|| format!("could not open {}", path.display()))?;
    // SAFETY: flock on a descriptor we own; released when the file is closed.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    Ok((rc == 0).then_some(file))
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Sends every pending day now, updating the settings after each batch.
pub fn run(paths: &Paths, store: &Store, settings: &mut Settings, today: i32) -> Result<RunReport> {
    let mut report = RunReport::default();
    let Some(_lock) = try_lock(paths)? else {
        report.problem = Some("another upload is running".into());
        return Ok(report);
    };
    let batches = pending_batches(store, settings, build::this_machine(), today)?;
    for batch in batches {
        let outcome = send::send(settings, &batch.body);
        let result = match &outcome {
            Outcome::Sent { status, .. } => format!("sent ({status})"),
            Outcome::Retry { reason, .. } => format!("retry: {reason}"),
            Outcome::Rejected { status, message } => format!("rejected ({status}): {message}"),
        };
        append_log(
            paths,
            &LogEntry {
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                server: settings.server.clone(),
                result: result.clone(),
                body: String::from_utf8_lossy(&batch.body).into_owned(),
                kind: LogKind::Upload,
            },
        )?;
        settings.last_result = Some(format!(
            "{}: {result}",
            chrono::Local::now().format("%Y-%m-%d %H:%M")
        ));
        match outcome {
            Outcome::Sent { .. } => {
                report.sent += 1;
                report.rows += batch.rows;
                settings.failures = 0;
                settings.next_attempt_at = 0;
                settings.last_success_at = Some(now_secs());
                // Today is still filling up: only complete days count as done.
                settings.acked_through = Some(batch.last_day.min(today - 1));
                settings.save(paths)?;
            }
            Outcome::Retry { reason, after } => {
                let mut random = [0u8; 8];
                let _ = getrandom::fill(&mut random);
                let wait = after.unwrap_or_else(|| {
                    send::backoff(settings.failures, u64::from_le_bytes(random))
                });
                settings.failures = settings.failures.saturating_add(1);
                settings.next_attempt_at = now_secs() + wait.as_secs() as i64;
                settings.save(paths)?;
                report.problem = Some(format!(
                    "{reason}; will try again after {}",
                    crate::units::duration(wait.as_secs_f64())
                ));
                return Ok(report);
            }
            Outcome::Rejected { status, message } => {
                // The same bytes would be refused again: wait a day (or a fixed server).
                settings.failures = settings.failures.saturating_add(1);
                settings.next_attempt_at = now_secs() + 86_400;
                settings.save(paths)?;
                report.problem = Some(format!(
                    "the server refused the upload ({status}): {message}"
                ));
                return Ok(report);
            }
        }
    }
    if report.sent == 0 {
        settings.last_result = Some(format!(
            "{}: nothing new to send",
            chrono::Local::now().format("%Y-%m-%d %H:%M")
        ));
        settings.save(paths)?;
    }
    // The server answered: a good moment to learn which fixes landed. Best effort only.
    fixes::refresh(paths, settings);
    Ok(report)
}

/// Starts a detached `worthit upload --background` when uploading is on, allowed, and
/// due. Never waits for it and never fails the calling command.
///
/// The weekly digest rides along: it is written here, at most once per ISO week and only
/// when the user turned it on, so a shell can print it at start-up without computing.
pub fn maybe_start_background(paths: &Paths, config: &Config) {
    crate::digest::precompute_if_due(paths);
    let Ok(Some(settings)) = Settings::load(paths) else {
        return;
    };
    let env = |name: &str| std::env::var(name).ok();
    if !settings.enabled || settings::vetoed(&env, config.upload_allow_ci).is_some() {
        return;
    }
    let now = now_secs();
    let recent = settings
        .last_success_at
        .is_some_and(|at| now - at < BACKGROUND_EVERY_SECS);
    if now < settings.next_attempt_at || recent {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    use std::os::unix::process::CommandExt;
    let child = std::process::Command::new(exe)
        .args(["upload", "--background"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        // Its own process group: a Ctrl-C in the shell is not meant for it.
        .process_group(0)
        .spawn();
    if let Ok(mut child) = child {
        // Reaped here if this command outlives it (the TUI); otherwise init adopts it.
        std::thread::spawn(move || child.wait());
    }
}
