//! Ranks actions by the time they cost and works out what fixing each is worth.
//!
//! Pure: it takes rollup rows (per day × action × repository) and returns the figures that
//! `worthit report`, the TUI and the uploader show. The definitions, also on the TUI's
//! help screen and in docs/report.md:
//!
//! - **active days**: days in the period with at least one recorded command of any kind.
//!   Per-day rates divide by these, so weekends and holidays do not dilute them.
//! - **span**: calendar days from the first active day in the period to its last day.
//!   Per-week figures and runs per calendar year divide by the span.
//! - **median / p90**: of the runs whose duration is known, read from the merged duration
//!   histogram (within 4.4 %); **spread** is p90 − median, the price of unpredictability.
//! - **total**: the exact sum of the known durations.
//! - **worth over five years** (XKCD 1205): `5 years × runs per year × seconds saved per
//!   run`, for shaving 10 %, 50 % and 100 % of the median. In calendar time like the comic
//!   (runs per calendar year from the span), or in working time (runs per active day ×
//!   working days per year, read in working days), always labelled.
//! - **team**: the same budget × N engineers, "what if your team does this too".

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::classify::Category;
use crate::histogram::Histogram;
use crate::rollup::{RollupKey, Tally};
use crate::worth::{self, WorkingTime};

/// The shares of the median a fix might shave, as shown in reports.
pub const SHAVES: [(&str, f64); 3] = [("10%", 0.1), ("50%", 0.5), ("100%", 1.0)];

/// A stored action: what the classifier said about a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    pub id: i64,
    pub action: String,
    pub category: Category,
    pub counted: bool,
}

/// One rollup row.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupRow {
    pub key: RollupKey,
    pub tally: Tally,
}

/// Days, inclusive, as local days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub first_day: i32,
    pub last_day: i32,
}

impl Period {
    /// The `days` days ending with `last_day`.
    pub fn ending(last_day: i32, days: u32) -> Period {
        Period {
            first_day: last_day - days.max(1) as i32 + 1,
            last_day,
        }
    }

    pub fn contains(&self, day: i32) -> bool {
        (self.first_day..=self.last_day).contains(&day)
    }

    pub fn days(&self) -> u32 {
        (self.last_day - self.first_day + 1).max(0) as u32
    }
}

/// Which budget view to compute.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum TimeView {
    /// Calendar time, like the comic.
    #[default]
    Calendar,
    /// Working days of a working year.
    Working(WorkingTime),
}

impl TimeView {
    /// The caption every budget must carry.
    pub fn describe(&self) -> String {
        match self {
            TimeView::Calendar => worth::CALENDAR_VIEW.to_string(),
            TimeView::Working(working) => working.describe(),
        }
    }
}

/// What to rank and how.
#[derive(Debug, Clone)]
pub struct RankOptions {
    pub team_size: u32,
    pub view: TimeView,
    /// Also rank interactive sessions (editors, shells, dev servers).
    pub include_interactive: bool,
    /// Only these categories (empty: all).
    pub categories: Vec<Category>,
    /// Only actions whose key contains this (case-insensitive).
    pub action_filter: Option<String>,
}

impl Default for RankOptions {
    fn default() -> Self {
        RankOptions {
            team_size: 1,
            view: TimeView::Calendar,
            include_interactive: false,
            categories: Vec::new(),
            action_filter: None,
        }
    }
}

/// Budgets for shaving 10 %, 50 % and 100 % of the median, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Budgets {
    #[serde(rename = "10%")]
    pub tenth: f64,
    #[serde(rename = "50%")]
    pub half: f64,
    #[serde(rename = "100%")]
    pub all: f64,
}

impl Budgets {
    fn for_each_shave(mut budget: impl FnMut(f64) -> f64) -> Budgets {
        Budgets {
            tenth: budget(SHAVES[0].1),
            half: budget(SHAVES[1].1),
            all: budget(SHAVES[2].1),
        }
    }

    fn times(self, n: f64) -> Budgets {
        Budgets {
            tenth: self.tenth * n,
            half: self.half * n,
            all: self.all * n,
        }
    }
}

