//! `worthit` (no subcommand) and `worthit tui`: the interactive ranking.

use std::process::ExitCode;

use anyhow::Result;

use super::Run;
use super::scope;
use crate::cli::TuiArgs;
use crate::config::{Config, Paths};
use crate::store::Store;
use crate::tui::source::StoreSource;
use crate::tui::state::{Filters, PeriodChoice};
use crate::tui::{self, App};

impl Run for TuiArgs {
    fn run(&self) -> Result<ExitCode> {
        // Before any work: a pipe gets the pointer to `worthit report` at once.
        tui::ensure_terminal()?;
        let paths = Paths::from_env()?;
        let config = Config::load();
        config.print_warnings();
        crate::ingest::before_read(&paths, &config);
        let store = Store::open(&paths.database())?;
        let today = scope::today();
        let args = &self.scope;
        let period = if args.since.is_some() || args.until.is_some() {
            PeriodChoice::Custom(scope::period(args, today)?)
        } else {
            PeriodChoice::Last(scope::DEFAULT_DAYS)
        };
        let repo = match &args.repo {
            Some(repo) => Some(scope::resolve_repo(&store, repo)?),
            None => None,
        };
        let filters = Filters {
            period,
            repo,
            include_interactive: args.include_interactive,
            ..Filters::default()
        };
        let options = scope::rank_options(args, &config);
        let app = App::new(Box::new(StoreSource::new(store)), today, options, filters)?;
        let exit_after_first_paint =
            std::env::var_os(tui::EXIT_AFTER_FIRST_PAINT_ENV).is_some_and(|v| v == "1");
        tui::run(app, exit_after_first_paint)?;
        Ok(ExitCode::SUCCESS)
    }
}
