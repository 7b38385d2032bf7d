//! What reports and the TUI read: the rollups of a period, the actions and repositories
//! they name, and the few detail queries that need raw events (slowest runs, the runs of
//! one action for a before/after comparison).
//!
//! Loading reads rollup rows only, never all events, so it stays fast on big histories.

use std::collections::HashMap;

use anyhow::{Context, Result};
use rusqlite::params;

use crate::classify::Category;
use crate::histogram::Histogram;
use crate::rank::{ActionInfo, Period, RollupRow, Totals};
use crate::rollup::{DAY_US, DayClock, RollupKey, Tally};
use crate::store::Store;

/// Which rollups to load.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The period's days, inclusive.
    pub period: Option<Period>,
    /// Only this repository (a root path as stored).
    pub repo: Option<String>,
}

/// Rollups and names for one period.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub actions: Vec<ActionInfo>,
    /// repo id → root path.
    pub repos: HashMap<i64, String>,
    pub rows: Vec<RollupRow>,
}

impl Dataset {
    /// Loads the rollups in `scope` (all of them without a period).
    pub fn load(store: &Store, scope: &Scope) -> Result<Dataset> {
        let (actions, repos) = names(store)?;
        let mut rows = Vec::new();
        each_row(store, scope, &repos, |key, tally| {
            rows.push(RollupRow { key, tally });
        })?;
        Ok(Dataset {
            actions,
            repos,
            rows,
        })
    }

    /// The first and last day with any rollup, if any.
    pub fn day_range(&self) -> Option<(i32, i32)> {
        let first = self.rows.iter().map(|r| r.key.day).min()?;
        let last = self.rows.iter().map(|r| r.key.day).max()?;
        Some((first, last))
    }

    /// Per-day runs and durations of one action, for a trend line.
    pub fn daily(&self, action_id: i64, period: Period) -> Vec<Tally> {
        let mut days = vec![Tally::default(); period.days() as usize];
        for row in &self.rows {
            if row.key.action_id == action_id && period.contains(row.key.day) {
                days[(row.key.day - period.first_day) as usize].merge(&row.tally);
            }
        }
        days
    }

    /// One action's runs split by repository (`None`: outside any), most time first.
    pub fn by_repo(&self, action_id: i64, period: Period) -> Vec<(Option<String>, Tally)> {
        let mut split: HashMap<i64, Tally> = HashMap::new();
        for row in &self.rows {
            if row.key.action_id == action_id && period.contains(row.key.day) {
                split.entry(row.key.repo_id).or_default().merge(&row.tally);
            }
        }
        let mut list: Vec<(Option<String>, Tally)> = split
            .into_iter()
            .map(|(id, tally)| (self.repos.get(&id).cloned(), tally))
            .collect();
        list.sort_by(|a, b| {
            b.1.durations
                .sum_us()
                .cmp(&a.1.durations.sum_us())
                .then(b.1.runs.cmp(&a.1.runs))
        });
        list
    }
}

/// Sums the rollups in `scope` per action without keeping the rows: what `report` needs,
/// in a fraction of the memory of [`Dataset::load`] on long periods.
pub fn load_totals(store: &Store, scope: &Scope) -> Result<(Vec<ActionInfo>, Totals)> {
    let (actions, repos) = names(store)?;
    let mut totals = Totals::default();
    each_row(store, scope, &repos, |key, tally| totals.add(&key, &tally))?;
    Ok((actions, totals))
}