/// Everything worthit says about one action over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionStats {
    pub action_id: i64,
    pub action: String,
    pub category: Category,
    pub counted: bool,
    /// All runs, timed or not.
    pub runs: u64,
    /// Runs with a known duration (imported history often has none).
    pub timed_runs: u64,
    pub failures: u64,
    pub exits_known: u64,
    /// Days this action ran.
    pub days_used: u32,
    /// Runs per active day.
    pub runs_per_day: f64,
    /// Exact sum of the known durations.
    pub total_s: f64,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
    /// p90 − median.
    pub spread_s: Option<f64>,
    /// Failed runs / runs with a known exit status.
    pub fail_rate: Option<f64>,
    /// Time per active day.
    pub per_day_s: f64,
    /// Time per calendar week of the span.
    pub per_week_s: f64,
    /// Runs per year in the chosen view (calendar or working).
    pub runs_per_year: f64,
    /// XKCD budget for one person in the chosen view, `None` without timed runs.
    pub worth_5y_s: Option<Budgets>,
    /// The same × team size.
    pub team_worth_5y_s: Option<Budgets>,
    /// Merged durations of the timed runs.
    pub durations: Histogram,
}

/// The ranked list and the context it was computed in.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub period: Period,
    /// Days with any activity in the period (all actions, before filters).
    pub active_days: u32,
    /// Calendar days from the first active day to the period's end.
    pub span_days: u32,
    pub team_size: u32,
    pub view: TimeView,
    /// Most time lost first.
    pub actions: Vec<ActionStats>,
}

/// Per-action sums over a period, built one rollup row at a time so a caller can stream
/// rows from the database without keeping them.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// action id → (merged tally, days it ran).
    per_action: HashMap<i64, (Tally, BTreeSet<i32>)>,
    /// Days with any activity.
    active: BTreeSet<i32>,
}

impl Totals {
    /// Adds one rollup row (the caller keeps to the period).
    pub fn add(&mut self, key: &RollupKey, tally: &Tally) {
        self.active.insert(key.day);
        let (sum, days) = self.per_action.entry(key.action_id).or_default();
        sum.merge(tally);
        days.insert(key.day);
    }

    /// Sums the rows of `rows` that fall in `period`.
    pub fn of_rows(rows: &[RollupRow], period: Period) -> Totals {
        let mut totals = Totals::default();
        for row in rows.iter().filter(|row| period.contains(row.key.day)) {
            totals.add(&row.key, &row.tally);
        }
        totals
    }
}

/// Ranks the actions in `rows` over `period`. `rows` outside the period are ignored;
/// actions missing from `actions` are skipped.
pub fn rank(
    actions: &[ActionInfo],
    rows: &[RollupRow],
    period: Period,
    options: &RankOptions,
) -> Ranking {
    rank_totals(actions, Totals::of_rows(rows, period), period, options)
}

/// Ranks summed rows; see [`rank`].
pub fn rank_totals(
    actions: &[ActionInfo],
    totals: Totals,
    period: Period,
    options: &RankOptions,
) -> Ranking {
    let active_days = totals.active.len() as u32;
    let span_days = totals
        .active
        .first()
        .map_or(0, |&first| (period.last_day - first + 1).max(1) as u32);

    let info: HashMap<i64, &ActionInfo> = actions.iter().map(|a| (a.id, a)).collect();
    let needle = options.action_filter.as_deref().map(str::to_lowercase);
    let wanted = |a: &ActionInfo| {
        (a.counted || options.include_interactive)
            && (options.categories.is_empty() || options.categories.contains(&a.category))
            && needle
                .as_deref()
                .is_none_or(|needle| a.action.to_lowercase().contains(needle))
    };
    let mut ranked: Vec<ActionStats> = totals
        .per_action
        .into_iter()
        .filter_map(|(id, (tally, days))| {
            let a = info.get(&id).filter(|a| wanted(a))?;
            Some(stats(
                a,
                tally,
                days.len() as u32,
                active_days,
                span_days,
                options,
            ))
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.total_s
            .total_cmp(&a.total_s)
            .then(b.runs.cmp(&a.runs))
            .then_with(|| a.action.cmp(&b.action))
            .then(a.action_id.cmp(&b.action_id))
    });
    Ranking {
        period,
        active_days,
        span_days,
        team_size: options.team_size.max(1),
        view: options.view,
        actions: ranked,
    }
}

