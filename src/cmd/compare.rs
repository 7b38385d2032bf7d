//! `worthit compare ACTION [--before DATE] [--after DATE]`: did a fix pay off? Without
//! `--before`, the fix date the team server reported for the action (cached by uploads in
//! `fixes.json`) is used, and the output says so.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::Run;
use super::scope;
use crate::cli::CompareArgs;
use crate::compare::{self, Comparison, Side};
use crate::config::{Config, Paths};
use crate::dataset::{self, Dataset, Scope};
use crate::rank::Period;
use crate::store::Store;
use crate::units;

/// `worthit compare --json`.
#[derive(Debug, Serialize)]
struct JsonComparison<'a> {
    action: &'a str,
    before_period: [String; 2],
    after_period: [String; 2],
    /// The fix date, when it came from the team server rather than `--before`.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix_date_from_server: Option<String>,
    #[serde(flatten)]
    comparison: &'a Comparison,
}

impl Run for CompareArgs {
    fn run(&self) -> Result<ExitCode> {
        let paths = Paths::from_env()?;
        let config = Config::load();
        config.print_warnings();
        crate::ingest::before_read(&paths, &config);
        let store = Store::open(&paths.database())?;
        let today = scope::today();
        // `from_server`: the clause to print when the date came from the team server.
        let (fix_day, from_server) = match &self.before {
            Some(before) => (
                scope::parse_when(before, today).context("bad --before")?,
                None,
            ),
            None => {
                let (day, saving) = server_fix(&store, &paths, &self.action, today)?;
                (day, Some(saving))
            }
        };
        let (before, after) = self.windows(fix_day, today)?;
        let repo = match &self.repo {
            Some(repo) => Some(scope::resolve_repo(&store, repo)?),
            None => None,
        };
        let data = Dataset::load(
            &store,
            &Scope {
                period: Some(Period {
                    first_day: before.first_day,
                    last_day: after.last_day,
                }),
                repo: repo.clone(),
            },
        )?;
        let ids = action_ids(&data, &self.action)?;
        let mut before_us = Vec::new();
        let mut after_us = Vec::new();
        for &id in &ids {
            before_us.extend(dataset::durations(&store, id, before, repo.as_deref())?);
            after_us.extend(dataset::durations(&store, id, after, repo.as_deref())?);
        }
        let active = |p: Period| {
            data.rows
                .iter()
                .map(|r| r.key.day)
                .filter(|&d| p.contains(d))
                .collect::<BTreeSet<_>>()
                .len() as u32
        };
        let comparison = compare::compare(
            Side::new(&before_us, active(before), before.days()),
            Side::new(&after_us, active(after), after.days()),
            &before_us,
            &after_us,
        );
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let dates = |p: Period| {
            [
                scope::date_of(p.first_day).to_string(),
                scope::date_of(p.last_day).to_string(),
            ]
        };
        if self.json {
            serde_json::to_writer_pretty(
                &mut out,
                &JsonComparison {
                    action: &self.action,
                    before_period: dates(before),
                    after_period: dates(after),
                    fix_date_from_server: from_server
                        .as_ref()
                        .map(|_| scope::date_of(fix_day).to_string()),
                    comparison: &comparison,
                },
            )?;
            writeln!(out)?;
        } else {
            if let Some(saving) = &from_server {
                writeln!(
                    out,
                    "Fix date {} from your team's server{saving}; --before DATE compares around another.",
                    scope::date_of(fix_day)
                )?;
            }
            let [b0, b1] = dates(before);
            let [a0, a1] = dates(after);
            writeln!(
                out,
                "{}: before {b0} to {b1}, after {a0} to {a1}",
                self.action
            )?;
            write_table(&mut out, &comparison)?;
            writeln!(out, "{}", comparison.verdict_text())?;
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    }
}

/// The latest fix the team server reported for the local action `key` (from the cache),
/// as a day and a clause about its org-wide saving; an error saying to pass `--before`
/// when there is none.
fn server_fix(store: &Store, paths: &Paths, key: &str, today: i32) -> Result<(i32, String)> {
    let fixes = crate::upload::fixes::load(paths);
    let builtin = crate::classify::Classifier::builtin();
    let categories: Vec<String> = store
        .connection()
        .prepare("SELECT DISTINCT category FROM actions WHERE action = ?1")?
        .query_map([key], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()
        .with_context(|| format!("could not read the categories of action `{key}`"))?;
    let found = categories
        .iter()
        .filter_map(|c| c.parse::<crate::classify::Category>().ok())
        .filter_map(|category| {
            crate::upload::fixes::fix_for(&fixes, key, category, &builtin, today)
        })
        .max_by_key(|fix| fix.day());
    match found.and_then(|fix| Some((fix.day()?, fix))) {
        Some((day, fix)) => Ok((
            day,
            fix.org_saving()
                .map_or(String::new(), |saving| format!(" ({saving})")),
        )),
        None => bail!(
            "give the day the fix landed with --before DATE (your team's server has reported no fix for `{key}`)"
        ),
    }
}

impl CompareArgs {
    /// The before and after windows around the fix day.
    fn windows(&self, fix: i32, today: i32) -> Result<(Period, Period)> {
        let after_start = match &self.after {
            Some(after) => scope::parse_when(after, today).context("bad --after")?,
            None => fix,
        };
        if after_start < fix {
            bail!(
                "--after must not be before --before (the after window starts once the fix is in)"
            );
        }
        if after_start > today {
            bail!(
                "the after window starts on {}, after today: nothing to compare yet",
                scope::date_of(after_start)
            );
        }
        Ok(compare::fix_windows(fix, after_start, self.window, today))
    }
}

/// Every stored action with this key (one key can exist in several categories when rules
/// changed); a helpful error naming near matches otherwise.
fn action_ids(data: &Dataset, key: &str) -> Result<Vec<i64>> {
    let ids: Vec<i64> = data
        .actions
        .iter()
        .filter(|a| a.action == key)
        .map(|a| a.id)
        .collect();
    if !ids.is_empty() {
        return Ok(ids);
    }
    let needle = key.to_lowercase();
    let mut near: Vec<&str> = data
        .actions
        .iter()
        .map(|a| a.action.as_str())
        .filter(|a| {
            let a = a.to_lowercase();
            a.contains(&needle)
                || needle.contains(&a)
                || needle.split(' ').next().is_some_and(|w| a.starts_with(w))
        })
        .collect();
    near.sort_unstable();
    near.dedup();
    near.truncate(8);
    if near.is_empty() {
        bail!("no action `{key}` recorded; `worthit report` lists the action keys")
    }
    bail!(
        "no action `{key}` recorded; did you mean {}?",
        near.iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn write_table(out: &mut impl Write, c: &Comparison) -> Result<()> {
    let opt = |v: Option<f64>| v.map_or("–".to_string(), units::duration);
    let signed = |v: Option<f64>| match v {
        Some(v) if v < 0.0 => format!("−{}", units::duration(-v)),
        Some(v) => format!("+{}", units::duration(v)),
        None => "–".to_string(),
    };
    writeln!(
        out,
        "{:<10} {:>12} {:>12} {:>12}",
        "", "before", "after", "change"
    )?;
    writeln!(
        out,
        "{:<10} {:>12} {:>12}",
        "runs", c.before.runs, c.after.runs
    )?;
    writeln!(
        out,
        "{:<10} {:>12} {:>12}",
        "runs/day",
        units::rate(c.before.runs_per_day),
        units::rate(c.after.runs_per_day)
    )?;
    writeln!(
        out,
        "{:<10} {:>12} {:>12} {:>12}",
        "median",
        opt(c.before.median_s),
        opt(c.after.median_s),
        signed(c.median_change_s)
    )?;
    writeln!(
        out,
        "{:<10} {:>12} {:>12} {:>12}",
        "p90",
        opt(c.before.p90_s),
        opt(c.after.p90_s),
        signed(c.after.p90_s.zip(c.before.p90_s).map(|(a, b)| a - b))
    )?;
    writeln!(
        out,
        "{:<10} {:>12} {:>12} {:>12}",
        "per week",
        units::duration(c.before.per_week_s),
        units::duration(c.after.per_week_s),
        signed(Some(c.per_week_change_s))
    )?;
    Ok(())
}
