//! `worthit log`: recorded events, newest first, as text or JSON Lines.
//!
//! The JSON Lines schema is a stable contract documented in `docs/log-json.md`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Local, SecondsFormat, Utc};
use serde::Serialize;

use super::Run;
use crate::cli::LogArgs;
use crate::config::{Config, Paths};
use crate::store::{Store, StoredEvent};

/// One line of `worthit log --json`.
#[derive(Debug, Serialize)]
pub struct LogLine<'a> {
    /// RFC 3339, UTC, milliseconds.
    pub start: String,
    pub duration_ms: Option<f64>,
    pub duration_resolution_ms: Option<f64>,
    pub exit: Option<i32>,
    pub cwd: Option<&'a str>,
    pub command: &'a str,
    pub truncated: bool,
    pub shell: &'a str,
    pub session: &'a str,
    pub repo: Option<&'a str>,
    pub source: String,
}

impl<'a> LogLine<'a> {
    pub fn from_stored(stored: &'a StoredEvent) -> LogLine<'a> {
        let e = &stored.event;
        LogLine {
            start: utc(e.start_us).to_rfc3339_opts(SecondsFormat::Millis, true),
            duration_ms: e.duration_us.map(|us| us as f64 / 1000.0),
            duration_resolution_ms: e.duration_resolution_us.map(|us| us as f64 / 1000.0),
            exit: e.exit,
            cwd: e.cwd.as_deref(),
            command: &e.command,
            truncated: e.truncated,
            shell: &e.shell,
            session: &e.session,
            repo: stored.repo.as_deref(),
            source: e.source.to_string(),
        }
    }
}

fn utc(start_us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(start_us).unwrap_or_default()
}

impl Run for LogArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let config = Config::load();
        config.print_warnings();
        crate::ingest::before_read(&paths, &config);
        let store = Store::open(&paths.database())?;
        let events = store.recent_events((self.limit > 0).then_some(self.limit))?;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for stored in &events {
            if self.json {
                serde_json::to_writer(&mut out, &LogLine::from_stored(stored))?;
                out.write_all(b"\n")?;
            } else {
                write_text(&mut out, stored)?;
            }
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    }
}

fn write_text(out: &mut impl Write, stored: &StoredEvent) -> std::io::Result<()> {
    let e = &stored.event;
    let when = utc(e.start_us)
        .with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S");
    let took = match e.duration_us {
        Some(us) => format_duration(us),
        None => "?".to_string(),
    };
    let exit = match e.exit {
        Some(0) => "ok".to_string(),
        Some(code) => format!("exit {code}"),
        None => "-".to_string(),
    };
    // One event per line even for multi-line commands.
    let command = e.command.replace('\n', "⏎");
    let marker = if e.truncated { " […]" } else { "" };
    writeln!(out, "{when}  {took:>8}  {exit:>8}  {command}{marker}")
}

/// 0.4ms, 42.0ms, 3.104s, 12.3s, 2m05s, 1h02m: short and readable by eye.
pub fn format_duration(us: i64) -> String {
    let secs = us as f64 / 1e6;
    if secs < 1.0 {
        format!("{:.1}ms", us as f64 / 1e3)
    } else if secs < 10.0 {
        format!("{secs:.3}s")
    } else if secs < 60.0 {
        format!("{secs:.1}s")
    } else if secs < 3600.0 {
        format!("{}m{:02}s", (secs / 60.0) as i64, (secs % 60.0) as i64)
    } else {
        format!(
            "{}h{:02}m",
            (secs / 3600.0) as i64,
            ((secs % 3600.0) / 60.0) as i64
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(420), "0.4ms");
        assert_eq!(format_duration(42_000), "42.0ms");
        assert_eq!(format_duration(3_104_000), "3.104s");
        assert_eq!(format_duration(12_340_000), "12.3s");
        assert_eq!(format_duration(125_000_000), "2m05s");
        assert_eq!(format_duration(3_720_000_000), "1h02m");
    }
}
