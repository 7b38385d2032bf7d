//! `worthit upload …`: turn sharing on or off, see its state and its audit log, send now,
//! or show exactly what would be sent.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Run;
use super::scope;
use crate::cli::{UploadArgs, UploadCommand, UploadEnableArgs, UploadLogArgs};
use crate::config::{Config, Paths};
use crate::store::Store;
use crate::upload::settings::{self, Settings};
use crate::upload::{self, build};

impl Run for UploadArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let config = Config::load();
        if !self.background {
            config.print_warnings();
        }
        match &self.command {
            Some(UploadCommand::Enable(args)) => enable(&paths, args),
            Some(UploadCommand::Disable) => disable(&paths),
            Some(UploadCommand::Status) => status(&paths, &config),
            Some(UploadCommand::Log(args)) => log(&paths, args),
            None => self.upload(&paths, &config),
        }
    }
}

fn enable(paths: &Paths, args: &UploadEnableArgs) -> Result<ExitCode> {
    let mut fresh = Settings::new(&args.server, &args.team, &args.token)?;
    if let Some(old) = Settings::load(paths)? {
        // The same server and team: keep the pseudonym secret and the progress, or
        // re-sent days would count twice under a new pseudonym.
        if old.server == fresh.server && old.team == fresh.team {
            fresh.secret = old.secret;
            fresh.acked_through = old.acked_through;
            fresh.last_success_at = old.last_success_at;
            fresh.last_result = old.last_result;
        }
    }
    fresh.save(paths)?;
    println!(
        "Uploading is on: daily aggregates go to {} for team {}.\n\
         Nothing is sent yet; see exactly what would be with `worthit upload --dry-run`, \
         send now with `worthit upload`, or let other worthit commands send in the background \
         (at most hourly). Turn it off with `worthit upload disable`.",
        fresh.server, fresh.team
    );
    Ok(ExitCode::SUCCESS)
}

fn disable(paths: &Paths) -> Result<ExitCode> {
    match Settings::load(paths)? {
        Some(mut settings) if settings.enabled => {
            settings.enabled = false;
            settings.save(paths)?;
            println!(
                "Uploading is off. The log of what was sent stays in {}.",
                upload::log_path(paths).display()
            );
        }
        _ => println!("Uploading is already off."),
    }
    Ok(ExitCode::SUCCESS)
}

fn status(paths: &Paths, config: &Config) -> Result<ExitCode> {
    let Some(settings) = Settings::load(paths)? else {
        println!(
            "Uploading is off (never enabled). Turn it on with `worthit upload enable --server URL --team NAME --token TOKEN`."
        );
        return Ok(ExitCode::SUCCESS);
    };
    let env = |name: &str| std::env::var(name).ok();
    let veto = settings::vetoed(&env, config.upload_allow_ci);
    let state = match (&veto, settings.enabled) {
        (_, false) => "off".to_string(),
        (Some(why), true) => format!("enabled, but off right now: {why}"),
        (None, true) => "on".to_string(),
    };
    println!("uploading     {state}");
    println!("server        {}", settings.server);
    println!("team          {}", settings.team);
    println!("token         {}", settings.masked_token());
    let through = settings
        .acked_through
        .map_or("nothing yet".to_string(), |d| scope::date_of(d).to_string());
    println!("sent through  {through}");
    if settings.next_attempt_at > chrono::Utc::now().timestamp()
        && let Some(at) = chrono::DateTime::from_timestamp(settings.next_attempt_at, 0)
    {
        println!(
            "next attempt  not before {}",
            at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
        );
    }
    if let Some(last) = &settings.last_result {
        println!("last attempt  {last}");
    }
    println!(
        "audit log     {} (`worthit upload log`)",
        upload::log_path(paths).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn log(paths: &Paths, args: &UploadLogArgs) -> Result<ExitCode> {
    let entries = upload::read_log(paths)?;
    if entries.is_empty() {
        println!("Nothing was ever sent.");
        return Ok(ExitCode::SUCCESS);
    }
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for entry in entries.iter().rev().take(limit) {
        writeln!(out, "# {} to {}: {}", entry.at, entry.server, entry.result)?;
        out.write_all(entry.body.as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

impl UploadArgs {
    fn upload(&self, paths: &Paths, config: &Config) -> Result<ExitCode> {
        let Some(mut settings) = Settings::load(paths)? else {
            bail!(
                "uploading is off; turn it on with `worthit upload enable --server URL --team NAME --token TOKEN`"
            );
        };
        if !settings.enabled && !self.dry_run {
            bail!("uploading is off; turn it on again with `worthit upload enable …`");
        }
        let env = |name: &str| std::env::var(name).ok();
        if let Some(why) = settings::vetoed(&env, config.upload_allow_ci)
            && !self.dry_run
        {
            if self.background {
                return Ok(ExitCode::SUCCESS);
            }
            println!("Not uploading: {why}.");
            return Ok(ExitCode::SUCCESS);
        }
        if self.background {
            // Ingest quietly: a background run has no terminal to warn on.
            let _ = crate::ingest::run(paths, config);
        } else {
            crate::ingest::print_report_warnings(crate::ingest::run(paths, config));
        }
        let store = Store::open(&paths.database())?;
        let today = scope::today();
        if self.dry_run {
            let batches = upload::pending_batches(&store, &settings, build::this_machine(), today)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for batch in &batches {
                out.write_all(&batch.body)?;
            }
            out.flush()?;
            let days: i32 = batches.iter().map(|b| b.last_day - b.first_day + 1).sum();
            eprintln!(
                "worthit: dry run: {} payload(s) covering {days} day(s) would go to {}/api/v1/uploads (gzip); nothing was sent",
                batches.len(),
                settings.server
            );
            return Ok(ExitCode::SUCCESS);
        }
        if self.background && chrono::Utc::now().timestamp() < settings.next_attempt_at {
            return Ok(ExitCode::SUCCESS);
        }
        let report = upload::run(paths, &store, &mut settings, today)?;
        if self.background {
            return Ok(ExitCode::SUCCESS);
        }
        match report.problem {
            None if report.sent == 0 => println!("Nothing new to send."),
            None => println!(
                "Sent {} payload(s) with {} action-day rows to {}.",
                report.sent, report.rows, settings.server
            ),
            Some(problem) => {
                if report.sent > 0 {
                    println!("Sent {} payload(s) before a problem.", report.sent);
                }
                eprintln!("worthit: upload: {problem}");
                return Ok(ExitCode::FAILURE);
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
