//! `worthit doctor`: is recording working, and what to do about each problem.
//!
//! Checks, in order: the config, whether the hook is loaded in the calling shell, the
//! spool (directory, backlog waiting for ingest), the database (path, schema, integrity,
//! size) and when the last event arrived. Exits 1 when something needs attention.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Local, Utc};

use super::Run;
use crate::config::{Config, Paths, config_path};
use crate::store::Store;

pub struct Doctor;

/// One line of the report.
struct Finding {
    ok: bool,
    what: String,
    /// What to do about it (only for problems).
    fix: Option<String>,
}

impl Finding {
    fn ok(what: impl Into<String>) -> Finding {
        Finding {
            ok: true,
            what: what.into(),
            fix: None,
        }
    }

    fn problem(what: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            ok: false,
            what: what.into(),
            fix: Some(fix.into()),
        }
    }
}

impl Run for Doctor {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let mut findings = Vec::new();

        let config = Config::load();
        check_config(&config, &mut findings);
        check_hook(&mut findings);
        check_spool(&paths, &mut findings);
        let report = crate::ingest::run(&paths, &config);
        check_database(&paths, report, &mut findings);

        let mut out = std::io::stdout().lock();
        writeln!(out, "worthit doctor (data in {})", paths.home.display())?;
        for finding in &findings {
            let mark = if finding.ok { "ok " } else { "!! " };
            writeln!(out, "  {mark} {}", finding.what)?;
            if let Some(fix) = &finding.fix {
                writeln!(out, "       → {fix}")?;
            }
        }
        let problems = findings.iter().filter(|f| !f.ok).count();
        if problems == 0 {
            writeln!(out, "everything looks right")?;
            Ok(ExitCode::SUCCESS)
        } else {
            writeln!(out, "{problems} problem(s) found")?;
            Ok(ExitCode::FAILURE)
        }
    }
}

fn check_config(config: &Config, findings: &mut Vec<Finding>) {
    let path = config_path();
    let shown = path
        .as_ref()
        .map_or("(no config directory)".to_string(), |p| {
            p.display().to_string()
        });
    if config.warnings.is_empty() {
        let exists = path.as_ref().is_some_and(|p| p.exists());
        findings.push(Finding::ok(if exists {
            format!("config {shown} is valid")
        } else {
            format!("no config file at {shown} (defaults in use)")
        }));
    }
    for warning in &config.warnings {
        findings.push(Finding::problem(
            warning.to_string(),
            "fix that key (see docs/config.md); recording goes on with defaults meanwhile",
        ));
    }
}

fn check_hook(findings: &mut Vec<Finding>) {
    let shell = std::env::var("SHELL")
        .ok()
        .and_then(|s| s.rsplit('/').next().map(str::to_owned))
        .unwrap_or_else(|| "bash".to_string());
    let init_line = match shell.as_str() {
        "fish" => "add `worthit init fish | source` to ~/.config/fish/config.fish".to_string(),
        "zsh" => "add `eval \"$(worthit init zsh)\"` to ~/.zshrc".to_string(),
        _ => "add `eval \"$(worthit init bash)\"` to ~/.bashrc".to_string(),
    };
    match std::env::var("WORTHIT_SESSION") {
        Ok(session) if !session.is_empty() => {
            if std::env::var("WORTHIT_DISABLE").is_ok_and(|v| v == "1") {
                findings.push(Finding::problem(
                    format!("the hook is loaded (session {session}) but WORTHIT_DISABLE=1 turns recording off"),
                    "unset WORTHIT_DISABLE to record again",
                ));
            } else {
                findings.push(Finding::ok(format!(
                    "the hook is loaded in this shell (session {session})"
                )));
            }
        }
        _ => findings.push(Finding::problem(
            "the hook is not loaded in the shell that ran doctor",
            format!("{init_line}, then open a new shell"),
        )),
    }
}

