//! The team report: stored aggregates in, ranked time sinks out, with k-anonymity applied
//! to every number. Pure: no I/O, no clock; the API handler loads rows and calls [`build`].
//!
//! # Cells and contributors
//!
//! The unit of privacy is a **cell**: one team × one action (key and category) × the
//! period. Its sub-cells are the same team × action split by machine class, and split by
//! ISO week. Contributors are pseudonyms that change every ISO week, so the same person
//! appears under a new name each week and a period's distinct pseudonyms would overcount
//! people. A cell's contributor count is therefore its **largest weekly distinct count**:
//! a lower bound on the people behind it, which is the safe direction for k-anonymity.
//!
//! # Suppression
//!
//! A cell or sub-cell with fewer than `k` contributors is hidden. Sub-cells form **groups**
//! under a shown total that includes them: a shown action's machine classes and its weeks
//! (the action's own figures count every run). If the hidden members of a group together
//! have fewer than `k`
//! contributors (with one hidden cell that is always the case), the visible member with
//! the fewest contributors (then the first key) is hidden too, and again until they have
//! at least `k`. Subtracting the shown members from a shown total thus only ever reveals
//! an aggregate of at least `k` people. The choice depends only on who contributed, never
//! on the figures, so no figure of a hidden cell can change what is shown.
//!
//! A team's actions need no such second step: no shown number includes a hidden action
//! (the team's totals are sums of its shown rows only), so there is nothing to subtract
//! from, and hiding a team's one big loop because its one small loop is hidden would only
//! blind the team.
//!
//! Totals are sums of shown rows only. The org-wide view merges the *shown* cells of
//! every team (each team suppressed exactly as its own view is), and its breakdowns merge
//! the teams' shown sub-cells, so a hidden team cell never enters any org-wide number
//! and every view of one team agrees with every other.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::store::AggRow;
use crate::classify::Category;
use crate::histogram::Histogram;
use crate::upload::payload::MachineClass;
use crate::worth::{self, WorkingTime};

/// The report's JSON schema version (docs/server.md).
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The shares of the median the XKCD budget is given for.
pub const SHAVES: [f64; 3] = [0.1, 0.5, 1.0];

/// Whose data a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Team(String),
    Org,
}

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    /// First day of the period.
    pub since: NaiveDate,
    /// Last day of the period (inclusive).
    pub until: NaiveDate,
    pub scope: Scope,
    /// `k`: the fewest contributors a shown cell may have.
    pub min_contributors: u32,
}

/// The report, as `GET /api/v1/report` returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// `team` or `org`.
    pub scope: &'static str,
    pub team: Option<String>,
    pub period: Period,
    pub min_contributors: u32,
    pub totals: Totals,
    pub hidden: Hidden,
    /// Ranked by engineer-hours per week, most first.
    pub actions: Vec<ActionRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub since: String,
    pub until: String,
    pub days: i64,
    /// `days / 7`.
    pub weeks: f64,
}

/// Sums over the shown actions only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub actions: usize,
    pub runs: u64,
    pub total_hours: f64,
    pub hours_per_week: f64,
}

/// How many cells were hidden, never which.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hidden {
    /// Team × action cells (in the org view, summed over teams).
    pub actions: usize,
    /// Machine-class sub-cells of shown actions.
    pub machine_classes: usize,
    /// Weekly sub-cells of shown actions.
    pub weeks: usize,
    /// A sentence for people, `null` when nothing was hidden.
    pub notice: Option<String>,
}

