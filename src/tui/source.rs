//! Where the TUI's data comes from: the rollups once (and again only when a longer period
//! needs older days), and the few detail queries that need raw events (slowest runs, the
//! durations of a before/after comparison) when a detail screen opens; the cached fixes
//! of the team server; and nominations (built here, sent on a background thread).
//!
//! A trait so the state can be driven in tests with fixed data and a fixed clock, and so
//! [`super::state::App`] never touches SQLite, the network or the system time zone itself.

use std::sync::mpsc::{self, Receiver};

use anyhow::{Context, Result};
use chrono::{DateTime, Local, NaiveDateTime};

use crate::config::{Config, Paths};
use crate::dataset::{self, Dataset, Scope};
use crate::rank::Period;
use crate::store::Store;
use crate::upload::fixes::{self, Fix};
use crate::upload::nominate::{self, Draft};
use crate::upload::settings::{self, Settings};

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

    /// The fixes the team server reported, as last cached.
    fn fixes(&mut self) -> Vec<Fix> {
        Vec::new()
    }

    /// Whether a nomination could be sent now; if not, why and how to change that.
    fn nomination_ready(&mut self) -> Result<(), String> {
        Err("nominations are not available here".into())
    }

    /// The nomination of the local action `action` with `note`, ready to preview.
    fn nomination(&mut self, action: &str, note: &str) -> Result<Preview, NotReady> {
        let _ = (action, note);
        Err(NotReady::Problem(
            "nominations are not available here".into(),
        ))
    }

    /// Sends a previewed nomination without blocking: the answer (one line for the
    /// status line, or why it failed) arrives on the receiver.
    fn send_nomination(&mut self, preview: &Preview) -> Receiver<Result<String, String>> {
        let _ = preview;
        let (tx, rx) = mpsc::channel();
        let _ = tx.send(Err("nominations are not available here".into()));
        rx
    }
}

/// A nomination as the user sees it before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub draft: Draft,
    pub server: String,
    pub team: String,
}

/// Why no preview could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// Uploading is off: how to turn it on.
    UploadOff(String),
    /// Anything else (no runs to send, a database error), one line.
    Problem(String),
}

/// The real source: the user's database, and the data directory of `WORTHIT_HOME`.
pub struct StoreSource {
    store: Store,
    /// The settings the last preview was built with: the ones it is sent with.
    previewed_with: Option<Settings>,
}

impl StoreSource {
    pub fn new(store: Store) -> StoreSource {
        StoreSource {
            store,
            previewed_with: None,
        }
    }

    /// The upload settings, if nominating is possible now.
    fn ready_settings(&self) -> Result<(Paths, Settings), String> {
        let paths = Paths::from_env().map_err(|err| format!("{err:#}"))?;
        let loaded = Settings::load(&paths).map_err(|err| format!("{err:#}"))?;
        let env = |name: &str| std::env::var(name).ok();
        let veto = settings::vetoed(&env, Config::load().upload_allow_ci);
        Ok((paths, nominate::ready(loaded, veto)?))
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

    fn fixes(&mut self) -> Vec<Fix> {
        Paths::from_env()
            .map(|paths| fixes::load(&paths))
            .unwrap_or_default()
    }

    fn nomination_ready(&mut self) -> Result<(), String> {
        self.ready_settings().map(|_| ())
    }

    fn nomination(&mut self, action: &str, note: &str) -> Result<Preview, NotReady> {
        let (_, settings) = self.ready_settings().map_err(NotReady::UploadOff)?;
        let today = Local::now()
            .date_naive()
            .signed_duration_since(chrono::NaiveDate::default())
            .num_days() as i32;
        let draft = nominate::resolve(&self.store, action, nominate::period(today))
            .and_then(|target| {
                nominate::prepare(
                    &self.store,
                    &settings,
                    crate::upload::build::this_machine(),
                    &target,
                    note,
                    today,
                )
            })
            .map_err(|err| NotReady::Problem(format!("{err:#}")))?;
        let preview = Preview {
            draft,
            server: settings.server.clone(),
            team: settings.team.clone(),
        };
        self.previewed_with = Some(settings);
        Ok(preview)
    }

    fn send_nomination(&mut self, preview: &Preview) -> Receiver<Result<String, String>> {
        let (tx, rx) = mpsc::channel();
        let (paths, settings) = match (Paths::from_env(), self.previewed_with.clone()) {
            (Ok(paths), Some(settings)) => (paths, settings),
            _ => {
                let _ = tx.send(Err("nothing was previewed, so nothing was sent".into()));
                return rx;
            }
        };
        let draft = preview.draft.clone();
        std::thread::spawn(move || {
            let answer = nominate::send(&paths, &settings, &draft).map(|a| a.sentence(&draft));
            // The TUI may have quit meanwhile; then nobody is waiting for the answer.
            let _ = tx.send(answer);
        });
        rx
    }
}
