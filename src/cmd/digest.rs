//! `worthit digest [enable|disable|status]`: the weekly summary now, or the weekly file
//! for the shell turned on or off.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Run;
use super::scope;
use crate::cli::{DigestArgs, DigestCommand};
use crate::config::{Config, Paths};
use crate::digest::{self, DigestSettings};
use crate::store::Store;
use crate::upload::fixes;

impl Run for DigestArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        match &self.command {
            None => print(&paths),
            Some(DigestCommand::Enable) => enable(&paths),
            Some(DigestCommand::Disable) => disable(&paths),
            Some(DigestCommand::Status) => status(&paths),
        }
    }
}

fn print(paths: &Paths) -> Result<ExitCode> {
    let config = Config::load();
    config.print_warnings();
    crate::ingest::before_read(paths, &config);
    let store = Store::open(&paths.database())?;
    let digest = digest::compute(&store, &fixes::load(paths), scope::today())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(digest::render(&digest).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn enable(paths: &Paths) -> Result<ExitCode> {
    let mut settings = DigestSettings::load(paths)?;
    settings.enabled = true;
    settings.save(paths)?;
    println!(
        "The weekly digest is on. Once per ISO week, the first worthit command that reads data \
         (worthit, report, log, compare) writes it to {} for your shell to print at start-up \
         (docs/digest.md). `worthit digest` prints it now; `worthit digest disable` turns it off.",
        digest::text_path(paths).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn disable(paths: &Paths) -> Result<ExitCode> {
    let mut settings = DigestSettings::load(paths)?;
    if !settings.enabled {
        println!("The weekly digest is already off.");
        return Ok(ExitCode::SUCCESS);
    }
    settings.enabled = false;
    settings.save(paths)?;
    // An unread digest would otherwise still be printed once.
    let path = digest::text_path(paths);
    match std::fs::remove_file(&path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(err).with_context(|| format!("could not remove {}", path.display()));
        }
        _ => {}
    }
    println!("The weekly digest is off.");
    Ok(ExitCode::SUCCESS)
}

fn status(paths: &Paths) -> Result<ExitCode> {
    let settings = DigestSettings::load(paths)?;
    println!(
        "weekly digest  {}",
        if settings.enabled {
            "on"
        } else {
            "off (turn it on with `worthit digest enable`)"
        }
    );
    let path = digest::text_path(paths);
    let waiting = match std::fs::read_to_string(&path) {
        Ok(text) if !text.is_empty() => format!("{} lines not yet printed", text.lines().count()),
        Ok(_) => "printed".to_string(),
        Err(_) => "none".to_string(),
    };
    println!("file           {} ({waiting})", path.display());
    println!(
        "last written   {}",
        settings.last_week.as_deref().unwrap_or("never")
    );
    Ok(ExitCode::SUCCESS)
}