/// One ranked time sink.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow {
    pub rank: usize,
    pub action: String,
    pub category: Category,
    /// Teams whose shown cells make up the row (1 in a team view).
    pub teams: usize,
    pub contributors: usize,
    pub runs: u64,
    /// Runs with a duration (the histogram's count).
    pub timed_runs: u64,
    pub failures: u64,
    pub exits_known: u64,
    /// `failures / exits_known`, `null` when no exit status is known.
    pub failure_rate: Option<f64>,
    /// Sum of the timed runs' durations.
    pub total_hours: f64,
    pub hours_per_week: f64,
    /// From the merged histogram (never an average of percentiles).
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    /// `runs × 365.25 / days`.
    pub runs_per_year: f64,
    /// XKCD 1205 at the scope's scale, for shaving 10%, 50% and 100% of the median.
    pub budget: Vec<Budget>,
    /// Shown machine classes, fastest median first.
    pub machines: Vec<MachineRow>,
    /// Shown ISO weeks, oldest first.
    pub weeks: Vec<WeekRow>,
}

/// What making every run `shave` × median faster is worth over five years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub shave: f64,
    pub seconds_saved_per_run: f64,
    /// The comic's budget: five years × runs per year × seconds saved (calendar time).
    pub calendar_seconds: f64,
    /// The same time as engineer effort.
    pub engineer_hours: f64,
    /// In working days of 8 hours.
    pub engineer_days: f64,
    /// In working years of 230 such days.
    pub engineer_years: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineRow {
    pub os: String,
    pub arch: String,
    pub cores: String,
    pub memory_gib: String,
    pub contributors: usize,
    pub runs: u64,
    pub timed_runs: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    /// This class's median over the fastest shown class's median.
    pub ratio_to_fastest: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRow {
    /// ISO week, e.g. `2026-W47`.
    pub week: String,
    /// The week's days inside the period.
    pub since: String,
    pub until: String,
    pub contributors: usize,
    pub runs: u64,
    pub timed_runs: u64,
    pub median_seconds: Option<f64>,
    pub hours: f64,
}

/// An ISO week: (ISO year, week number).
type Week = (i32, u32);

fn week_of(day: NaiveDate) -> Week {
    let week = day.iso_week();
    (week.year(), week.week())
}

/// An action as reports group it.
type CellKey = (String, Category);

/// Distinct contributors per ISO week; contributors are interned to numbers.
#[derive(Debug, Clone, Default)]
struct Contributors(BTreeMap<Week, BTreeSet<u32>>);

impl Contributors {
    /// The largest weekly distinct count.
    fn count(&self) -> usize {
        self.0.values().map(BTreeSet::len).max().unwrap_or(0)
    }

    fn union(&mut self, other: &Contributors) {
        for (week, ids) in &other.0 {
            self.0.entry(*week).or_default().extend(ids);
        }
    }
}

/// The figures and contributors of a cell or sub-cell.
#[derive(Debug, Clone, Default)]
struct Tally {
    runs: u64,
    failures: u64,
    exits_known: u64,
    durations: Histogram,
    contributors: Contributors,
}

impl Tally {
    fn add(&mut self, row: &AggRow, week: Week, contributor: u32) {
        self.runs = self.runs.saturating_add(row.runs);
        self.failures = self.failures.saturating_add(row.failures);
        self.exits_known = self.exits_known.saturating_add(row.exits_known);
        self.durations.merge(&row.durations);
        self.contributors
            .0
            .entry(week)
            .or_default()
            .insert(contributor);
    }

    fn merge(&mut self, other: &Tally) {
        self.runs = self.runs.saturating_add(other.runs);
        self.failures = self.failures.saturating_add(other.failures);
        self.exits_known = self.exits_known.saturating_add(other.exits_known);
        self.durations.merge(&other.durations);
        self.contributors.union(&other.contributors);
    }

    fn median_seconds(&self) -> Option<f64> {
        self.durations.quantile_us(0.5).map(|us| us / 1e6)
    }

    fn p90_seconds(&self) -> Option<f64> {
        self.durations.quantile_us(0.9).map(|us| us / 1e6)
    }

    fn hours(&self) -> f64 {
        self.durations.sum_us() as f64 / 3.6e9
    }
}

/// One team × action cell with its sub-cells.
#[derive(Debug, Default)]
struct Cell {
    total: Tally,
    machines: BTreeMap<MachineClass, Tally>,
    weeks: BTreeMap<Week, Tally>,
}

/// Which members of a group to hide (see the module documentation). `members` come in
/// key order, which breaks ties between equally small members.
fn suppress(members: &[&Contributors], k: usize) -> Vec<bool> {
    let mut hidden: Vec<bool> = members.iter().map(|c| c.count() < k).collect();
    while hidden.contains(&true) {
        let mut together = Contributors::default();
        for (member, _) in members.iter().zip(&hidden).filter(|(_, h)| **h) {
            together.union(member);
        }
        if together.count() >= k {
            break;
        }
        let smallest = (0..members.len())
            .filter(|&i| !hidden[i])
            .min_by_key(|&i| (members[i].count(), i));
        match smallest {
            Some(i) => hidden[i] = true,
            None => break,
        }
    }
    hidden
}

/// How a group's members are hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Fewer than k contributors: hidden.
    Threshold,
    /// The threshold, then complementary suppression (the group sits under a shown total).
    Complementary,
}

