//! `worthit import <kind> [PATH]`: brings existing shell history into the database, so
//! the first day already shows something real. Formats and rules: `docs/import.md`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::Run;
use crate::cli::{ImportArgs, ImportKind};
use crate::config::{Config, Paths};
use crate::import::{Importer, Kind, Report, display_path, locate};
use crate::rollup::DayClock;
use crate::store::Store;

impl Run for ImportArgs {
    fn run(&self) -> Result<ExitCode> {
        let env = locate::Env::from_process();
        let targets = self.targets(&env)?;
        let paths = Paths::from_env()?;
        paths.ensure()?;
        let config = Config::load();
        config.print_warnings();
        // Hook events first: an import skips what a hook already recorded.
        crate::ingest::before_read(&paths, &config);
        let mut store = Store::open(&paths.database())?;
        let mut importer = Importer::new(&mut store, &config)?;
        let show_progress = !self.quiet && std::io::stderr().is_terminal();
        let mut failed = false;
        for (kind, path) in &targets {
            let shown = display_path(path, env.home.as_deref());
            let bar = progress_bar(show_progress, *kind);
            let result = importer.import(*kind, path, &bar);
            bar.finish_and_clear();
            match result {
                Ok(report) => self.print_report(*kind, &shown, &report),
                // One source: its error is the command's error.
                Err(err) if targets.len() == 1 => return Err(err),
                Err(err) => {
                    eprintln!("worthit: {err:#}");
                    failed = true;
                }
            }
        }
        drop(importer);
        // Imported entries count in reports straight away.
        crate::rollup::sync(&mut store, &config.classifier(), &mut DayClock::local())?;
        Ok(if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    }
}

impl ImportArgs {
    /// The (kind, file) pairs to import.
    fn targets(&self, env: &locate::Env) -> Result<Vec<(Kind, PathBuf)>> {
        let home = env.home.as_deref();
        let Some(kind) = kind_of(self.kind) else {
            if self.path.is_some() {
                bail!(
                    "`worthit import auto` reads each history's default path; to import a file, name its format, e.g. `worthit import zsh PATH`"
                );
            }
            let found = locate::found(env);
            if found.is_empty() {
                let looked: Vec<String> = Kind::ALL
                    .iter()
                    .flat_map(|&k| locate::candidates(k, env))
                    .map(|p| display_path(&p, home))
                    .collect();
                // Nothing to import is not a failure: a new machine simply has no
                // history yet, and `worthit import auto && worthit log` should go on.
                eprintln!(
                    "worthit: no shell history found; looked for {}",
                    looked.join(", ")
                );
                return Ok(Vec::new());
            }
            if !self.quiet {
                let list: Vec<String> = found
                    .iter()
                    .map(|(k, p)| format!("{k} {}", display_path(p, home)))
                    .collect();
                println!("found {}", list.join(", "));
            }
            return Ok(found);
        };
        if let Some(path) = &self.path {
            return Ok(vec![(kind, path.clone())]);
        }
        let candidates = locate::candidates(kind, env);
        match locate::pick(kind, &candidates, env) {
            Some(path) => Ok(vec![(kind, path)]),
            None => {
                let looked: Vec<String> =
                    candidates.iter().map(|p| display_path(p, home)).collect();
                bail!(
                    "no {kind} history found (looked for {}); give its path: `worthit import {kind} PATH`",
                    if looked.is_empty() {
                        "nothing: HOME is not set".to_string()
                    } else {
                        looked.join(", ")
                    }
                )
            }
        }
    }

    fn print_report(&self, kind: Kind, shown: &str, report: &Report) {
        for problem in &report.problems {
            eprintln!("worthit: warning: {problem}");
        }
        if report.unreported_bad() > 0 {
            eprintln!(
                "worthit: warning: {shown}: {} more bad entries skipped",
                report.unreported_bad()
            );
        }
        if report.untimed > 0 {
            let how = match kind {
                Kind::Zsh => " (`setopt EXTENDED_HISTORY` makes zsh record it)",
                Kind::Bash => " (setting HISTTIMEFORMAT makes bash record it)",
                _ => "",
            };
            eprintln!(
                "worthit: warning: {shown}: skipped {} entries without a timestamp{how}",
                report.untimed
            );
        }
        if !self.quiet {
            println!("{kind} {shown}: {}", report.summary());
        }
    }
}

fn kind_of(kind: ImportKind) -> Option<Kind> {
    match kind {
        ImportKind::Auto => None,
        ImportKind::Zsh => Some(Kind::Zsh),
        ImportKind::Bash => Some(Kind::Bash),
        ImportKind::Fish => Some(Kind::Fish),
        ImportKind::Atuin => Some(Kind::Atuin),
        ImportKind::ZshHistdb => Some(Kind::ZshHistdb),
    }
}

/// A bar on stderr, or a hidden one (cheap to update) when there is no terminal.
fn progress_bar(show: bool, kind: Kind) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let unit = match kind {
        Kind::Atuin | Kind::ZshHistdb => "rows",
        _ => "lines",
    };
    let style = ProgressStyle::with_template(&format!(
        "{{prefix:>10}} [{{wide_bar}}] {{human_pos}}/{{human_len}} {unit} ({{eta}})"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(0)
        .with_style(style)
        .with_prefix(kind.name())
}
