//! `worthit ingest`: move the spool into the database now.

use std::process::ExitCode;

use anyhow::Result;

use super::Run;
use crate::cli::IngestArgs;
use crate::config::{Config, Paths};

impl Run for IngestArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let config = Config::load();
        config.print_warnings();
        if self.rebuild {
            paths.ensure()?;
            crate::rollup::forget(&mut crate::store::Store::open(&paths.database())?)?;
        }
        let report = crate::ingest::run(&paths, &config)?;
        for warning in &report.warnings {
            eprintln!("worthit: warning: {warning}");
        }
        if !self.quiet {
            println!(
                "ingested {} events from {} spool files ({} malformed lines skipped, {} ignored, {} finished files removed)",
                report.events_added,
                report.files_seen,
                report.lines_skipped,
                report.lines_ignored,
                report.files_removed
            );
            let r = &report.rollups;
            if r.rebuilt {
                println!(
                    "rebuilt the rollups of {} events ({} reclassified)",
                    r.events_rolled_up, r.reclassified
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