/// The members of a group that stay shown, counting the hidden ones.
fn shown<'a, K, V>(
    group: &'a BTreeMap<K, V>,
    contributors: fn(&V) -> &Contributors,
    k: usize,
    rule: Rule,
    hidden: &mut usize,
) -> Vec<(&'a K, &'a V)> {
    let members: Vec<&Contributors> = group.values().map(contributors).collect();
    let verdict = match rule {
        Rule::Complementary => suppress(&members, k),
        Rule::Threshold => members.iter().map(|c| c.count() < k).collect(),
    };
    *hidden += verdict.iter().filter(|h| **h).count();
    group
        .iter()
        .zip(verdict)
        .filter(|(_, h)| !h)
        .map(|(member, _)| member)
        .collect()
}

/// A row being assembled from the shown cells of one or more teams.
#[derive(Default)]
struct Merged {
    total: Tally,
    teams: usize,
    machines: BTreeMap<MachineClass, Tally>,
    weeks: BTreeMap<Week, Tally>,
}

/// Builds the report of `request` from `rows` (rows outside its scope or period, and rows
/// without runs, are ignored).
pub fn build(rows: &[AggRow], request: &ReportRequest) -> Report {
    let k = request.min_contributors as usize;
    let days = (request.until - request.since).num_days() + 1;
    let weeks = days as f64 / 7.0;

    let mut interned: HashMap<&str, u32> = HashMap::new();
    let mut teams: BTreeMap<&str, BTreeMap<CellKey, Cell>> = BTreeMap::new();
    for row in rows {
        let in_scope = match &request.scope {
            Scope::Team(team) => row.team == *team,
            Scope::Org => true,
        };
        if !in_scope || row.runs == 0 || row.day < request.since || row.day > request.until {
            continue;
        }
        let next = interned.len() as u32;
        let contributor = *interned.entry(row.contributor.as_str()).or_insert(next);
        let week = week_of(row.day);
        let cell = teams
            .entry(row.team.as_str())
            .or_default()
            .entry((row.action.clone(), row.category))
            .or_default();
        cell.total.add(row, week, contributor);
        cell.machines
            .entry(row.machine.clone())
            .or_default()
            .add(row, week, contributor);
        cell.weeks
            .entry(week)
            .or_default()
            .add(row, week, contributor);
    }

    let mut hidden_actions = 0;
    let mut hidden_machines = 0;
    let mut hidden_weeks = 0;
    let mut merged: BTreeMap<CellKey, Merged> = BTreeMap::new();
    let by_total: fn(&Cell) -> &Contributors = |cell| &cell.total.contributors;
    let by_tally: fn(&Tally) -> &Contributors = |tally| &tally.contributors;
    for cells in teams.values() {
        for (key, cell) in shown(cells, by_total, k, Rule::Threshold, &mut hidden_actions) {
            let row = merged.entry(key.clone()).or_default();
            row.total.merge(&cell.total);
            row.teams += 1;
            for (machine, tally) in shown(
                &cell.machines,
                by_tally,
                k,
                Rule::Complementary,
                &mut hidden_machines,
            ) {
                row.machines
                    .entry(machine.clone())
                    .or_default()
                    .merge(tally);
            }
            for (week, tally) in shown(
                &cell.weeks,
                by_tally,
                k,
                Rule::Complementary,
                &mut hidden_weeks,
            ) {
                row.weeks.entry(*week).or_default().merge(tally);
            }
        }
    }

    let mut actions: Vec<ActionRow> = merged
        .into_iter()
        .map(|((action, category), row)| action_row(action, category, &row, request, days))
        .collect();
    actions.sort_by(|a, b| {
        b.hours_per_week
            .total_cmp(&a.hours_per_week)
            .then(b.runs.cmp(&a.runs))
            .then_with(|| (&a.action, a.category).cmp(&(&b.action, b.category)))
    });
    for (i, row) in actions.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    // A fold from +0.0: `sum` of no floats is -0.0, which JSON would print as such.
    let total_hours = actions.iter().fold(0.0, |sum, r| sum + r.total_hours);
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        scope: match request.scope {
            Scope::Team(_) => "team",
            Scope::Org => "org",
        },
        team: match &request.scope {
            Scope::Team(team) => Some(team.clone()),
            Scope::Org => None,
        },
        period: Period {
            since: request.since.to_string(),
            until: request.until.to_string(),
            days,
            weeks,
        },
        min_contributors: request.min_contributors,
        totals: Totals {
            actions: actions.len(),
            runs: actions.iter().map(|r| r.runs).sum(),
            total_hours,
            hours_per_week: total_hours / weeks,
        },
        hidden: Hidden {
            actions: hidden_actions,
            machine_classes: hidden_machines,
            weeks: hidden_weeks,
            notice: notice(hidden_actions, hidden_machines, hidden_weeks, k),
        },
        actions,
    }
}