fn check_spool(paths: &Paths, findings: &mut Vec<Finding>) {
    let spool = paths.spool_dir();
    let meta = match std::fs::metadata(&spool) {
        Ok(meta) => meta,
        Err(_) => {
            findings.push(Finding::problem(
                format!("spool directory {} does not exist", spool.display()),
                "run `worthit init <shell>` once (it creates it), or check WORTHIT_HOME",
            ));
            return;
        }
    };
    // The hook appends as this user; a spool it cannot write to records nothing.
    let writable = can_create_files_in(&spool);
    if !writable {
        findings.push(Finding::problem(
            format!("spool directory {} is not writable", spool.display()),
            format!("chown/chmod it for uid {}", meta.uid()),
        ));
        return;
    }
    let files = crate::ingest::spool_files(&spool).unwrap_or_default();
    let offsets = Store::open(&paths.database())
        .ok()
        .and_then(|store| spool_offsets(&store).ok())
        .unwrap_or_default();
    let mut backlog_bytes = 0u64;
    for file in &files {
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let done = offsets.get(&name).copied().unwrap_or(0);
        backlog_bytes += size.saturating_sub(done);
    }
    findings.push(Finding::ok(format!(
        "spool {}: {} file(s), {} byte(s) waiting for ingest (ingested now)",
        spool.display(),
        files.len(),
        backlog_bytes
    )));
}

fn spool_offsets(store: &Store) -> Result<std::collections::HashMap<String, u64>> {
    let mut stmt = store
        .connection()
        .prepare("SELECT name, offset FROM spool_files")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut map = std::collections::HashMap::new();
    for row in rows {
        let (name, offset) = row?;
        map.insert(name, offset.max(0) as u64);
    }
    Ok(map)
}

/// Whether this process can create files in `dir`, tried for real (permissions alone
/// miss read-only mounts and ACLs).
fn can_create_files_in(dir: &std::path::Path) -> bool {
    let probe = dir.join(format!(".doctor-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

fn check_database(
    paths: &Paths,
    ingest: Result<crate::ingest::IngestReport>,
    findings: &mut Vec<Finding>,
) {
    let db = paths.database();
    match ingest {
        Ok(report) if report.lines_skipped == 0 => {}
        Ok(report) => findings.push(Finding::problem(
            format!(
                "{} malformed spool line(s) skipped during ingest",
                report.lines_skipped
            ),
            format!(
                "nothing else was lost; details: {}",
                report.warnings.first().cloned().unwrap_or_default()
            ),
        )),
        Err(err) => findings.push(Finding::problem(
            format!("ingest failed: {err:#}"),
            "if the database is locked, close other worthit processes; if it is corrupt, move it aside (recording into the spool continues)",
        )),
    }
    let store = match Store::open(&db) {
        Ok(store) => store,
        Err(err) => {
            findings.push(Finding::problem(
                format!("database {} cannot be opened: {err:#}", db.display()),
                format!(
                    "move {} aside and run `worthit ingest`; the spool keeps new commands meanwhile",
                    db.display()
                ),
            ));
            return;
        }
    };
    match store.quick_check() {
        Ok(()) => {
            let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
            let count = store.event_count().unwrap_or(0);
            findings.push(Finding::ok(format!(
                "database {} is healthy (schema {}, {} events, {:.1} MB)",
                db.display(),
                store.user_version().unwrap_or(0),
                count,
                size as f64 / 1e6
            )));
        }
        Err(err) => findings.push(Finding::problem(
            format!(
                "database {} fails its integrity check: {err:#}",
                db.display()
            ),
            "move it aside and run `worthit ingest` to start a new one",
        )),
    }
    match store.last_hook_event_us() {
        Ok(Some(last_us)) => {
            let when = DateTime::<Utc>::from_timestamp_micros(last_us).unwrap_or_default();
            let ago = Utc::now().signed_duration_since(when);
            let age = if ago.num_days() > 0 {
                format!("{} day(s) ago", ago.num_days())
            } else if ago.num_hours() > 0 {
                format!("{} hour(s) ago", ago.num_hours())
            } else {
                format!("{} minute(s) ago", ago.num_minutes().max(0))
            };
            let line = format!(
                "last recorded command finished {} ({age})",
                when.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S")
            );
            if ago.num_days() >= 2 {
                findings.push(Finding::problem(
                    line,
                    "if you have been working, the hook is not recording: check your rc file",
                ));
            } else {
                findings.push(Finding::ok(line));
            }
        }
        Ok(None) => findings.push(Finding::problem(
            "no command recorded by a hook yet",
            "load the hook in your shell rc file, open a new shell and run any command",
        )),
        Err(err) => findings.push(Finding::problem(
            format!("could not read the last event: {err:#}"),
            "run `worthit ingest` to see the error in full",
        )),
    }
}