/// Actions and repositories by id.
fn names(store: &Store) -> Result<(Vec<ActionInfo>, HashMap<i64, String>)> {
    let conn = store.connection();
    let actions = conn
        .prepare("SELECT id, action, category, counted FROM actions")?
        .query_map([], |r| {
            let category: String = r.get(2)?;
            Ok(ActionInfo {
                id: r.get(0)?,
                action: r.get(1)?,
                category: category.parse().unwrap_or(Category::Other),
                counted: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("could not read the actions")?;
    let repos: HashMap<i64, String> = conn
        .prepare("SELECT id, path FROM repos")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()
        .context("could not read the repositories")?;
    Ok((actions, repos))
}

/// Calls `each` with every rollup row in `scope`, in day order.
fn each_row(
    store: &Store,
    scope: &Scope,
    repos: &HashMap<i64, String>,
    mut each: impl FnMut(RollupKey, Tally),
) -> Result<()> {
    // An unknown repository matches no rollup (id −1), rather than every one.
    let repo_id = scope.repo.as_ref().map(|path| {
        repos
            .iter()
            .find(|(_, p)| *p == path)
            .map_or(-1, |(&id, _)| id)
    });
    let (first, last) = scope
        .period
        .map_or((i32::MIN, i32::MAX), |p| (p.first_day, p.last_day));
    let mut stmt = store.connection().prepare(
        "SELECT day, action_id, repo_id, runs, failures, exits_known, histogram FROM rollups
         WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR repo_id = ?3)",
    )?;
    let mut query = stmt.query(params![first, last, repo_id])?;
    while let Some(row) = query.next()? {
        let key = RollupKey {
            day: row.get(0)?,
            action_id: row.get(1)?,
            repo_id: row.get(2)?,
        };
        let blob = row.get_ref(6)?.as_blob()?;
        let durations = Histogram::from_bytes(blob).with_context(|| {
            format!(
                "corrupt duration histogram in the rollup of day {} action {}; `worthit ingest --rebuild` recomputes it",
                key.day, key.action_id
            )
        })?;
        each(
            key,
            Tally {
                runs: row.get::<_, i64>(3)? as u64,
                failures: row.get::<_, i64>(4)? as u64,
                exits_known: row.get::<_, i64>(5)? as u64,
                durations,
            },
        );
    }
    Ok(())
}

/// Every repository root commands were recorded in.
pub fn repo_roots(store: &Store) -> Result<Vec<String>> {
    Ok(store
        .connection()
        .prepare("SELECT path FROM repos ORDER BY path")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// One run of an action, for the detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start_us: i64,
    pub duration_us: i64,
    pub exit: Option<i32>,
    pub command: String,
    pub repo: Option<String>,
}

/// The `limit` slowest timed runs of an action in a period.
pub fn slowest_runs(
    store: &Store,
    action_id: i64,
    period: Period,
    limit: usize,
) -> Result<Vec<Run>> {
    let (from, to) = period_window_us(period);
    let mut clock = DayClock::local();
    let mut stmt = store.connection().prepare(
        "SELECT e.start_us, e.duration_us, e.exit, e.command, d.repo FROM events e
         LEFT JOIN dirs d ON d.id = e.dir_id
         WHERE e.action_id = ?1 AND e.start_us >= ?2 AND e.start_us < ?3
           AND e.duration_us IS NOT NULL
         ORDER BY e.duration_us DESC",
    )?;
    let mut rows = stmt.query(params![action_id, from, to])?;
    let mut runs = Vec::with_capacity(limit);
    while let Some(row) = rows.next()? {
        let start_us: i64 = row.get(0)?;
        if !period.contains(clock.day_of(start_us)) {
            continue;
        }
        runs.push(Run {
            start_us,
            duration_us: row.get(1)?,
            exit: row.get(2)?,
            command: row.get(3)?,
            repo: row.get(4)?,
        });
        if runs.len() == limit {
            break;
        }
    }
    Ok(runs)
}

/// Durations (µs) of an action's timed runs in a period, in time order, optionally in
/// one repository only.
pub fn durations(
    store: &Store,
    action_id: i64,
    period: Period,
    repo: Option<&str>,
) -> Result<Vec<u64>> {
    let (from, to) = period_window_us(period);
    let mut clock = DayClock::local();
    let mut stmt = store.connection().prepare(
        "SELECT e.start_us, e.duration_us FROM events e
         LEFT JOIN dirs d ON d.id = e.dir_id
         WHERE e.action_id = ?1 AND e.start_us >= ?2 AND e.start_us < ?3
           AND e.duration_us IS NOT NULL AND (?4 IS NULL OR d.repo = ?4)
         ORDER BY e.start_us",
    )?;
    let mut rows = stmt.query(params![action_id, from, to, repo])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let start_us: i64 = row.get(0)?;
        if period.contains(clock.day_of(start_us)) {
            out.push(row.get::<_, i64>(1)?.max(0) as u64);
        }
    }
    Ok(out)
}

/// A UTC window that surely holds every instant of the period's local days.
fn period_window_us(period: Period) -> (i64, i64) {
    let (from, _) = DayClock::day_window_us(period.first_day);
    let (_, to) = DayClock::day_window_us(period.last_day);
    debug_assert!(to - from >= i64::from(period.days()) * DAY_US);
    (from, to)
}