fn action_row(
    action: String,
    category: Category,
    row: &Merged,
    request: &ReportRequest,
    days: i64,
) -> ActionRow {
    let total = &row.total;
    let weeks = days as f64 / 7.0;
    let median = total.median_seconds();
    let runs_per_year = total.runs as f64 * worth::DAYS_PER_YEAR / days as f64;
    let working = WorkingTime::default();
    let budget = match median {
        Some(median) => SHAVES
            .iter()
            .map(|&shave| {
                let saved = shave * median;
                let calendar = worth::budget_seconds(saved, runs_per_year);
                let engineer_days = working.working_days(calendar);
                Budget {
                    shave,
                    seconds_saved_per_run: saved,
                    calendar_seconds: calendar,
                    engineer_hours: calendar / 3_600.0,
                    engineer_days,
                    engineer_years: engineer_days / working.days_per_year,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let mut machines: Vec<MachineRow> = row
        .machines
        .iter()
        .map(|(m, tally)| MachineRow {
            os: m.os.clone(),
            arch: m.arch.clone(),
            cores: m.cores.clone(),
            memory_gib: m.memory_gib.clone(),
            contributors: tally.contributors.count(),
            runs: tally.runs,
            timed_runs: tally.durations.count(),
            median_seconds: tally.median_seconds(),
            p90_seconds: tally.p90_seconds(),
            ratio_to_fastest: None,
        })
        .collect();
    // Stable: classes with equal medians keep their key order.
    machines.sort_by(|a, b| match (a.median_seconds, b.median_seconds) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    if let Some(fastest) = machines
        .first()
        .and_then(|m| m.median_seconds)
        .filter(|&f| f > 0.0)
    {
        for machine in &mut machines {
            machine.ratio_to_fastest = machine.median_seconds.map(|m| m / fastest);
        }
    }
    let weeks_rows = row
        .weeks
        .iter()
        .map(|(&(year, number), tally)| {
            let monday = NaiveDate::from_isoywd_opt(year, number, Weekday::Mon)
                .unwrap_or(request.since)
                .max(request.since);
            let sunday = NaiveDate::from_isoywd_opt(year, number, Weekday::Sun)
                .unwrap_or(request.until)
                .min(request.until);
            WeekRow {
                week: format!("{year}-W{number:02}"),
                since: monday.to_string(),
                until: sunday.to_string(),
                contributors: tally.contributors.count(),
                runs: tally.runs,
                timed_runs: tally.durations.count(),
                median_seconds: tally.median_seconds(),
                hours: tally.hours(),
            }
        })
        .collect();
    ActionRow {
        rank: 0,
        action,
        category,
        teams: row.teams,
        contributors: total.contributors.count(),
        runs: total.runs,
        timed_runs: total.durations.count(),
        failures: total.failures,
        exits_known: total.exits_known,
        failure_rate: (total.exits_known > 0)
            .then(|| total.failures as f64 / total.exits_known as f64),
        total_hours: total.hours(),
        hours_per_week: total.hours() / weeks,
        median_seconds: median,
        p90_seconds: total.p90_seconds(),
        runs_per_year,
        budget,
        machines,
        weeks: weeks_rows,
    }
}

/// "3 actions and 1 week hidden: …", or `None`.
fn notice(actions: usize, machines: usize, weeks: usize, k: usize) -> Option<String> {
    let parts: Vec<String> = [
        (actions, "action", "actions"),
        (machines, "machine class", "machine classes"),
        (weeks, "week", "weeks"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    let list = match parts.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    // Only breakdowns (machine classes, weeks) hide extra cells against subtraction.
    Some(if machines + weeks == 0 {
        format!("{list} hidden: fewer than {k} contributors")
    } else {
        format!(
            "{list} hidden: fewer than {k} contributors, or hidden with such a cell so that \
             it cannot be worked out by subtraction"
        )
    })
}

/// The CSV columns of [`to_csv`], in order.
pub const CSV_COLUMNS: [&str; 18] = [
    "rank",
    "action",
    "category",
    "teams",
    "contributors",
    "runs",
    "timed_runs",
    "failures",
    "exits_known",
    "failure_rate",
    "total_hours",
    "hours_per_week",
    "median_seconds",
    "p90_seconds",
    "runs_per_year",
    "budget_10pct_engineer_days",
    "budget_50pct_engineer_days",
    "budget_100pct_engineer_days",
];

/// RFC 4180 quoting, only where needed.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_number(value: Option<f64>) -> String {
    // `{}` prints the shortest text that reads back as the same f64, as JSON does.
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The report's action rows as CSV (header line first, CRLF-free), the same rows and
/// figures as the JSON; the breakdowns and the hidden counts are JSON only.
pub fn to_csv(report: &Report) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    for row in &report.actions {
        let budget = |shave: f64| {
            csv_number(
                row.budget
                    .iter()
                    .find(|b| b.shave == shave)
                    .map(|b| b.engineer_days),
            )
        };
        let fields = [
            row.rank.to_string(),
            csv_field(&row.action),
            row.category.as_str().to_string(),
            row.teams.to_string(),
            row.contributors.to_string(),
            row.runs.to_string(),
            row.timed_runs.to_string(),
            row.failures.to_string(),
            row.exits_known.to_string(),
            csv_number(row.failure_rate),
            csv_number(Some(row.total_hours)),
            csv_number(Some(row.hours_per_week)),
            csv_number(row.median_seconds),
            csv_number(row.p90_seconds),
            csv_number(Some(row.runs_per_year)),
            budget(SHAVES[0]),
            budget(SHAVES[1]),
            budget(SHAVES[2]),
        ];
        let _ = writeln!(out, "{}", fields.join(","));
    }
    out
}

#[cfg(test)]
mod tests;
