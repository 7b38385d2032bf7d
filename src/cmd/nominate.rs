//! `worthit nominate ACTION [--note TEXT] [--dry-run] [--yes]`: ask the team's champions
//! to make a slow loop faster.
//!
//! stdout carries exactly the bytes that are sent (the pretty-printed request), so the
//! preview can be compared with what the server receives; everything said to the user goes
//! to stderr. Exit status 2 when nothing could be sent for a reason the user can fix
//! (uploading off, a bad note or action, no confirmation), 1 when the server did not take
//! it.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;

use super::Run;
use super::scope;
use crate::cli::NominateArgs;
use crate::config::{Config, Paths};
use crate::store::Store;
use crate::upload::nominate::{self, Draft};
use crate::upload::settings::{self, Settings};
use crate::upload::{build, send};

/// Exit status when the user has something to fix before anything can be sent.
const USAGE: u8 = 2;

fn refuse(message: &str) -> Result<ExitCode> {
    eprintln!("worthit: {message}");
    Ok(ExitCode::from(USAGE))
}

impl Run for NominateArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let config = Config::load();
        config.print_warnings();
        let note = self.note.as_deref().unwrap_or("");
        if let Err(problem) = nominate::check_note(note) {
            return refuse(&format!("--note: {problem}"));
        }
        let env = |name: &str| std::env::var(name).ok();
        let veto = settings::vetoed(&env, config.upload_allow_ci);
        let settings = match Settings::load(&paths)? {
            // A dry run sends nothing: like `upload --dry-run`, it needs only the settings.
            Some(settings) if self.dry_run => settings,
            loaded => match nominate::ready(loaded, veto) {
                Ok(settings) => settings,
                Err(why) => return refuse(&why),
            },
        };
        crate::ingest::before_read(&paths, &config);
        let store = Store::open(&paths.database())?;
        let today = scope::today();
        let draft = match nominate::resolve(&store, &self.action, nominate::period(today)).and_then(
            |target| {
                nominate::prepare(
                    &store,
                    &settings,
                    build::this_machine(),
                    &target,
                    note,
                    today,
                )
            },
        ) {
            Ok(draft) => draft,
            Err(err) => return refuse(&format!("{err:#}")),
        };
        show(&draft, &settings)?;
        if self.dry_run {
            eprintln!("worthit: dry run: nothing was sent");
            return Ok(ExitCode::SUCCESS);
        }
        if !self.yes {
            if !std::io::stdin().is_terminal() {
                return refuse(
                    "stdin is not a terminal, so nobody confirmed: nothing was sent. Check the request above and run again with --yes to send it",
                );
            }
            if !confirm(&settings)? {
                return refuse("not sent");
            }
        }
        match nominate::send(&paths, &settings, &draft) {
            Ok(accepted) => {
                eprintln!("worthit: {}", accepted.sentence(&draft));
                eprintln!("worthit: `worthit upload log` shows what was sent.");
                Ok(ExitCode::SUCCESS)
            }
            Err(why) => {
                eprintln!("worthit: {why}");
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// The request in full on stdout, what it means on stderr.
fn show(draft: &Draft, settings: &Settings) -> Result<()> {
    eprintln!(
        "worthit: this nomination of `{}` goes to {}{} for team {}: {} day(s), {} run(s) of the last {} days, and your note. Every byte of it:",
        draft.local_action,
        settings.server,
        nominate::ENDPOINT,
        settings.team,
        draft.days,
        draft.runs,
        nominate::NOMINATION_DAYS
    );
    if let Some(notice) = draft.category_notice() {
        eprintln!("worthit: {notice}");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&draft.body)?;
    out.flush()?;
    Ok(())
}

/// Asks on the terminal; only `y` or `yes` sends.
fn confirm(settings: &Settings) -> Result<bool> {
    eprint!(
        "Send this to {} (gzip, {} s at most)? [y/N] ",
        settings.server,
        send::REQUEST_TIMEOUT.as_secs()
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