fn stats(
    info: &ActionInfo,
    tally: Tally,
    days_used: u32,
    active_days: u32,
    span_days: u32,
    options: &RankOptions,
) -> ActionStats {
    let per = |value: f64, days: u32| {
        if days == 0 {
            0.0
        } else {
            value / f64::from(days)
        }
    };
    let timed_runs = tally.durations.count();
    let total_s = tally.durations.sum_us() as f64 / 1e6;
    let quantile =
        |q: f64| (timed_runs > 0).then(|| tally.durations.quantile_us(q).unwrap_or(0.0) / 1e6);
    let median_s = quantile(0.5);
    let p90_s = quantile(0.9);
    let runs_per_day = per(tally.runs as f64, active_days);
    let runs_per_year = match options.view {
        TimeView::Calendar => per(tally.runs as f64, span_days) * worth::DAYS_PER_YEAR,
        TimeView::Working(working) => working.runs_per_year(runs_per_day),
    };
    let worth_5y_s = median_s.map(|median| {
        Budgets::for_each_shave(|share| worth::budget_seconds(median * share, runs_per_year))
    });
    let team = f64::from(options.team_size.max(1));
    ActionStats {
        action_id: info.id,
        action: info.action.clone(),
        category: info.category,
        counted: info.counted,
        runs: tally.runs,
        timed_runs,
        failures: tally.failures,
        exits_known: tally.exits_known,
        days_used,
        runs_per_day,
        total_s,
        median_s,
        p90_s,
        spread_s: median_s.zip(p90_s).map(|(m, p)| (p - m).max(0.0)),
        fail_rate: (tally.exits_known > 0)
            .then(|| tally.failures as f64 / tally.exits_known as f64),
        per_day_s: per(total_s, active_days),
        per_week_s: per(total_s, span_days) * 7.0,
        runs_per_year,
        worth_5y_s,
        team_worth_5y_s: worth_5y_s.map(|b| b.times(team)),
        durations: tally.durations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn info(id: i64, action: &str, category: Category) -> ActionInfo {
        ActionInfo {
            id,
            action: action.into(),
            category,
            counted: category != Category::Interactive,
        }
    }

    fn row(day: i32, action_id: i64, runs: &[(u64, i32)]) -> RollupRow {
        let mut tally = Tally::default();
        for &(us, exit) in runs {
            tally.add(Some(us as i64), Some(exit));
        }
        RollupRow {
            key: RollupKey {
                day,
                action_id,
                repo_id: 0,
            },
            tally,
        }
    }

    fn actions() -> Vec<ActionInfo> {
        vec![
            info(1, "cargo test", Category::Test),
            info(2, "git status", Category::Vcs),
            info(3, "nvim", Category::Interactive),
        ]
    }

    /// The issue's example: `cargo test` 38 times on each of 5 working days in a week,
    /// 41 s a run, one run in five failing.
    fn week() -> Vec<RollupRow> {
        let mut rows = Vec::new();
        for day in 100..105 {
            let runs: Vec<(u64, i32)> = (0..38)
                .map(|i| (41_000_000, if i % 5 == 0 { 1 } else { 0 }))
                .collect();
            rows.push(row(day, 1, &runs));
            rows.push(row(day, 2, &[(120_000, 0); 50]));
            rows.push(row(day, 3, &[(3_600_000_000, 0)]));
        }
        rows
    }

    #[test]
    fn the_issue_example_adds_up() {
        let period = Period::ending(106, 7);
        let ranking = rank(&actions(), &week(), period, &RankOptions::default());
        assert_eq!(ranking.active_days, 5);
        assert_eq!(
            ranking.span_days, 7,
            "first active day 100 to period end 106"
        );
        let top = &ranking.actions[0];
        assert_eq!(top.action, "cargo test");
        assert_eq!(top.runs, 190);
        assert_eq!(top.runs_per_day, 38.0);
        assert_eq!(
            top.median_s,
            Some(41.0),
            "one value: the histogram is exact"
        );
        assert_eq!(top.p90_s, Some(41.0));
        assert_eq!(top.spread_s, Some(0.0));
        assert_eq!(top.fail_rate, Some(40.0 / 190.0));
        assert_eq!(top.total_s, 190.0 * 41.0);
        assert_eq!(top.per_week_s, 190.0 * 41.0, "the span is exactly one week");
        assert_eq!(top.per_day_s, 38.0 * 41.0);
        let runs_per_year = 190.0 / 7.0 * 365.25;
        assert!((top.runs_per_year - runs_per_year).abs() < 1e-9);
        let worth = top.worth_5y_s.unwrap();
        assert!((worth.half - 5.0 * runs_per_year * 20.5).abs() < 1e-6);
        assert!((worth.all - 2.0 * worth.half).abs() < 1e-6);
        assert!((worth.tenth - worth.all / 10.0).abs() < 1e-6);
        // Interactive sessions are not ranked by default...
        assert!(ranking.actions.iter().all(|a| a.action != "nvim"));
        assert_eq!(ranking.actions.len(), 2);
    }

    #[test]
    fn interactive_sessions_only_when_asked_and_then_ranked_by_time() {
        let options = RankOptions {
            include_interactive: true,
            ..RankOptions::default()
        };
        let ranking = rank(&actions(), &week(), Period::ending(106, 7), &options);
        let names: Vec<&str> = ranking.actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(names, ["nvim", "cargo test", "git status"]);
    }

    #[test]
    fn filters_by_category_and_action_text() {
        let by_category = RankOptions {
            categories: vec![Category::Vcs],
            ..RankOptions::default()
        };
        let ranking = rank(&actions(), &week(), Period::ending(106, 7), &by_category);
        assert_eq!(ranking.actions.len(), 1);
        assert_eq!(ranking.actions[0].action, "git status");
        assert_eq!(ranking.active_days, 5, "active days ignore the filters");
        let by_text = RankOptions {
            action_filter: Some("CARGO".into()),
            ..RankOptions::default()
        };
        let ranking = rank(&actions(), &week(), Period::ending(106, 7), &by_text);
        assert_eq!(ranking.actions.len(), 1);
        assert_eq!(ranking.actions[0].action, "cargo test");
    }

    #[test]
    fn working_time_counts_runs_on_working_days() {
        let options = RankOptions {
            view: TimeView::Working(WorkingTime::default()),
            team_size: 130,
            ..RankOptions::default()
        };
        let ranking = rank(&actions(), &week(), Period::ending(106, 7), &options);
        let top = &ranking.actions[0];
        assert_eq!(top.runs_per_year, 38.0 * 230.0);
        let worth = top.worth_5y_s.unwrap();
        assert!((worth.half - 5.0 * 38.0 * 230.0 * 20.5).abs() < 1e-6);
        assert!((top.team_worth_5y_s.unwrap().half - 130.0 * worth.half).abs() < 1e-3);
        assert!(
            ranking
                .view
                .describe()
                .starts_with("working time (230 days/year, 8 h/day)")
        );
    }

    #[test]
    fn untimed_runs_count_as_runs_not_time() {
        let mut tally = Tally::default();
        tally.add(None, None);
        tally.add(None, None);
        let rows = vec![RollupRow {
            key: RollupKey {
                day: 10,
                action_id: 1,
                repo_id: 0,
            },
            tally,
        }];
        let ranking = rank(
            &actions(),
            &rows,
            Period::ending(10, 30),
            &RankOptions::default(),
        );
        let a = &ranking.actions[0];
        assert_eq!((a.runs, a.timed_runs, a.total_s), (2, 0, 0.0));
        assert_eq!((a.median_s, a.fail_rate, a.worth_5y_s), (None, None, None));
    }

    #[test]
    fn an_empty_period_ranks_nothing() {
        let ranking = rank(
            &actions(),
            &week(),
            Period::ending(50, 7),
            &RankOptions::default(),
        );
        assert!(ranking.actions.is_empty());
        assert_eq!((ranking.active_days, ranking.span_days), (0, 0));
    }

    proptest! {
        #[test]
        fn figures_are_consistent(
            runs in proptest::collection::vec((0i32..40, 1i64..4, 1u64..600_000_000, 0i32..3), 1..200),
            team in 1u32..500,
        ) {
            let rows: Vec<RollupRow> = runs
                .iter()
                .map(|&(day, action_id, us, exit)| row(day, action_id, &[(us, exit)]))
                .collect();
            let period = Period::ending(39, 40);
            let options = RankOptions { team_size: team, include_interactive: true, ..RankOptions::default() };
            let ranking = rank(&actions(), &rows, period, &options);
            let total_runs: u64 = ranking.actions.iter().map(|a| a.runs).sum();
            prop_assert_eq!(total_runs, runs.len() as u64);
            let total_us: u64 = runs.iter().map(|r| r.2).sum();
            let total_s: f64 = ranking.actions.iter().map(|a| a.total_s).sum();
            prop_assert!((total_s - total_us as f64 / 1e6).abs() < 1e-6);
            for pair in ranking.actions.windows(2) {
                prop_assert!(pair[0].total_s >= pair[1].total_s);
            }
            for a in &ranking.actions {
                let worth = a.worth_5y_s.unwrap();
                prop_assert!(worth.tenth <= worth.half && worth.half <= worth.all);
                let team_worth = a.team_worth_5y_s.unwrap();
                prop_assert!((team_worth.all - worth.all * f64::from(team)).abs() <= 1e-9 * team_worth.all.max(1.0));
                prop_assert!(a.median_s.unwrap() <= a.p90_s.unwrap());
                prop_assert!((a.per_week_s * f64::from(ranking.span_days) / 7.0 - a.total_s).abs() < 1e-6);
                prop_assert!(a.fail_rate.unwrap() >= 0.0 && a.fail_rate.unwrap() <= 1.0);
            }
        }
    }
}
