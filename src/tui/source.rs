//! Where the TUI's data comes from: the rollups once (and again only when a longer period
//! needs older days), and the few detail queries that need raw events (slowest runs, the
//! durations of a before/after comparison) when a detail screen opens.
//!
//! A trait so the state can be driven in tests with fixed data and a fixed clock, and so
//! [`super::state::App`] never touches SQLite or the system time zone itself.

use anyhow::{Context, Result};
use chrono::{DateTime, Local, NaiveDateTime};

use crate::dataset::{self, Dataset, Scope};
use crate::rank::Period;
use crate::store::Store;

/// One of an action's slowest runs, with its start already in local time.
#[derive(Debug, Clone, PartialEq)]
pub struct SlowRun {
    pub when: NaiveDateTime,
    pub duration_s: f64,
    pub exit: Option<i32>,
    pub command: String,
    pub repo: Option<String>,
}

/// What the TUI reads.
pub trait Source {
    /// Rollups of the days from `since` on (every day when `None`), all repositories.
    fn dataset(&mut self, since: Option<i32>) -> Result<Dataset>;

    /// The `limit` slowest timed runs of an action in a period, in `repo` only when given.
    fn slowest_runs(
        &mut self,
        action_id: i64,
        period: Period,
        repo: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SlowRun>>;

    /// Durations (µs) of an action's timed runs in a period, in `repo` only when given.
    fn durations(&mut self, action_id: i64, period: Period, repo: Option<&str>)
    -> Result<Vec<u64>>;
}

/// The real source: the user's database.
pub struct StoreSource {
    store: Store,
}

impl StoreSource {
    pub fn new(store: Store) -> StoreSource {
        StoreSource { store }
    }
}

/// How many slow runs to read when only one repository's are wanted: the query cannot
/// filter by repository, so it reads this many of the slowest overall and keeps that
/// repository's.
const REPO_SLOW_RUN_POOL: usize = 500;

impl Source for StoreSource {
    fn dataset(&mut self, since: Option<i32>) -> Result<Dataset> {
        let scope = Scope {
            period: since.map(|first_day| Period {
                first_day,
                last_day: i32::MAX,
            }),
            repo: None,
        };
        Dataset::load(&self.store, &scope).context("could not load the rollups for the TUI")
    }

    fn slowest_runs(
        &mut self,
        action_id: i64,
        period: Period,
        repo: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SlowRun>> {
        let pool = if repo.is_some() {
            REPO_SLOW_RUN_POOL.max(limit)
        } else {
            limit
        };
        let runs = dataset::slowest_runs(&self.store, action_id, period, pool)
            .with_context(|| format!("could not read the slowest runs of action {action_id}"))?;
        Ok(runs
            .into_iter()
            .filter(|run| repo.is_none() || run.repo.as_deref() == repo)
            .take(limit)
            .map(|run| SlowRun {
                when: DateTime::from_timestamp_micros(run.start_us)
                    .unwrap_or_default()
                    .with_timezone(&Local)
                    .naive_local(),
                duration_s: run.duration_us as f64 / 1e6,
                exit: run.exit,
                command: run.command,
                repo: run.repo,
            })
            .collect())
    }

    fn durations(
        &mut self,
        action_id: i64,
        period: Period,
        repo: Option<&str>,
    ) -> Result<Vec<u64>> {
        dataset::durations(&self.store, action_id, period, repo)
            .with_context(|| format!("could not read the durations of action {action_id}"))
    }
}
